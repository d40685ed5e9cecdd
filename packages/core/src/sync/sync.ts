/**
 * How a session keeps its rooms up to date. The session tells the strategy which rooms are on
 * screen (`subscribe`/`unsubscribe`), so a strategy can scope its work to them.
 */
import { ClientEvent, EventType, PendingEventOrdering, SyncState, type MatrixClient } from 'matrix-js-sdk';
import {
  SlidingSync,
  SlidingSyncEvent,
  SlidingSyncState,
  type MSC3575RoomSubscription,
  type MSC3575SlidingSyncRequest,
  type MSC3575SlidingSyncResponse,
} from 'matrix-js-sdk/lib/sliding-sync.js';
import { POST_BINDING_EVENT } from '../posts/posts.ts';
import { HELD_EVENT } from '../timeline/held.ts';
import { fillSyncGap, syncGaps, type SyncGap } from './sync-gap.ts';

export interface SyncStrategy {
  /** Starts syncing; resolves once rooms can be looked up and joined. */
  start(client: MatrixClient): Promise<void>;
  /** A room is shown by at least one element. */
  subscribe(roomId: string): void;
  /** No element shows the room any more. */
  unsubscribe(roomId: string): void;
  /**
   * Resolves once a subscribed room is in the client's store if the member is in it: after that,
   * `client.getRoom(roomId)` missing (or not joined) means the member has to join.
   */
  whenLoaded(roomId: string): Promise<void>;
}

const INITIAL_SYNC_LIMIT = 30;

/** Matrix's unstable feature flag for simplified sliding sync (MSC4186) in `/versions`. */
export const SLIDING_SYNC_FEATURE = 'org.matrix.simplified_msc3575';

/** The classic `/sync` long-poll with lazy-loaded members. Its cost grows with the rooms joined. */
export function classicSync(): SyncStrategy {
  let ready: Promise<void> = Promise.resolve();
  let started: MatrixClient | undefined;
  return {
    start(client) {
      started = client;
      ready = new Promise<void>((resolve) => {
        const onSync = (state: SyncState): void => {
          if (state === SyncState.Prepared || state === SyncState.Syncing) {
            client.off(ClientEvent.Sync, onSync);
            resolve();
          }
        };
        client.on(ClientEvent.Sync, onSync);
      });
      void client.startClient({
        initialSyncLimit: INITIAL_SYNC_LIMIT,
        lazyLoadMembers: true,
        pendingEventOrdering: PendingEventOrdering.Detached,
      });
      return ready;
    },
    subscribe: () => undefined,
    unsubscribe: () => undefined,
    // The initial sync brought every room joined then; one joined or created since comes with a later sync,
    // and until it has, the store does not know (among the rest) that the room is encrypted.
    whenLoaded: async (roomId) => {
      await ready;
      if (started) await joinedInStore(started, roomId);
    },
  };
}

/** Resolves once the client's store holds `roomId` with the member joined (callers bound the wait). */
function joinedInStore(client: MatrixClient, roomId: string): Promise<void> {
  const joined = (): boolean => client.getRoom(roomId)?.getMyMembership() === 'join';
  if (joined()) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const check = (state: SyncState): void => {
      // A stopped client brings nothing more: nobody is left waiting.
      if (!joined() && state !== SyncState.Stopped) return;
      client.off(ClientEvent.Sync, check);
      resolve();
    };
    client.on(ClientEvent.Sync, check);
  });
}

/**
 * What a subscribed room brings: its latest messages and only the state that rendering needs —
 * the room's identity and name, who may post, whether it is encrypted and who may read its history
 * (the crypto marks keys as shareable with newcomers from it), the members who sent the messages
 * shown (lazy-loaded, plus the member themself), and a post room's binding to its post
 * (read from the store instead of asked for, see post-room.ts).
 */
export const ROOM_SUBSCRIPTION: MSC3575RoomSubscription = {
  timeline_limit: INITIAL_SYNC_LIMIT,
  required_state: [
    [EventType.RoomCreate, ''],
    [EventType.RoomName, ''],
    [EventType.RoomTopic, ''],
    [EventType.RoomCanonicalAlias, ''],
    [EventType.RoomPowerLevels, ''],
    [EventType.RoomEncryption, ''],
    // Without it js-sdk assumes `shared`, and the crypto would mark keys of a `joined` room as shareable.
    [EventType.RoomHistoryVisibility, ''],
    [EventType.RoomJoinRules, ''],
    [EventType.RoomTombstone, ''],
    [EventType.RoomMember, '$LAZY'],
    [EventType.RoomMember, '$ME'],
    [POST_BINDING_EVENT, ''],
    // Messages held for a moderator (timeline/held.ts): shown to their author only until released.
    [HELD_EVENT, '*'],
  ],
};

export interface SlidingSyncOptions {
  /** How long the server may hold a long-poll open, in milliseconds. */
  timeoutMs?: number;
  /**
   * How long new subscriptions are gathered before the long-poll is restarted, in milliseconds: the
   * elements a scroll brings into view within this window share one restart.
   */
  batchMs?: number;
  /**
   * How long the long-poll may go on carrying rooms no element shows any more before it is restarted
   * without them, in milliseconds.
   */
  dropMs?: number;
}

/**
 * Simplified sliding sync (MSC4186) through js-sdk's `SlidingSync`: no room lists, one room
 * subscription per room shown on the page, all on one long-poll. Its cost follows the rooms on
 * screen, not the rooms joined.
 *
 * MSC4186 has no sticky parameters: a room subscription only holds for the request that carries
 * it. js-sdk's `SlidingSync` sends a subscription once (the older proxy protocol remembered it),
 * so every request it makes is completed here with the whole current subscription set. That also
 * makes unsubscribing simply leaving a room out of the next request.
 */
export function slidingSync(options: SlidingSyncOptions = {}): SyncStrategy {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const batchMs = options.batchMs ?? 20;
  const dropMs = options.dropMs ?? 500;
  const subscribed = new Set<string>();
  /**
   * Rooms the server has answered for on this connection (present or not). Kept when a room is
   * unsubscribed: its data stays in the client's store, and on re-subscription the server sends only
   * what changed meanwhile — possibly nothing, so waiting for a response would mean waiting for the
   * long-poll's timeout.
   */
  const answered = new Set<string>();
  const waiters = new Map<string, Set<() => void>>();
  let sync: SlidingSync | undefined;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** The subscriptions carried by the request whose response is being processed. */
  let carried: ReadonlySet<string> = new Set();
  /** The subscriptions of the request in flight. */
  let requested: ReadonlySet<string> = new Set();
  /** A restart to leave out rooms no element shows any more; any request made before it does that too. */
  let dropTimer: ReturnType<typeof setTimeout> | undefined;
  /** Rooms of the response being processed whose new messages do not follow on from their timeline (sync-gap.ts). */
  let gaps: SyncGap[] = [];

  const flush = (): void => {
    flushTimer = undefined;
    sync?.modifyRoomSubscriptions(new Set(subscribed));
  };
  const schedule = (): void => {
    if (sync && flushTimer === undefined) flushTimer = setTimeout(flush, batchMs);
  };
  const scheduleDrop = (): void => {
    if (sync && dropTimer === undefined && flushTimer === undefined) dropTimer = setTimeout(flush, dropMs);
  };
  const settle = (roomIds: Iterable<string>): void => {
    for (const roomId of roomIds) {
      if (!subscribed.has(roomId)) continue;
      answered.add(roomId);
      for (const resolve of waiters.get(roomId) ?? []) resolve();
      waiters.delete(roomId);
    }
  };

  return {
    start(client) {
      // Only this strategy's requests go through the proxy; everything else reaches the real client.
      const send = async (
        request: MSC3575SlidingSyncRequest,
        proxyBaseUrl?: string,
        abortSignal?: AbortSignal,
      ): Promise<MSC3575SlidingSyncResponse> => {
        const rooms = new Set(subscribed);
        requested = rooms;
        clearTimeout(dropTimer);
        dropTimer = undefined;
        const scoped: MSC3575SlidingSyncRequest = { ...request, lists: {} };
        delete scoped.unsubscribe_rooms;
        delete scoped.room_subscriptions;
        // Without crypto (loaded lazily, see crypto.ts), leave to-device messages on the server:
        // taking them would drop the room keys the crypto started later needs.
        if (!client.getCrypto() && scoped.extensions) {
          scoped.extensions = Object.fromEntries(Object.entries(scoped.extensions).filter(([name]) => name !== 'to_device'));
        }
        if (rooms.size > 0) scoped.room_subscriptions = Object.fromEntries([...rooms].map((id) => [id, ROOM_SUBSCRIPTION]));
        const response = await client.slidingSync(scoped, proxyBaseUrl, abortSignal);
        carried = rooms;
        gaps = syncGaps(client, response);
        return response;
      };
      const transport = new Proxy(client, {
        get: (target, property) => (property === 'slidingSync' ? send : (Reflect.get(target, property, target) as unknown)),
      });
      sync = new SlidingSync(client.baseUrl, new Map(), ROOM_SUBSCRIPTION, transport, timeoutMs);
      sync.modifyRoomSubscriptions(new Set(subscribed));
      const ready = new Promise<void>((resolve) => {
        sync?.on(SlidingSyncEvent.Lifecycle, (state, response) => {
          if (state !== SlidingSyncState.Complete || !response) return;
          // Room data of this response is in the store now: the rooms it carried are loaded.
          settle(carried);
          for (const gap of gaps) {
            fillSyncGap(client, gap).catch((error: unknown) => console.warn('[omni] a gap in sync could not be filled', error));
          }
          gaps = [];
          resolve();
        });
      });
      void client.startClient({
        slidingSync: sync,
        lazyLoadMembers: true,
        pendingEventOrdering: PendingEventOrdering.Detached,
        threadSupport: false,
      });
      return ready;
    },
    subscribe(roomId) {
      if (subscribed.has(roomId)) return;
      subscribed.add(roomId);
      // A room the long-poll in flight still carries (shown again soon after it was left) needs no restart.
      if (!requested.has(roomId)) schedule();
    },
    unsubscribe(roomId) {
      if (!subscribed.delete(roomId)) return;
      // Nobody waits for a room nobody shows.
      for (const resolve of waiters.get(roomId) ?? []) resolve();
      waiters.delete(roomId);
      // The next request leaves the room out. Until then its updates still reach the store, which costs
      // less than cutting the long-poll each time an element scrolls away: the restart waits a moment,
      // and a request made meanwhile (an element scrolled into view) makes it unnecessary.
      if (requested.has(roomId)) scheduleDrop();
    },
    whenLoaded(roomId) {
      if (answered.has(roomId)) return Promise.resolve();
      return new Promise<void>((resolve) => {
        let set = waiters.get(roomId);
        if (!set) waiters.set(roomId, (set = new Set()));
        set.add(resolve);
      });
    },
  };
}

/** Whether the homeserver speaks simplified sliding sync (advertised in `/versions`). */
export async function supportsSlidingSync(client: MatrixClient): Promise<boolean> {
  try {
    return await client.doesServerSupportUnstableFeature(SLIDING_SYNC_FEATURE);
  } catch {
    return false;
  }
}

/**
 * Picks the strategy when the client starts: sliding sync where `/versions` advertises it, classic
 * `/sync` otherwise. Subscriptions made before the decision are kept by the sliding strategy.
 */
export function autoSync(): SyncStrategy {
  const sliding = slidingSync();
  let chosen: SyncStrategy = sliding;
  return {
    async start(client) {
      chosen = (await supportsSlidingSync(client)) ? sliding : classicSync();
      return chosen.start(client);
    },
    subscribe: (roomId) => chosen.subscribe(roomId),
    unsubscribe: (roomId) => chosen.unsubscribe(roomId),
    whenLoaded: (roomId) => chosen.whenLoaded(roomId),
  };
}
