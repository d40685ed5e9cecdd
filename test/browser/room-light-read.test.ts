/**
 * A member's light read in `<omni-room>` against a real Synapse: the member signs in through the elements'
 * page API (the engine waits for the views the page mounts next) and the engine is held back (its sync
 * long-polls held at a loopback proxy, so it cannot show the room); the room's latest messages are painted
 * from the stored token and one request (a sliding sync of the light read's own connection), read-only, with the header's switches and the tiles' actions
 * the engine will show; once the sync goes through, the engine takes over the same tiles (no re-mount, no
 * duplicate, no layout shift) and the composer opens. An encrypted room, and a room the member left, show
 * nothing from the light read. Once the page's engine runs, a view makes no light read at all.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { peer, proxyLog, registerUser, resetProxy, setProxy, startProxy, stopProxy, type TestUser } from '@omnisocial/testing/browser';
import { signIn as engineSignIn, signOut } from '@omnisocial/core';
import { signIn } from '@omnisocial/core/internal/page-api';
import { LIGHT_READ_CONN_ID } from '@omnisocial/core/internal';
import '../../packages/elements/src/components/room/define.ts';
import type { OmniRoomView } from '../../packages/elements/src/components/room/omni-room.ts';
import { articles, articleWith, quietWindow, shadow, textbox } from './dom.ts';

const TIMEOUT = 45_000;
/**
 * The engine's sync requests (sliding sync without a `conn_id`, or `/v3/sync`), held at the proxy while a test says
 * so; the light read's sliding sync has a connection of its own.
 */
const SYNC = { path: '/sync', connId: '' } as const;
/** The light read's request: a sliding sync on its own connection. */
const LIGHT_READ = { method: 'POST', path: '/sync', connId: LIGHT_READ_CONN_ID } as const;

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

  /**
   * Signs Alice in afresh through the proxy and the page API, as a page does before it mounts its views, with
   * the engine's sync held from the start.
   */
  async function holdSyncAndSignIn(): Promise<void> {
    await setProxy(proxy, { delay: { ...SYNC, ms: 120_000 } });
    await signOut();
    await signIn({ homeserver: proxy, username: alice.username, password: alice.password });
  }

  /** Sums the layout shifts (not caused by input) from now until the returned function is called. */
  function layoutShifts(): () => number {
    let total = 0;
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
        if (!entry.hadRecentInput) total += entry.value;
      }
    });
    observer.observe({ type: 'layout-shift' });
    return () => {
      for (const entry of observer.takeRecords() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
        if (!entry.hadRecentInput) total += entry.value;
      }
      observer.disconnect();
      return total;
    };
  }

  /** Waits for two frames: what changed has been laid out and painted. */
  const painted = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));

  /** Waits until the light read's request went through the proxy, then a little longer. */
  async function lightReadDone(): Promise<void> {
    await waitUntil(async () => (await proxyLog(proxy, LIGHT_READ)).length > 0, 'the light read asked nothing', {
      timeout: TIMEOUT,
    });
    await quietWindow(1_000);
  }

  it('paints the latest messages while the engine is held back, then the engine takes over the same tiles', async () => {
    const { roomId } = await peer(bob).createRoom({ name: 'Light room', preset: 'public_chat' });
    await peer(alice).joinRoom(roomId);
    for (const body of ['first light message', 'second light message', 'latest light message']) await peer(bob).sendMessage(roomId, body);
    // Counted before the sign-in: a call to the test runner between the sign-in and the mount could last past the two
    // frames the engine waits for a light read to start, and the engine would show the room instead.
    const since = (await proxyLog(proxy)).length;
    await holdSyncAndSignIn();

    const el = await fixture<OmniRoomView>(html`<omni-room-view homeserver=${proxy} room=${roomId}></omni-room-view>`);
    await waitUntil(() => articleWith(el, 'latest light message'), 'the light read painted nothing', { timeout: TIMEOUT });
    // Read-only while the engine is held: the sync never got through.
    const synced = (await proxyLog(proxy, SYNC)).filter((entry) => entry.method !== 'OPTIONS' && entry.outcome === 'forwarded');
    expect(synced, 'a sync answer reached the engine').to.have.length(0);
    // The room was read in one request (and its preflight) before the engine: no separate reads of its messages,
    // state or account data.
    const forRoom = (await proxyLog(proxy))
      .slice(since)
      .filter((entry) => entry.path.includes(encodeURIComponent(roomId)) || (entry.connId !== undefined && entry.connId !== ''))
      .map((entry) => `${entry.method} ${entry.path.split('?')[0] ?? ''} ${entry.connId ?? ''}`);
    expect(forRoom, 'the requests for the room before the engine').to.deep.equal([
      `POST /_matrix/client/unstable/org.matrix.simplified_msc3575/sync ${LIGHT_READ_CONN_ID}`,
    ]);
    expect(textbox(el)?.disabled, 'the composer was usable before the engine').to.equal(true);
    expect(shadow(el).querySelector('.header .name')?.textContent).to.equal('Light room');
    expect(articleWith(el, 'first light message')?.textContent).to.include('Bob');
    const firstTile = articleWith(el, 'first light message');
    const latestTile = articleWith(el, 'latest light message');
    await painted();
    const shifts = layoutShifts();
    // Read-only until the engine has the room: a focused tile offers no action it could not carry out.
    latestTile?.focus();
    await el.updateComplete;
    await painted();
    expect(latestTile?.querySelector('.actions') === null, 'a light-read tile offered actions').to.equal(true);

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
    await painted();
    expect(shifts(), 'the hand-over shifted the layout').to.equal(0);
    latestTile?.focus();
    await waitUntil(() => latestTile?.querySelector('.actions'), 'the engine’s tile offers no action', { timeout: TIMEOUT });
  });

  it('shows nothing from the light read of an encrypted room', async () => {
    const { roomId } = await peer(bob).createRoom({ name: 'Sealed room', preset: 'public_chat', encrypted: true });
    await peer(alice).joinRoom(roomId);
    // Sent in the clear into an encrypted room: `/messages` returns it, a light read must not show it.
    await peer(bob).sendMessage(roomId, 'plain text in an encrypted room');
    await holdSyncAndSignIn();

    const el = await fixture<OmniRoomView>(html`<omni-room-view homeserver=${proxy} room=${roomId}></omni-room-view>`);
    await lightReadDone();
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
    await lightReadDone();
    expect(articles(el), 'the light read showed a room the member left').to.have.length(0);

    await resetProxy(proxy);
    await waitUntil(() => articleWith(el, 'after the member left'), 'the engine did not show the room', { timeout: TIMEOUT });
    const keys = articles(el).map((a) => a.dataset['key'] ?? '');
    expect(new Set(keys).size, 'duplicate tiles').to.equal(keys.length);
  });

  it('makes no light read once the page’s engine runs: the engine shows the room', async () => {
    const { roomId } = await peer(bob).createRoom({ name: 'Engine room', preset: 'public_chat' });
    await peer(alice).joinRoom(roomId);
    await peer(bob).sendMessage(roomId, 'shown by the engine');
    await signOut();
    // The engine's own sign-in: it resolves with the engine running.
    await engineSignIn({ homeserver: proxy, username: alice.username, password: alice.password });
    const since = (await proxyLog(proxy)).length;

    const el = await fixture<OmniRoomView>(html`<omni-room-view homeserver=${proxy} room=${roomId}></omni-room-view>`);
    await waitUntil(() => articleWith(el, 'shown by the engine'), 'the engine did not show the room', { timeout: TIMEOUT });
    await waitUntil(() => textbox(el)?.disabled === false, 'the composer did not open', { timeout: TIMEOUT });
    await quietWindow(1_000);
    const room = encodeURIComponent(roomId);
    // What only a light read asks for: a sliding sync on its own connection, or (from a homeserver without sliding
    // sync) the room's state one type at a time (the engine asks for the member's own membership too) and the
    // member's preview setting.
    const light = (await proxyLog(proxy))
      .slice(since)
      .filter(
        (entry) =>
          (entry.method === 'POST' && entry.connId === LIGHT_READ_CONN_ID) ||
          (entry.method === 'GET' &&
            ((entry.path.includes(`/rooms/${room}/state/`) && !entry.path.includes('/state/m.room.member/')) ||
              entry.path.includes(`/rooms/${room}/account_data/`))),
      );
    expect(
      light.map((entry) => entry.path),
      'a light read was made while the engine ran',
    ).to.deep.equal([]);
  });
});
