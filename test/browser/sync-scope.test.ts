/**
 * Sync scoped to what is on screen, against a real Synapse: one sliding sync connection for the
 * whole page, room subscriptions for exactly the mounted rooms, nothing about the others.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { homeserver, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut } from '@omnisocial/chat';
import type { OmniRoom } from '../../packages/elements/src/components/room/omni-room.ts';
import { shadow } from './dom.ts';
import { watchEngineFetch } from './engine-network.ts';

const SLIDING_SYNC = '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync';

interface SyncExchange {
  readonly body: { room_subscriptions?: Record<string, unknown>; lists?: Record<string, unknown> };
  /** Rooms in the response; undefined while in flight or when aborted. */
  rooms?: string[];
}

/**
 * Every sync request the engine makes, with its body and the rooms in its response: the page's `fetch` (js-sdk's
 * transport), and the worker's when the engine runs in one (engine-network.ts).
 */
class SyncRecorder {
  readonly exchanges: SyncExchange[] = [];
  classicSyncs = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** Sliding sync requests started and not yet ended, oldest first. */
  readonly #open: SyncExchange[] = [];
  #stop: (() => void) | undefined;

  async install(): Promise<void> {
    this.#stop = await watchEngineFetch((phase, url, body) => {
      if (phase === 'start' && (url.includes('/_matrix/client/v3/sync') || url.includes('/_matrix/client/r0/sync'))) this.classicSyncs += 1;
      if (!url.includes(SLIDING_SYNC)) return;
      if (phase === 'start') {
        const exchange: SyncExchange = { body: JSON.parse(body ?? '{}') as SyncExchange['body'] };
        this.exchanges.push(exchange);
        this.#open.push(exchange);
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        return;
      }
      const exchange = this.#open.shift();
      this.inFlight -= 1;
      if (exchange && body !== undefined)
        exchange.rooms = Object.keys((JSON.parse(body) as { rooms?: Record<string, unknown> }).rooms ?? {});
    });
  }

  uninstall(): void {
    this.#stop?.();
  }

  reset(): void {
    this.exchanges.length = 0;
    this.classicSyncs = 0;
    this.maxInFlight = this.inFlight;
  }

  subscribedIn(exchange: SyncExchange): string[] {
    return Object.keys(exchange.body.room_subscriptions ?? {}).sort();
  }

  /** Rooms that came down any sync response. */
  roomsReceived(): Set<string> {
    return new Set(this.exchanges.flatMap((e) => e.rooms ?? []));
  }
}

function shows(el: OmniRoom, text: string): boolean {
  return [...shadow(el).querySelectorAll('[role="log"] article')].some((a) => a.textContent.includes(text));
}

/** Runs `task` over `items`, a few at a time (the harness serialises nothing, Synapse has 2 cores). */
async function inBatches<T, R>(items: readonly T[], size: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map((item, i) => task(item, start + i)))));
  }
  return results;
}

async function mount(baseUrl: string, roomIds: readonly string[]): Promise<{ container: HTMLElement; rooms: OmniRoom[] }> {
  const container = await fixture<HTMLElement>(html`<div></div>`);
  const rooms = roomIds.map((roomId) => {
    const el = document.createElement('omni-room');
    el.setAttribute('homeserver', baseUrl);
    el.setAttribute('room', roomId);
    // Every element counts as on screen here, not only the few within a viewport of the top.
    el.setAttribute('loading', 'eager');
    container.append(el);
    return el;
  });
  return { container, rooms };
}

describe('sync scoped to the rooms on screen (real Synapse, simplified sliding sync)', function () {
  this.timeout(180_000);
  let baseUrl: string;
  let alice: TestUser;
  let bob: TestUser;
  /** Rooms created by Bob, all of which Alice has joined. */
  let joined: string[];
  const recorder = new SyncRecorder();

  before(async function () {
    this.timeout(180_000);
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
    joined = await inBatches(Array.from({ length: 60 }), 6, async (_, i) => {
      const { roomId } = await peer(bob).createRoom({ name: `Room ${i}`, preset: 'public_chat' });
      await peer(alice).joinRoom(roomId);
      return roomId;
    });
    await recorder.install();
  });

  after(() => recorder.uninstall());

  beforeEach(() => recorder.reset());

  afterEach(async () => {
    await signOut();
  });

  it('50 elements share ONE sync connection, get their messages, and rooms not on screen never come down', async () => {
    const mounted = joined.slice(0, 50);
    const hidden = joined.slice(50);
    // A message in a room that is not on screen: a sync of all joined rooms would carry it.
    await peer(bob).sendMessage(hidden[0] ?? '', 'nobody is looking');

    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const { rooms } = await mount(baseUrl, mounted);
    await waitUntil(() => rooms.every((el) => shadow(el).querySelector('[role="log"]')), 'not every room opened', { timeout: 60_000 });

    await inBatches(mounted, 6, (roomId, i) => peer(bob).sendMessage(roomId, `news for room ${i}`));
    // Timelines are virtualised and render only what is in view, so look at each room in turn.
    for (const [i, el] of rooms.entries()) {
      el.scrollIntoView();
      await waitUntil(() => shows(el, `news for room ${i}`), `the message did not reach room ${i}`, { timeout: 20_000 });
    }

    expect(recorder.classicSyncs, 'classic /sync requests').to.equal(0);
    expect(recorder.maxInFlight, 'sync requests in flight at once').to.equal(1);
    // Still exactly one open after everything settled: the long-poll.
    expect(recorder.inFlight).to.equal(1);
    for (const exchange of recorder.exchanges) expect(Object.keys(exchange.body.lists ?? {}), 'no room lists').to.deep.equal([]);
    const last = recorder.exchanges.at(-1);
    if (!last) throw new Error('no sync request seen');
    expect(recorder.subscribedIn(last)).to.deep.equal([...mounted].sort());
    const received = recorder.roomsReceived();
    for (const roomId of hidden) expect(received.has(roomId), `unmounted room ${roomId} came down sync`).to.equal(false);
    for (const roomId of mounted) expect(received.has(roomId), `mounted room ${roomId} never came down sync`).to.equal(true);
    // The first response, before any element mounted, carried no room at all.
    expect(recorder.exchanges[0]?.rooms).to.deep.equal([]);
  });

  it('unmounting elements removes their subscriptions from the next request', async () => {
    const [kept, gone1, gone2] = joined.slice(0, 3) as [string, string, string];
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const { rooms } = await mount(baseUrl, [kept, gone1, gone2]);
    await waitUntil(() => rooms.every((el) => shadow(el).querySelector('[role="log"]')), 'rooms never opened', { timeout: 30_000 });
    // The rooms may show a light read first: the engine's sync subscribes to them once it runs.
    await waitUntil(
      () => recorder.subscribedIn(recorder.exchanges.at(-1) ?? { body: {} }).join() === [kept, gone1, gone2].sort().join(),
      'the mounted rooms were never subscribed together',
      { timeout: 30_000 },
    );

    rooms[1]?.remove();
    rooms[2]?.remove();
    await waitUntil(
      () => recorder.subscribedIn(recorder.exchanges.at(-1) ?? { body: {} }).join() === kept,
      'the subscriptions of unmounted rooms were not dropped',
      { timeout: 10_000 },
    );
    const since = recorder.exchanges.length - 1;

    await peer(bob).sendMessage(gone1, 'after unmount');
    await peer(bob).sendMessage(kept, 'still here');
    await waitUntil(() => rooms[0] && shows(rooms[0], 'still here'), 'kept room stopped syncing', { timeout: 20_000 });
    const later = recorder.exchanges.slice(since);
    expect(later.flatMap((e) => e.rooms ?? [])).to.not.include(gone1);
    for (const exchange of later) expect(recorder.subscribedIn(exchange)).to.deep.equal([kept]);
    expect(recorder.maxInFlight).to.equal(1);
  });

  it('joins rooms the member is not in, and shows rooms joined elsewhere after signing in', async () => {
    const { roomId: stranger, alias } = await peer(bob).createRoom({
      alias: `scope-${crypto.randomUUID().slice(0, 8)}`,
      name: 'Not joined yet',
      preset: 'public_chat',
    });
    await peer(bob).sendMessage(stranger, 'welcome, newcomer');
    const { roomId: elsewhere } = await peer(bob).createRoom({ name: 'Joined elsewhere', preset: 'public_chat' });
    await peer(bob).sendMessage(elsewhere, 'seen from another client');

    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    // Alice joins from another client after this page signed in: the page's store has never seen it.
    await peer(alice).joinRoom(elsewhere);
    const { rooms } = await mount(baseUrl, [alias ?? stranger, elsewhere]);
    const [strangerEl, elsewhereEl] = rooms as [OmniRoom, OmniRoom];

    await waitUntil(() => shows(strangerEl, 'welcome, newcomer'), 'the joined room shows no history', { timeout: 30_000 });
    await waitUntil(() => shows(elsewhereEl, 'seen from another client'), 'the room joined elsewhere shows nothing', { timeout: 30_000 });
    const members = await peer(bob).roomMessages(stranger, { limit: 20 });
    expect(members.some((e) => e.type === 'm.room.member' && e.state_key === alice.userId)).to.equal(true);

    await peer(bob).sendMessage(stranger, 'glad you made it');
    await waitUntil(() => shows(strangerEl, 'glad you made it'), 'live messages do not reach the joined room', { timeout: 20_000 });
    expect(recorder.classicSyncs).to.equal(0);
    expect(recorder.maxInFlight).to.equal(1);
  });
});
