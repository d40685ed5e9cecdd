/**
 * A room key forwarded, unasked, by a device the reader does not trust (issue 5's bad inputs), against
 * a real Synapse with two matrix-nio peers.
 *
 * Bob (nio) writes in an encrypted room before Alice's browser exists, so her device never gets his
 * room key (and she has no key backup). Carol (a second nio peer, another user, whose device Alice has
 * never verified) received Bob's key normally; she sends Alice's browser device that Megolm session,
 * exported at its first index, as an Olm-encrypted `m.forwarded_room_key` nobody asked for.
 * js-sdk 43's Rust crypto (matrix-sdk-crypto) accepts forwarded keys only in answer to its own key
 * requests (which it never sends): the key is ignored, the tile keeps waiting for the keys, Retry does
 * not make it readable, nothing crashes and the text never reaches the DOM. The test first proves the
 * forwarded key reached Alice's device (js-sdk's `ReceivedToDeviceMessage`, decrypted from Carol's
 * unverified device, its `session_key` not handed out), so it cannot pass because nothing arrived, and
 * last that the key was a valid one: imported through `CryptoApi.importRoomKeys` (as from a key file,
 * the member's own act) it opens the same tile, with trust `unknown` and no claim of a verified sender.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { ClientEvent, type ReceivedToDeviceMessage } from 'matrix-js-sdk';
import {
  homeserver,
  peer,
  registerUser,
  resetProxy,
  setProxy,
  startNioPeer,
  startProxy,
  stopProxy,
  type RemoteNioPeer,
  type TestUser,
} from '@omnisocial/testing/browser';
import { sessionFor, signIn, signOut } from '@omnisocial/core';
import { EngineSession } from '@omnisocial/core/internal/engine';
import '../../packages/elements/src/components/room/define.ts';
import { deepDom, findDeep, tileOf, textOf } from './dom.ts';
import type { OmniRoomView } from '../../packages/elements/src/components/room/omni-room.ts';

const TIMEOUT = 120_000;

function engine(baseUrl: string): EngineSession {
  const found = sessionFor(baseUrl);
  if (!(found instanceof EngineSession)) throw new Error('not signed in');
  return found;
}

describe('a room key forwarded by an untrusted device (real Synapse, matrix-nio)', function () {
  this.timeout(600_000);
  let proxy: string;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let bobNio: RemoteNioPeer | undefined;
  let carolNio: RemoteNioPeer | undefined;
  let roomId: string;
  const tag = crypto.randomUUID().slice(0, 8);
  const secret = `forwarded words ${tag}`;
  const pageErrors: string[] = [];
  const onError = (event: ErrorEvent): void => {
    pageErrors.push(String(event.error ?? event.message));
  };
  const onRejection = (event: PromiseRejectionEvent): void => {
    pageErrors.push(String(event.reason));
  };

  /** The page's engine setting as the suite set it (`OMNI_ENGINE`), put back afterwards. */
  let suiteEngine: string | undefined;

  before(async () => {
    // The test listens to js-sdk's to-device messages and imports keys through its CryptoApi: the engine's client,
    // which exists only on the thread the engine runs on. The engine runs on the page's main thread here, whatever
    // the suite's setting (docs/engine.md).
    const meta = document.head.querySelector<HTMLMetaElement>('meta[name="omni-chat-engine"]');
    suiteEngine = meta?.content;
    if (meta) meta.content = 'main';
    await homeserver();
    ({ baseUrl: proxy } = await startProxy());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
    carol = await registerUser({ displayName: 'Carol' });
    ({ roomId } = await peer(bob).createRoom({ name: 'Forwarded', preset: 'public_chat', encrypted: true }));
    await peer(alice).joinRoom(roomId);
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
  });

  after(async () => {
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onRejection);
    await carolNio?.close();
    await bobNio?.close();
    await signOut();
    await stopProxy(proxy);
    const meta = document.head.querySelector<HTMLMetaElement>('meta[name="omni-chat-engine"]');
    if (meta && suiteEngine !== undefined) meta.content = suiteEngine;
  });

  it('is received but not used: the tile keeps waiting for the keys, Retry does not read it, no plaintext, nothing crashes', async () => {
    bobNio = await startNioPeer();
    carolNio = await startNioPeer();
    await bobNio.login({ homeserver: proxy, user: bob.userId, password: bob.password, device: `NIOB${tag}` });
    await carolNio.login({ homeserver: proxy, user: carol.userId, password: carol.password, device: `NIOC${tag}` });
    await bobNio.join({ room: roomId });
    await carolNio.join({ room: roomId });
    await bobNio.waitMember({ room: roomId, user: carol.userId });

    // Bob writes before Alice's browser exists: only Carol's device (and Bob's) get his room key.
    const eventId = await bobNio.send({ room: roomId, body: secret });
    const atCarol = await carolNio.waitMessage({ room: roomId, body: secret, timeout: 60 });
    expect(atCarol.decrypted, 'Carol holds the key to forward').to.equal(true);

    await signIn({ homeserver: proxy, username: alice.username, password: alice.password });
    const session = engine(proxy);
    const aliceDevice = session.info.deviceId;
    const received: ReceivedToDeviceMessage[] = [];
    session.client.on(ClientEvent.ReceivedToDeviceMessage, (message) => received.push(message));
    const el = await fixture<OmniRoomView>(html`<omni-room-view homeserver=${proxy} room=${roomId}></omni-room-view>`);
    const room = session.openRoom(roomId);
    try {
      await waitUntil(() => room.snapshot.status === 'ready', 'the room never got ready', { timeout: TIMEOUT });
      await waitUntil(() => tileOf(el, eventId)?.dataset['undecryptable'] === 'waiting', 'the tile never said it waits for the keys', {
        timeout: TIMEOUT,
      }).catch((error: unknown) => {
        const tile = tileOf(el, eventId);
        throw new Error(`${String(error)} (tile: ${tile?.dataset['undecryptable'] ?? 'none'}: ${textOf(tile)})`);
      });
      const before = tileOf(el, eventId) as HTMLElement;
      const reasonBefore = before.dataset['reason'];
      expect(reasonBefore, 'sent before this device existed, no backup').to.equal('sent-before-sign-in');
      expect(textOf(before)).to.include('This message was sent before you signed in on this browser, and your account has no key backup');

      // Carol's device has never been verified by Alice, and Carol does not trust Alice's either. Alice's
      // device must have Carol's device keys, though: before that, matrix-sdk-crypto rejects the Olm
      // message itself (`MissingSigningKey`), and this test is about what it does with the forward.
      const crypto = session.client.getCrypto();
      if (!crypto) throw new Error('Alice has no crypto');
      await waitUntil(
        async () => (await crypto.getUserDeviceInfo([carol.userId], true)).get(carol.userId)?.has(`NIOC${tag}`) === true,
        "Alice's device never learnt Carol's",
        { timeout: TIMEOUT, interval: 500 },
      );
      expect((await crypto.getDeviceVerificationStatus(carol.userId, `NIOC${tag}`))?.isVerified(), 'Carol unverified').to.equal(false);
      const forwarded = await carolNio.forwardKey({
        room: roomId,
        event_id: eventId,
        user: alice.userId,
        device: aliceDevice,
        timeout: 60,
      });
      expect(forwarded.first_index, 'the whole session, from its first message').to.equal(0);
      await waitUntil(
        () => received.some((m) => m.message.type === 'm.forwarded_room_key'),
        "the forwarded key never reached Alice's device",
        { timeout: TIMEOUT, interval: 200 },
      );
      const arrival = received.find((m) => m.message.type === 'm.forwarded_room_key') as ReceivedToDeviceMessage;
      const arrived = arrival.message.content as Record<string, unknown>;
      expect(arrival.message.sender, 'from Carol').to.equal(carol.userId);
      expect(arrival.encryptionInfo, 'Olm-decrypted from her unverified device').to.deep.include({
        sender: carol.userId,
        senderDevice: `NIOC${tag}`,
        senderVerified: false,
      });
      expect(arrived['session_id'], "for Bob's session").to.equal(forwarded.content.session_id);
      expect(arrived['room_id']).to.equal(roomId);
      expect(arrived['session_key'], 'the application gets the event with the key material wiped').to.not.equal(
        forwarded.content.session_key,
      );

      // Not used: the crypto store has no such session, the tile still waits, for the same reason.
      const held = await crypto.exportRoomKeys();
      expect(
        held.map((key) => key.session_id),
        "Bob's session is not in Alice's store",
      ).to.not.include(forwarded.content.session_id);
      const after = tileOf(el, eventId);
      expect(after, 'the same tile').to.equal(before);
      expect(after?.dataset['undecryptable']).to.equal('waiting');
      expect(after?.dataset['reason']).to.equal(reasonBefore);
      expect(textOf(after)).to.include('Bob').and.include('Waiting for the keys to this message');
      expect(after?.hasAttribute('data-trust'), 'no trust claimed for an unread message').to.equal(false);

      // Retry runs an attempt (held at the proxy while it asks for a key backup, so it is seen) and
      // ends where it started.
      await setProxy(proxy, { delay: { path: '/room_keys/version', ms: 4000 } });
      try {
        after?.querySelector<HTMLButtonElement>('button[aria-label="Retry decrypting this message"]')?.click();
        await waitUntil(() => tileOf(el, eventId)?.dataset['undecryptable'] === 'decrypting', 'Retry never started an attempt', {
          timeout: TIMEOUT,
          interval: 50,
        });
      } finally {
        await resetProxy(proxy);
      }
      await waitUntil(() => tileOf(el, eventId)?.dataset['undecryptable'] === 'waiting', 'after Retry the tile does not wait again', {
        timeout: TIMEOUT,
      });
      expect(tileOf(el, eventId)?.dataset['reason']).to.equal(reasonBefore);

      const dom = deepDom(document.body);
      expect(dom, 'no plaintext').to.not.include(secret);
      expect(dom, 'no key material').to.not.include(forwarded.content.session_key);
      expect(dom).to.not.include('** Unable to decrypt');
      expect(room.snapshot.status, 'nothing crashed').to.equal('ready');
      expect(pageErrors, 'no page errors').to.deep.equal([]);
      await expect(el).to.be.accessible();

      // Control: the key Carol sent was a valid key to Bob's message. Imported as keys are from a
      // file (the member's own choice, not a forward), it opens the same tile, and the message does
      // not claim a verified sender.
      await crypto.importRoomKeys([
        {
          algorithm: forwarded.content.algorithm,
          room_id: forwarded.content.room_id,
          sender_key: forwarded.content.sender_key,
          session_id: forwarded.content.session_id,
          session_key: forwarded.content.session_key,
          sender_claimed_keys: { ed25519: forwarded.content.sender_claimed_ed25519_key },
          forwarding_curve25519_key_chain: forwarded.content.forwarding_curve25519_key_chain,
        },
      ]);
      await waitUntil(() => textOf(tileOf(el, eventId)).includes(secret), 'the imported key never opened the message', {
        timeout: TIMEOUT,
      });
      const opened = tileOf(el, eventId);
      expect(opened, 'the same tile, filled in').to.equal(before);
      await waitUntil(() => opened?.hasAttribute('data-trust') === true, 'the opened message never got its trust', { timeout: TIMEOUT });
      expect(opened?.dataset['trust'], 'authenticity not established (docs: Trust on messages)').to.equal('unknown');
      expect(opened?.hasAttribute('data-undecryptable')).to.equal(false);
      expect(findDeep(opened as HTMLElement, '[part="trust-warning"]'), 'no shield for unknown, and no claim of verified').to.equal(
        undefined,
      );
      expect(pageErrors, 'no page errors').to.deep.equal([]);
      await expect(el).to.be.accessible();
    } finally {
      room.release();
    }
  });
});
