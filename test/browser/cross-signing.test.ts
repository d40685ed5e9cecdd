/**
 * Cross-signing is set up for each member the first time crypto runs after they sign in, against a
 * real Synapse: nothing happens on a page with only public rooms; opening an encrypted room makes
 * the member's identity (the server has their master and self-signing keys, the device is signed
 * with them) and the password typed at sign-in is gone from memory and never reached storage.
 * Recovery set up afterwards keeps that identity; a reset followed by a new set-up completes. A
 * second browser of the same member finds the identity and leaves it alone. A member signed in with
 * a one-time login token (no password) gets an identity too. Signing out right after the identity is
 * made, or after the security status is read, ends with the crypto store deleted.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { homeserver, mintLoginToken, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { sessionFor, signIn, signOut, type RoomHandle, type SessionHandle } from '@omnisocial/core';
import { EngineSession } from '@omnisocial/core/internal/engine';
import { ProxySession, runningWorker } from '@omnisocial/core/internal/worker';
import { quietWindow } from './dom.ts';
import { engineResources } from './engine-network.ts';

const TIMEOUT = 90_000;
/** How long a lazily started crypto (wasm, identity) is given to show up when it must not. */
const NO_CRYPTO_WINDOW_MS = 1_000;

interface CrossSigningKey {
  keys: Record<string, string>;
}

interface KeysQuery {
  master_keys?: Record<string, CrossSigningKey>;
  self_signing_keys?: Record<string, CrossSigningKey>;
  user_signing_keys?: Record<string, CrossSigningKey>;
  device_keys?: Record<string, Record<string, { signatures?: Record<string, Record<string, string>> }>>;
}

/** What the server says about the member's keys, asked with the test user's own (registration) token. */
async function keysQuery(baseUrl: string, user: TestUser): Promise<KeysQuery> {
  const response = await fetch(`${baseUrl}/_matrix/client/v3/keys/query`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${user.accessToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ device_keys: { [user.userId]: [] } }),
  });
  if (!response.ok) throw new Error(`/keys/query: HTTP ${response.status}`);
  return (await response.json()) as KeysQuery;
}

function onlyKeyId(key: CrossSigningKey | undefined): string | undefined {
  return key ? Object.keys(key.keys)[0] : undefined;
}

/** The signed-in session, its engine on the page's main thread or in a worker (docs/engine.md). */
function engine(baseUrl: string): EngineSession | ProxySession {
  const found = sessionFor(baseUrl);
  if (!(found instanceof EngineSession) && !(found instanceof ProxySession)) throw new Error('not signed in');
  return found;
}

/** Whether the sign-in password is held anywhere: by the engine, and with the engine in a worker, by the page too. */
async function holdsSignInPassword(session: EngineSession | ProxySession): Promise<boolean> {
  if (session instanceof EngineSession) return session.holdsSignInPassword;
  const worker = await runningWorker();
  if (!worker) throw new Error('the session runs in a worker, but the page has none');
  const key = `${session.info.homeserverUrl}|${session.info.userId}`;
  return session.holdsSignInPassword || (await worker.hostStats()).signInPasswordHeld.includes(key);
}

/** Whether the engine fetched the crypto wasm (the page's own requests, and its worker's). */
async function wasmFetched(): Promise<boolean> {
  return (await engineResources()).some((e) => new URL(e.name).pathname.endsWith('.wasm'));
}

/** Bytes as text both ways a secret could be written (UTF-8, UTF-16), so the scan finds it either way. */
function asText(value: ArrayBuffer | ArrayBufferView): string {
  const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  const utf16 = bytes.byteLength % 2 === 0 ? new TextDecoder('utf-16le').decode(bytes) : '';
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes) + utf16;
}

function flatten(value: unknown, seen = new Set<unknown>()): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value !== 'object') return '';
  if (seen.has(value)) return '';
  seen.add(value);
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return asText(value);
  if (value instanceof Blob) return '';
  if (value instanceof Map) return [...value.entries()].map((entry) => flatten(entry, seen)).join('\n');
  return Object.entries(value as Record<string, unknown>)
    .map(([key, inner]) => `${key}\n${flatten(inner, seen)}`)
    .join('\n');
}

/** Every record of every IndexedDB database of the page, as text. */
async function indexedDbText(): Promise<{ text: string; records: number }> {
  let text = '';
  let records = 0;
  for (const { name } of await indexedDB.databases()) {
    if (!name) continue;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error ?? new Error(`cannot open ${name}`));
    });
    try {
      for (const storeName of db.objectStoreNames) {
        const all = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(storeName, 'readonly').objectStore(storeName).getAll();
          request.onsuccess = () => resolve(request.result as unknown[]);
          request.onerror = () => reject(request.error ?? new Error(`cannot read ${storeName}`));
        });
        records += all.length;
        text += `${flatten(all)}\n`;
      }
    } finally {
      db.close();
    }
  }
  return { text, records };
}

function webStorageText(): string {
  const read = (storage: Storage): string =>
    Array.from({ length: storage.length }, (_, i) => {
      const key = storage.key(i) ?? '';
      return `${key}\n${storage.getItem(key) ?? ''}`;
    }).join('\n');
  return `${read(localStorage)}\n${read(sessionStorage)}`;
}

/** The member's crypto store databases (js-sdk's `::matrix-sdk-crypto` and `::matrix-sdk-crypto-meta`) still on the page. */
async function cryptoStores(user: TestUser): Promise<string[]> {
  return (await indexedDB.databases()).flatMap((d) => (d.name?.startsWith(`omni-crypto:${user.userId}:`) ? [d.name] : []));
}

async function openEncrypted(session: SessionHandle, roomId: string): Promise<RoomHandle> {
  const room = session.openRoom(roomId);
  await waitUntil(() => room.snapshot.status === 'ready', 'the encrypted room never got ready', { timeout: TIMEOUT });
  return room;
}

describe('cross-signing set up at first sign-in (real Synapse)', function () {
  this.timeout(600_000);
  let baseUrl: string;
  let alice: TestUser;
  let publicRoom: string;
  let encryptedRoom: string;
  let masterKey: string | undefined;

  before(async () => {
    performance.setResourceTimingBufferSize(10_000);
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    ({ roomId: publicRoom } = await peer(alice).createRoom({ name: 'Lobby', preset: 'public_chat' }));
    ({ roomId: encryptedRoom } = await peer(alice).createRoom({ name: 'Secret', preset: 'private_chat', encrypted: true }));
  });

  after(async () => {
    await signOut();
  });

  it('does nothing while only public rooms are open: no crypto, no identity, the password held in memory only', async () => {
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const room = engine(baseUrl).openRoom(publicRoom);
    try {
      await waitUntil(() => room.snapshot.status === 'ready', 'the public room never got ready', { timeout: TIMEOUT });
      await quietWindow(NO_CRYPTO_WINDOW_MS);
      expect(await wasmFetched(), 'crypto wasm fetched for a public room').to.equal(false);
      expect(await holdsSignInPassword(engine(baseUrl)), 'the sign-in password is held for the first identity').to.equal(true);
      const keys = await keysQuery(baseUrl, alice);
      expect(keys.master_keys?.[alice.userId], 'a master key before crypto ran').to.equal(undefined);
      const stored = await indexedDbText();
      expect(stored.records, 'the session is stored').to.be.greaterThan(0);
      expect(stored.text.includes(alice.password), 'the password in IndexedDB').to.equal(false);
      expect(webStorageText().includes(alice.password), 'the password in Web Storage').to.equal(false);
    } finally {
      room.release();
    }
  });

  it('makes the identity when an encrypted room opens: keys on the server, the device signed, the password forgotten', async () => {
    const session = engine(baseUrl);
    const room = await openEncrypted(session, encryptedRoom);
    try {
      const status = await session.security.status();
      expect(status.crossSigning, 'cross-signing ready').to.equal(true);
      expect(status.recoveryKeyStored, 'no recovery key yet (that is the Security panel’s)').to.equal(false);
      expect(await holdsSignInPassword(session), 'the password is forgotten after the bootstrap').to.equal(false);

      const keys = await keysQuery(baseUrl, alice);
      masterKey = onlyKeyId(keys.master_keys?.[alice.userId]);
      const selfSigning = onlyKeyId(keys.self_signing_keys?.[alice.userId]);
      expect(masterKey, 'master key on the server').to.match(/^ed25519:/);
      expect(selfSigning, 'self-signing key on the server').to.match(/^ed25519:/);
      expect(onlyKeyId(keys.user_signing_keys?.[alice.userId]), 'user-signing key on the server').to.match(/^ed25519:/);
      const device = keys.device_keys?.[alice.userId]?.[session.info.deviceId];
      expect(Object.keys(device?.signatures?.[alice.userId] ?? {}), 'the device’s signatures').to.include(selfSigning);
      // The device learns its own signature back from the server (its next key query).
      await waitUntil(async () => (await session.security.status()).thisDeviceVerified, 'this device never saw itself signed', {
        timeout: TIMEOUT,
      });

      const stored = await indexedDbText();
      expect(stored.text.includes(alice.password), 'the password in IndexedDB').to.equal(false);
      expect(webStorageText().includes(alice.password), 'the password in Web Storage').to.equal(false);
    } finally {
      room.release();
    }
  });

  it('recovery set up afterwards keeps that identity', async () => {
    const session = engine(baseUrl);
    const recoveryKey = await session.security.setUpRecovery();
    expect(recoveryKey).to.match(/^(\w{4} ){11}\w{4}$/);
    expect(onlyKeyId((await keysQuery(baseUrl, alice)).master_keys?.[alice.userId]), 'the master key after set-up').to.equal(masterKey);
    const status = await session.security.status();
    expect(status).to.deep.equal({ crossSigning: true, backup: 'on', recoveryKeyStored: true, thisDeviceVerified: true });
  });

  it('a reset, then setting up recovery again, completes (new identity kept, new key)', async () => {
    const session = engine(baseUrl);
    const first = await session.security.resetRecovery({ password: alice.password });
    const resetMaster = onlyKeyId((await keysQuery(baseUrl, alice)).master_keys?.[alice.userId]);
    expect(resetMaster, 'a new identity after the reset').to.not.equal(masterKey);
    const second = await Promise.race([
      session.security.setUpRecovery(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('setUpRecovery hung after a reset')), 120_000)),
    ]);
    expect(second).to.not.equal(first);
    expect(onlyKeyId((await keysQuery(baseUrl, alice)).master_keys?.[alice.userId]), 'the identity after the new set-up').to.equal(
      resetMaster,
    );
    expect(await session.security.status()).to.deep.equal({
      crossSigning: true,
      backup: 'on',
      recoveryKeyStored: true,
      thisDeviceVerified: true,
    });
    masterKey = resetMaster;
  });

  it('a new browser of the same member finds the identity and leaves it alone', async () => {
    await signOut();
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const session = engine(baseUrl);
    const room = await openEncrypted(session, encryptedRoom);
    try {
      const status = await session.security.status();
      expect(status.crossSigning, 'this device cannot open the identity').to.equal(false);
      expect(status.thisDeviceVerified).to.equal(false);
      expect(status.recoveryKeyStored, 'the account’s recovery is still there to restore').to.equal(true);
      expect(await holdsSignInPassword(session)).to.equal(false);
      expect(onlyKeyId((await keysQuery(baseUrl, alice)).master_keys?.[alice.userId]), 'the identity is unchanged').to.equal(masterKey);
    } finally {
      room.release();
    }
  });

  it('a member signed in with a login token (no password) gets an identity too', async () => {
    await signOut();
    const bob = await registerUser({ displayName: 'Bob' });
    const { roomId } = await peer(bob).createRoom({ name: 'Bob’s', preset: 'private_chat', encrypted: true });
    await signIn({ homeserver: baseUrl, loginToken: await mintLoginToken(bob.userId) });
    const session = engine(baseUrl);
    expect(await holdsSignInPassword(session)).to.equal(false);
    const room = await openEncrypted(session, roomId);
    try {
      expect((await session.security.status()).crossSigning).to.equal(true);
      const keys = await keysQuery(baseUrl, bob);
      const selfSigning = onlyKeyId(keys.self_signing_keys?.[bob.userId]);
      expect(onlyKeyId(keys.master_keys?.[bob.userId])).to.match(/^ed25519:/);
      expect(Object.keys(keys.device_keys?.[bob.userId]?.[session.info.deviceId]?.signatures?.[bob.userId] ?? {})).to.include(selfSigning);
    } finally {
      room.release();
    }
    // Signing out right after the bootstrap ends once the crypto store is deleted.
    await signOut();
    expect(await cryptoStores(bob), 'the crypto store survived sign-out').to.deep.equal([]);
  });

  it('the security status read just before signing out leaves nothing holding the crypto store: it is gone when sign-out ends', async () => {
    const carol = await registerUser({ displayName: 'Carol' });
    const { roomId } = await peer(carol).createRoom({ name: 'Carol’s', preset: 'private_chat', encrypted: true });
    await signIn({ homeserver: baseUrl, loginToken: await mintLoginToken(carol.userId) });
    const session = engine(baseUrl);
    const room = await openEncrypted(session, roomId);
    room.release();
    // Each read asks whether cross-signing is ready, which reads the member's own identity from the crypto store.
    for (let i = 0; i < 3; i++) expect((await session.security.status()).crossSigning).to.equal(true);
    expect(await cryptoStores(carol), 'the crypto store while signed in').to.have.length.greaterThan(0);
    await signOut();
    expect(await cryptoStores(carol), 'the crypto store survived sign-out').to.deep.equal([]);
  });
});
