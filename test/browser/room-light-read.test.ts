/**
 * A member's light read in `<omni-room>` against a real Synapse: with the member's session stored and the
 * engine held back (its sync long-polls held at a loopback proxy, so the engine cannot show the room), the
 * room's latest messages are painted from the stored token and one `/messages`, read-only; once the sync
 * goes through, the engine takes over the same tiles (no re-mount, no duplicate) and the composer opens.
 * An encrypted room, and a room the member left, show nothing from the light read.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { peer, proxyLog, registerUser, resetProxy, setProxy, startProxy, stopProxy, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut } from '@omnisocial/core';
import '../../packages/elements/src/components/room/define.ts';
import type { OmniRoomView } from '../../packages/elements/src/components/room/omni-room.ts';
import { articles, articleWith, quietWindow, shadow, textbox } from './dom.ts';

const TIMEOUT = 45_000;
/** The engine's sync requests (sliding sync and `/v3/sync`), held at the proxy while a test says so. */
const SYNC = { path: '/sync' } as const;

describe('the light read of a member in <omni-room> against a real Synapse', function () {
  this.timeout(240_000);
  let proxy: string;
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    ({ baseUrl: proxy } = await startProxy());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
  });

  afterEach(async () => {
    await resetProxy(proxy);
  });

  after(async () => {
    await signOut();
    await stopProxy(proxy);
  });

  /** Signs Alice in through the proxy once, with the engine's sync held from the start. */
  let signedIn = false;
  async function holdSyncAndSignIn(): Promise<void> {
    await setProxy(proxy, { delay: { ...SYNC, ms: 120_000 } });
    if (signedIn) return;
    await signIn({ homeserver: proxy, accessToken: alice.accessToken, userId: alice.userId, deviceId: alice.deviceId });
    signedIn = true;
  }

  /** Waits until the light read's requests for `roomId` went through the proxy, then a little longer. */
  async function lightReadDone(roomId: string): Promise<void> {
    const member = `/rooms/${encodeURIComponent(roomId)}/state/m.room.member/`;
    await waitUntil(async () => (await proxyLog(proxy, { method: 'GET', path: member })).length > 0, 'the light read asked nothing', {
      timeout: TIMEOUT,
    });
    await quietWindow(1_000);
  }

  it('paints the latest messages while the engine is held back, then the engine takes over the same tiles', async () => {
    const { roomId } = await peer(bob).createRoom({ name: 'Light room', preset: 'public_chat' });
    await peer(alice).joinRoom(roomId);
    for (const body of ['first light message', 'second light message', 'latest light message']) await peer(bob).sendMessage(roomId, body);
    await holdSyncAndSignIn();

    const el = await fixture<OmniRoomView>(html`<omni-room-view homeserver=${proxy} room=${roomId}></omni-room-view>`);
    await waitUntil(() => articleWith(el, 'latest light message'), 'the light read painted nothing', { timeout: TIMEOUT });
    // Read-only while the engine is held: the sync never got through.
    const synced = (await proxyLog(proxy, SYNC)).filter((entry) => entry.method !== 'OPTIONS' && entry.outcome === 'forwarded');
    expect(synced, 'a sync answer reached the engine').to.have.length(0);
    expect(textbox(el)?.disabled, 'the composer was usable before the engine').to.equal(true);
    expect(shadow(el).querySelector('.header .name')?.textContent).to.equal('Light room');
    expect(articleWith(el, 'first light message')?.textContent).to.include('Bob');
    const firstTile = articleWith(el, 'first light message');
    const latestTile = articleWith(el, 'latest light message');

    await resetProxy(proxy);
    await peer(bob).sendMessage(roomId, 'live after the hand-over');
    await waitUntil(() => articleWith(el, 'live after the hand-over'), 'the engine did not show a live message', { timeout: TIMEOUT });
    await waitUntil(() => textbox(el)?.disabled === false, 'the composer did not open', { timeout: TIMEOUT });
    const keys = articles(el).map((a) => a.dataset['key'] ?? '');
    expect(new Set(keys).size, 'duplicate tiles').to.equal(keys.length);
    for (const body of ['first light message', 'second light message', 'latest light message', 'live after the hand-over']) {
      expect(articles(el).filter((a) => a.textContent.includes(body)).length, body).to.equal(1);
    }
    expect(articleWith(el, 'first light message'), 'the tile was re-mounted at the hand-over').to.equal(firstTile);
    expect(articleWith(el, 'latest light message'), 'the tile was re-mounted at the hand-over').to.equal(latestTile);
    expect(shadow(el).querySelector('.header .name')?.textContent).to.equal('Light room');
  });

  it('shows nothing from the light read of an encrypted room', async () => {
    const { roomId } = await peer(bob).createRoom({ name: 'Sealed room', preset: 'public_chat', encrypted: true });
    await peer(alice).joinRoom(roomId);
    // Sent in the clear into an encrypted room: `/messages` returns it, a light read must not show it.
    await peer(bob).sendMessage(roomId, 'plain text in an encrypted room');
    await holdSyncAndSignIn();

    const el = await fixture<OmniRoomView>(html`<omni-room-view homeserver=${proxy} room=${roomId}></omni-room-view>`);
    await lightReadDone(roomId);
    expect(articles(el), 'the light read showed an encrypted room').to.have.length(0);
    expect(shadow(el).textContent).not.to.include('plain text in an encrypted room');
  });

  it('shows nothing from the light read of a room the member left; the engine shows the room as before', async () => {
    const { roomId } = await peer(bob).createRoom({ name: 'Left room', preset: 'public_chat' });
    await peer(alice).joinRoom(roomId);
    await peer(bob).sendMessage(roomId, 'before the member left');
    await peer(alice).request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/leave`, {});
    await peer(bob).sendMessage(roomId, 'after the member left');
    await holdSyncAndSignIn();

    const el = await fixture<OmniRoomView>(html`<omni-room-view homeserver=${proxy} room=${roomId}></omni-room-view>`);
    await lightReadDone(roomId);
    expect(articles(el), 'the light read showed a room the member left').to.have.length(0);

    await resetProxy(proxy);
    await waitUntil(() => articleWith(el, 'after the member left'), 'the engine did not show the room', { timeout: TIMEOUT });
    const keys = articles(el).map((a) => a.dataset['key'] ?? '');
    expect(new Set(keys).size, 'duplicate tiles').to.equal(keys.length);
  });
});
