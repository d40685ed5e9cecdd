/**
 * End-to-end encryption against a real Synapse: the crypto wasm loads only when an
 * encrypted room is opened, the element and an independent client (matrix-nio + libolm) read each
 * other's encrypted messages, Synapse stores only ciphertext, and signing out wipes the crypto store.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import {
  databaseContains,
  homeserver,
  peer,
  registerUser,
  startNioPeer,
  storedRoomEvents,
  type RemoteNioPeer,
  type TestUser,
} from '@omnisocial/testing/browser';
import { signIn, signOut } from '@omnisocial/chat';
import { deepText, quietWindow } from './dom.ts';
import { engineResources, type EngineResource } from './engine-network.ts';
import { engineSession } from './engine-session.ts';

/** How long a lazily started crypto (wasm, identity) is given to show up when it must not. */
const NO_CRYPTO_WINDOW_MS = 1_000;

/** The crypto wasm as the engine fetched it, on the page or in its worker (engine-network.ts). */
async function wasmEntries(): Promise<EngineResource[]> {
  return (await engineResources()).filter((e) => new URL(e.name).pathname.endsWith('.wasm'));
}

async function mountRoom(baseUrl: string, room: string): Promise<HTMLElement> {
  const container = await fixture<HTMLElement>(html`<div></div>`);
  const el = document.createElement('omni-room');
  el.setAttribute('homeserver', baseUrl);
  el.setAttribute('room', room);
  container.append(el);
  return el;
}

async function cryptoDatabases(prefix: string): Promise<string[]> {
  return (await indexedDB.databases()).map((d) => d.name ?? '').filter((name) => name.startsWith(prefix));
}

describe('end-to-end encryption (real Synapse, matrix-nio interop)', function () {
  this.timeout(180_000);
  let baseUrl: string;
  let alice: TestUser;
  let bob: TestUser;
  let nio: RemoteNioPeer;
  let encryptedRoom: string;
  const tag = crypto.randomUUID().slice(0, 8);
  const fromElement = `element secret ${tag}`;
  const fromNio = `nio secret ${tag}`;
  const inPublic = `public words ${tag}`;

  before(async () => {
    performance.setResourceTimingBufferSize(10_000);
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
    nio = await startNioPeer();
  });

  after(async () => {
    await nio.close();
    await signOut();
  });

  it('fetches no crypto wasm for a public room, and fetches it (as application/wasm) once an encrypted room opens', async () => {
    const { roomId: publicRoom } = await peer(bob).createRoom({ name: 'Public', preset: 'public_chat' });
    await peer(bob).sendMessage(publicRoom, inPublic);
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const publicEl = await mountRoom(baseUrl, publicRoom);
    await waitUntil(() => deepText(publicEl).includes(inPublic), 'the public room never showed its message', { timeout: 30_000 });
    // Give a lazily started crypto every chance to show up before asserting that it did not.
    await quietWindow(NO_CRYPTO_WINDOW_MS);
    expect(
      (await wasmEntries()).map((e) => e.name),
      'wasm fetched on a page with only a public room',
    ).to.deep.equal([]);

    ({ roomId: encryptedRoom } = await peer(bob).createRoom({ name: 'Secret', preset: 'public_chat', encrypted: true }));
    await mountRoom(baseUrl, encryptedRoom);
    await waitUntil(async () => (await wasmEntries()).length > 0, 'opening an encrypted room did not fetch the crypto wasm', {
      timeout: 60_000,
    });
    const [entry] = await wasmEntries();
    if (!entry) throw new Error('no wasm entry');
    const head = await fetch(entry.name, { method: 'HEAD' });
    expect(head.headers.get('content-type')).to.match(/^application\/wasm/);
    // Streamed from its own file, not inlined into a script as base64.
    expect(entry.decodedBodySize).to.be.greaterThan(1_000_000);
  });

  it('nio reads what the element sends, and the element shows what nio sends (both encrypted)', async () => {
    const session = await engineSession(baseUrl);
    if (!session) throw new Error('no session');
    const el = await mountRoom(baseUrl, encryptedRoom);
    const room = session.openRoom(encryptedRoom);
    try {
      await waitUntil(() => room.snapshot.status === 'ready', 'the encrypted room never got ready', { timeout: 60_000 });
      await nio.login({ homeserver: baseUrl, user: bob.userId, password: bob.password, device: `NIO${tag}` });
      await nio.join({ room: encryptedRoom });
      await nio.waitMember({ room: encryptedRoom, user: alice.userId });

      // Element → nio: the same RoomModel.send the composer uses.
      await room.send(fromElement);
      const received = await nio.waitMessage({ room: encryptedRoom, body: fromElement, timeout: 60 });
      expect(received.sender).to.equal(alice.userId);
      expect(received.decrypted, 'nio decrypted it (it was sent encrypted)').to.equal(true);

      // nio → element.
      expect(await nio.trust({ user: alice.userId })).to.be.greaterThan(0);
      await nio.send({ room: encryptedRoom, body: fromNio });
      await waitUntil(() => deepText(el).includes(fromNio), 'the element never showed the decrypted message from nio', { timeout: 60_000 });
      expect(deepText(el)).to.include(fromElement);
    } finally {
      room.release();
    }
  });

  it('Synapse stores only m.room.encrypted for the encrypted room and never the plaintext', async () => {
    const stored = await storedRoomEvents(encryptedRoom);
    const messages = stored.filter((e) => e.type !== 'm.room.member');
    expect(messages.length, 'messages stored').to.be.greaterThanOrEqual(2);
    expect([...new Set(messages.map((e) => e.type))]).to.deep.equal(['m.room.encrypted']);
    for (const event of stored) {
      expect(event.json).to.not.include(fromElement);
      expect(event.json).to.not.include(fromNio);
    }
    expect(await databaseContains(fromElement), 'element plaintext in the database files').to.equal(false);
    expect(await databaseContains(fromNio), 'nio plaintext in the database files').to.equal(false);
    // The scan does find what was sent in the clear, so the two checks above mean something.
    expect(await databaseContains(inPublic), 'public plaintext in the database files').to.equal(true);
  });

  it('signing out deletes the crypto store', async () => {
    const prefix = `omni-crypto:${alice.userId}:`;
    expect(await cryptoDatabases(prefix), 'crypto store while signed in').to.not.deep.equal([]);
    await signOut();
    await waitUntil(async () => (await cryptoDatabases(prefix)).length === 0, 'the crypto store survived sign-out', { timeout: 10_000 });
  });
});
