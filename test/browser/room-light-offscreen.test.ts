/**
 * A page of eager `<omni-room>` elements, some far below the fold, for a member who signs in through the elements'
 * page API, against a real Synapse behind the harness's fault proxy: only the rooms on or near the viewport are read
 * before the engine (their light read's requests are counted at the proxy), the engine's first sync request is not
 * held back by the rooms far below the fold (a light read of one is held at the proxy, so it would hold the engine as
 * long), and a room scrolled into view shows its messages.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { peer, proxyLog, registerUser, resetProxy, setProxy, startProxy, stopProxy, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';
import { LIGHT_READ_CONN_ID } from '@omnisocial/core/internal';
import { deepText, findDeep } from './dom.ts';

const TIMEOUT = 45_000;

describe('eager <omni-room> elements below the fold', function () {
  this.timeout(240_000);
  let proxy: string;
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    ({ baseUrl: proxy } = await startProxy());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
  });

  after(async () => {
    scrollTo(0, 0);
    await signOut();
    await stopProxy(proxy);
  });

  /** A room Alice is in, with one message from Bob. */
  async function roomWith(name: string, body: string): Promise<string> {
    const { roomId } = await peer(bob).createRoom({ name, preset: 'public_chat' });
    await peer(alice).joinRoom(roomId);
    await peer(bob).sendMessage(roomId, body);
    return roomId;
  }

  /**
   * The requests only a light read makes of `roomId`: a sliding sync of its own connection subscribing to the room, or
   * (from a homeserver without sliding sync) its messages, its state one type at a time (not the member's own
   * membership), the member's preview setting.
   */
  async function lightReadRequests(roomId: string): Promise<string[]> {
    const room = encodeURIComponent(roomId);
    return (await proxyLog(proxy))
      .filter(
        (entry) =>
          (entry.method === 'POST' && entry.connId === LIGHT_READ_CONN_ID && entry.rooms?.includes(roomId) === true) ||
          (entry.method === 'GET' &&
            (entry.path.includes(`/rooms/${room}/messages`) ||
              (entry.path.includes(`/rooms/${room}/state/`) && !entry.path.includes('/state/m.room.member/')) ||
              entry.path.includes(`/rooms/${room}/account_data/`))),
      )
      .map((entry) => entry.path);
  }

  it('reads only the rooms on or near the viewport, starts the engine without waiting for the others, and shows those once scrolled to', async () => {
    const top = await roomWith('On screen', 'shown at the top');
    const second = await roomWith('Also on screen', 'shown second');
    const next = await roomWith('Just below', 'just below the fold');
    const below = await roomWith('Far below', 'waiting far below');
    const bottom = await roomWith('At the bottom', 'at the very bottom');
    // A light read of a room below the fold would wait for this, and the engine would wait for that light read.
    await setProxy(proxy, { delay: { path: '/sync', connId: LIGHT_READ_CONN_ID, room: below, ms: 120_000 } });
    await signIn({ homeserver: proxy, username: alice.username, password: alice.password });

    const page = await fixture<HTMLElement>(html`
      <div style="--omni-room-height: 16rem">
        <omni-room loading="eager" homeserver=${proxy} room=${top}></omni-room>
        <omni-room loading="eager" homeserver=${proxy} room=${second}></omni-room>
        <div style="block-size: 100vh"></div>
        <omni-room loading="eager" homeserver=${proxy} room=${next}></omni-room>
        <div style="block-size: 400vh"></div>
        <omni-room loading="eager" homeserver=${proxy} room=${below}></omni-room>
        <div style="block-size: 400vh"></div>
        <omni-room loading="eager" homeserver=${proxy} room=${bottom}></omni-room>
      </div>
    `);
    const [topEl, secondEl, nextEl, belowEl, bottomEl] = [...page.querySelectorAll<OmniRoom>('omni-room')];
    if (!topEl || !secondEl || !nextEl || !belowEl || !bottomEl) throw new Error('the page has not its five rooms');
    expect(secondEl.getBoundingClientRect().bottom <= innerHeight, 'the second room is not on screen').to.equal(true);
    const nextTop = nextEl.getBoundingClientRect().top;
    expect(nextTop > innerHeight && nextTop < 2 * innerHeight, 'the third room is not just below the fold').to.equal(true);
    expect(belowEl.getBoundingClientRect().top > 3 * innerHeight, 'the fourth room is near the viewport').to.equal(true);
    await waitUntil(() => deepText(topEl).includes('shown at the top'), 'the first room showed nothing', { timeout: TIMEOUT });
    await waitUntil(() => deepText(secondEl).includes('shown second'), 'the second room showed nothing', { timeout: TIMEOUT });

    const synced = async (): Promise<boolean> =>
      (await proxyLog(proxy, { path: '/sync', connId: '' })).some((entry) => entry.method !== 'OPTIONS');
    await waitUntil(synced, 'the engine made no sync request: the rooms below the fold held it back', { timeout: 20_000, interval: 250 });
    await waitUntil(() => findDeep(topEl, 'textarea')?.matches(':enabled') === true, 'the engine did not open the first room', {
      timeout: TIMEOUT,
    });

    expect((await lightReadRequests(top)).length, 'the room on screen was not read before the engine').to.be.greaterThan(0);
    expect((await lightReadRequests(next)).length, 'the room near the viewport was not read before the engine').to.be.greaterThan(0);
    expect(await lightReadRequests(below), 'a room below the fold was read before the engine').to.deep.equal([]);
    expect(await lightReadRequests(bottom), 'a room below the fold was read before the engine').to.deep.equal([]);

    await resetProxy(proxy);
    nextEl.scrollIntoView();
    await waitUntil(() => deepText(nextEl).includes('just below the fold'), 'the room scrolled to showed nothing', { timeout: TIMEOUT });
    belowEl.scrollIntoView();
    await waitUntil(() => deepText(belowEl).includes('waiting far below'), 'the room scrolled to showed nothing', { timeout: TIMEOUT });
    bottomEl.scrollIntoView();
    await waitUntil(() => deepText(bottomEl).includes('at the very bottom'), 'the room scrolled to showed nothing', { timeout: TIMEOUT });
  });
});
