/**
 * Encrypted messages the member's browser cannot read, against a real Synapse (issue 5's bad inputs).
 *
 * - Withheld key: Carol writes from a js-sdk client with Rust crypto that shares keys only with verified
 *   devices (`CryptoApi.globalBlacklistUnverifiedDevices`): her device sends Alice's unverified device an
 *   `m.room_key.withheld` (`m.unverified`) instead of the key. Alice's tile names Carol and says so.
 *   (matrix-nio 0.20 never sends `m.room_key.withheld`: it just leaves blacklisted devices out.)
 * - Missing key: Bob (matrix-nio) writes; Alice reads it, backs her keys up and signs out. On her next
 *   browser (a new device, after the message) the tile says it is waiting for the keys; Retry, pressed
 *   from the keyboard, runs a new attempt (held at the fault proxy Alice's page talks through, while it
 *   asks for the key backup, so "Decrypting…" is seen); restoring the backup with the recovery key
 *   fills the same tile in with the text.
 * - A to-device message lost once: the proxy answers nio's key share for this browser itself (200, never
 *   forwarded to Synapse); nio believes it shared the key and never sends it again, so the tile says,
 *   for good, that it waits for the keys.
 * - No plaintext of an unreadable message anywhere in the DOM (text or attributes, through shadow
 *   roots), never js-sdk's `** Unable to decrypt` text; axe clean.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { ClientEvent, createClient, SyncState, type MatrixClient } from 'matrix-js-sdk';
import {
  homeserver,
  peer,
  proxyLog,
  registerUser,
  resetProxy,
  setProxy,
  startNioPeer,
  startProxy,
  stopProxy,
  type RemoteNioPeer,
  type TestUser,
} from '@omnisocial/testing/browser';
import { sessionFor, signIn, signOut, type SessionHandle } from '@omnisocial/core';
import '../../packages/elements/src/components/room/define.ts';
import { deepDom, tileOf, textOf } from './dom.ts';
import type { OmniRoomView } from '../../packages/elements/src/components/room/omni-room.ts';

const TIMEOUT = 120_000;

function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

function mount(baseUrl: string, roomId: string): Promise<OmniRoomView> {
  return fixture<OmniRoomView>(html`<omni-room-view homeserver=${baseUrl} room=${roomId}></omni-room-view>`);
}

function session(baseUrl: string): SessionHandle {
  const found = sessionFor(baseUrl);
  if (!found) throw new Error('not signed in');
  return found;
}

/** Carol's own Matrix client in the page: js-sdk with Rust crypto (an in-memory store), syncing. */
async function startCarol(carol: TestUser): Promise<MatrixClient> {
  const client = createClient({
    baseUrl: carol.homeserver,
    userId: carol.userId,
    accessToken: carol.accessToken,
    deviceId: carol.deviceId,
  });
  await client.initRustCrypto({ useIndexedDB: false });
  const prepared = new Promise<void>((resolve) => {
    const onSync = (state: SyncState): void => {
      if (state !== SyncState.Prepared && state !== SyncState.Syncing) return;
      client.off(ClientEvent.Sync, onSync);
      resolve();
    };
    client.on(ClientEvent.Sync, onSync);
  });
  await client.startClient({ initialSyncLimit: 5 });
  await prepared;
  return client;
}

describe('undecryptable messages (real Synapse, js-sdk and matrix-nio senders)', function () {
  this.timeout(600_000);
  let proxy: string;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let carolClient: MatrixClient | undefined;
  let nio: RemoteNioPeer | undefined;
  let roomId: string;
  const tag = crypto.randomUUID().slice(0, 8);
  const withheldSecret = `withheld words ${tag}`;
  const missingSecret = `late words ${tag}`;
  const lostSecret = `lost words ${tag}`;

  before(async () => {
    await homeserver();
    ({ baseUrl: proxy } = await startProxy());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
    carol = await registerUser({ displayName: 'Carol' });
    ({ roomId } = await peer(carol).createRoom({ name: 'Undecryptable', preset: 'public_chat', encrypted: true }));
  });

  after(async () => {
    carolClient?.stopClient();
    await nio?.close();
    await signOut();
    await stopProxy(proxy);
  });

  it('a key withheld from unverified devices: the tile names the sender and says the key was withheld, with Retry; no plaintext', async () => {
    await signIn({ homeserver: proxy, username: alice.username, password: alice.password });
    const aliceDevice = session(proxy).info.deviceId;
    const el = await mount(proxy, roomId);
    const room = session(proxy).openRoom(roomId);
    try {
      await waitUntil(() => room.snapshot.status === 'ready', 'the encrypted room never got ready', { timeout: TIMEOUT });

      carolClient = await startCarol(carol);
      const carolCrypto = carolClient.getCrypto();
      if (!carolCrypto) throw new Error('Carol has no crypto');
      carolCrypto.globalBlacklistUnverifiedDevices = true;
      // Carol's device must know Alice's (unverified) device, or it would neither share nor withhold.
      await waitUntil(
        async () =>
          carolClient?.getRoom(roomId)?.getMember(alice.userId)?.membership === 'join' &&
          (await carolCrypto.getUserDeviceInfo([alice.userId], true)).get(alice.userId)?.has(aliceDevice) === true,
        "Carol's client never saw Alice's device in the room",
        { timeout: TIMEOUT, interval: 500 },
      );
      const { event_id: withheldId } = await carolClient.sendTextMessage(roomId, withheldSecret);

      await waitUntil(
        () => tileOf(el, withheldId)?.dataset['reason'] === 'withheld-unverified',
        'the tile never said the key was withheld',
        {
          timeout: TIMEOUT,
        },
      ).catch((error: unknown) => {
        const tile = tileOf(el, withheldId);
        throw new Error(`${String(error)} (tile: ${tile?.dataset['reason'] ?? 'none'}: ${textOf(tile)})`);
      });
      const tile = tileOf(el, withheldId);
      expect(tile?.getAttribute('role') ?? 'article', 'an article').to.equal('article');
      expect(tile?.dataset['undecryptable']).to.equal('failed');
      expect(textOf(tile)).to.include('Carol').and.include('Unable to decrypt this message');
      expect(textOf(tile)).to.include("Carol's device does not share keys with unverified devices");
      expect(tile?.querySelector('time')?.getAttribute('datetime'), 'its time').to.match(/^\d{4}-\d\d-\d\dT/u);
      expect(
        [...(tile?.querySelectorAll('button') ?? [])].map((b) => b.getAttribute('aria-label')),
        'Retry, and nothing to reply to or react to',
      ).to.deep.equal(['Retry decrypting this message']);

      const dom = deepDom(document.body);
      expect(dom).to.not.include(withheldSecret);
      expect(dom).to.not.include('** Unable to decrypt');
      expect(dom).to.not.include('m.bad.encrypted');
      expect(room.snapshot.status, 'nothing crashed').to.equal('ready');
      await expect(el).to.be.accessible();
    } finally {
      room.release();
    }
  });

  it('a key this browser never got: "Waiting for the keys", Retry from the keyboard tries again, and the same tile fills in when the backup is restored', async () => {
    nio = await startNioPeer();
    // Through the proxy too, so that the last test can lose one of nio's to-device messages.
    await nio.login({ homeserver: proxy, user: bob.userId, password: bob.password, device: `NIO${tag}` });
    await nio.join({ room: roomId });
    await nio.waitMember({ room: roomId, user: alice.userId });

    // Alice's first browser reads Bob's message, then backs her keys up and signs out.
    let el = await mount(proxy, roomId);
    const missingId = await nio.send({ room: roomId, body: missingSecret });
    await waitUntil(() => textOf(tileOf(el, missingId)).includes(missingSecret), 'the first browser never read Bob', { timeout: TIMEOUT });
    const recoveryKey = await session(proxy).security.setUpRecovery({ password: alice.password });
    await waitUntil(
      async () => {
        const backup = (await peer(alice).request('GET', '/_matrix/client/v3/room_keys/version')) as { count?: number };
        return (backup.count ?? 0) >= 1;
      },
      "Bob's room key never reached the key backup",
      { timeout: TIMEOUT, interval: 500 },
    );
    await signOut();
    el.remove();

    // A new browser (a new device, made after the message): the keys are not here.
    await signIn({ homeserver: proxy, username: alice.username, password: alice.password });
    el = await mount(proxy, roomId);
    await waitUntil(() => tileOf(el, missingId)?.dataset['undecryptable'] === 'waiting', 'the tile never said it waits for the keys', {
      timeout: TIMEOUT,
    }).catch((error: unknown) => {
      const tile = tileOf(el, missingId);
      throw new Error(`${String(error)} (tile: ${tile?.dataset['undecryptable'] ?? 'none'}: ${textOf(tile)})`);
    });
    const waiting = tileOf(el, missingId) as HTMLElement;
    expect(textOf(waiting)).to.include('Bob').and.include('Waiting for the keys to this message');
    expect(waiting.dataset['reason']).to.equal('backup-locked');
    expect(textOf(waiting)).to.include('Verify this browser from another session or enter your recovery key');
    const dom = deepDom(document.body);
    for (const secret of [missingSecret, withheldSecret]) expect(dom).to.not.include(secret);
    expect(dom).to.not.include('** Unable to decrypt');
    await expect(el).to.be.accessible();

    // Retry with the keyboard: focus the tile, Tab to its Retry, Enter. The attempt asks for the key
    // backup; the proxy holds those requests a few seconds, so the attempt is seen running: the tile
    // says "Decrypting…" (Retry inert, still focused), then again that it waits for the keys.
    waiting.focus();
    await el.updateComplete;
    await waitUntil(() => waiting.querySelector('button')?.tabIndex === 0, 'the focused tile never became the active one', {
      timeout: 10_000,
    });
    await sendKeys({ press: 'Tab' });
    expect(deepActiveElement()?.getAttribute('aria-label')).to.equal('Retry decrypting this message');
    await setProxy(proxy, { delay: { path: '/room_keys/version', ms: 4000 } });
    await sendKeys({ press: 'Enter' });
    try {
      await waitUntil(() => tileOf(el, missingId)?.dataset['undecryptable'] === 'decrypting', 'Retry never started an attempt', {
        timeout: TIMEOUT,
        interval: 50,
      });
      expect(textOf(tileOf(el, missingId))).to.include('Decrypting…');
      expect(tileOf(el, missingId)?.querySelector('button')?.getAttribute('aria-disabled'), 'Retry does nothing while it runs').to.equal(
        'true',
      );
      expect(deepActiveElement()?.getAttribute('aria-label'), 'and keeps the focus').to.equal('Retry decrypting this message');
    } finally {
      await resetProxy(proxy);
    }
    await waitUntil(
      () => tileOf(el, missingId)?.dataset['undecryptable'] === 'waiting',
      'after Retry the tile does not say it still waits',
      {
        timeout: TIMEOUT,
      },
    );
    expect(deepDom(document.body)).to.not.include(missingSecret);

    // The keys arrive (the backup, opened with the recovery key): the same element fills in.
    const restored = await session(proxy).security.restoreFromRecoveryKey(recoveryKey);
    expect(restored.imported, 'keys imported from the backup').to.be.greaterThan(0);
    await waitUntil(() => textOf(tileOf(el, missingId)).includes(missingSecret), 'the tile never filled in', { timeout: TIMEOUT });
    const filled = tileOf(el, missingId);
    expect(filled, 'the same element, filled in where it was').to.equal(waiting);
    expect(filled?.hasAttribute('data-undecryptable')).to.equal(false);
    expect(textOf(filled)).to.not.include('Waiting for the keys');
    expect(deepDom(document.body), 'the withheld message stays unreadable').to.not.include(withheldSecret);
    await expect(el).to.be.accessible();
  });
  it('a to-device message lost once: nio never sends the key again, and the tile keeps saying it waits for the keys', async () => {
    if (!nio) throw new Error('the previous test starts nio');
    const el = await mount(proxy, roomId);
    const room = session(proxy).openRoom(roomId);
    try {
      await waitUntil(() => room.snapshot.status === 'ready', 'the room never got ready', { timeout: TIMEOUT });
      // nio learns this browser's device (which starts a new room key for the room), then the proxy
      // answers its one attempt to send that key with 200 without forwarding it: the key never reaches
      // Synapse, and nio, believing it shared, sends the message. (A 500 would not do: nio 0.20 mistakes
      // an error answer to a key share for a soft logout and drops its access token.)
      await nio.trust({ user: alice.userId, device: session(proxy).info.deviceId, timeout: 60 });
      await proxyLog(proxy, undefined, true);
      await setProxy(proxy, { respond: { method: 'PUT', path: '/sendToDevice/m.room.encrypted/', count: 5, status: 200, body: {} } });
      let lostId: string;
      try {
        lostId = await nio.send({ room: roomId, body: lostSecret });
      } finally {
        await resetProxy(proxy);
      }
      const shares = await proxyLog(proxy, { method: 'PUT', path: '/sendToDevice/m.room.encrypted/' });
      expect(
        shares.map((entry) => entry.outcome),
        "nio's key share was answered by the proxy, never forwarded",
      ).to.include(200);
      expect(shares.map((entry) => entry.outcome)).to.not.include('forwarded');

      await waitUntil(() => tileOf(el, lostId)?.dataset['reason'] === 'keys-not-received', 'the tile never said the keys are missing', {
        timeout: TIMEOUT,
      }).catch((error: unknown) => {
        const tile = tileOf(el, lostId);
        throw new Error(`${String(error)} (tile: ${tile?.dataset['reason'] ?? 'none'}: ${textOf(tile)})`);
      });
      const tile = tileOf(el, lostId);
      expect(tile?.dataset['undecryptable']).to.equal('waiting');
      expect(textOf(tile)).to.include('Bob').and.include('Waiting for the keys to this message');
      expect(textOf(tile)).to.include("Bob's device has not sent this browser the keys yet.");
      const dom = deepDom(document.body);
      expect(dom).to.not.include(lostSecret);
      expect(dom).to.not.include('** Unable to decrypt');
      expect(room.snapshot.status, 'nothing crashed').to.equal('ready');
      await expect(el).to.be.accessible();
    } finally {
      room.release();
    }
  });
});
