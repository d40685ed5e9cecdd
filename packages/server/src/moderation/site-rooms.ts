/**
 * The site's post rooms as the companion knows them: every room its bot is in whose post binding
 * (`org.omnisocial.post`) the bot itself sent. Read once at start from the bot's joined rooms, then kept
 * up to date as the companion creates rooms. The rooms are also written to the state store (state-store.ts),
 * so a replica learns of the rooms another replica created since it started. Shared helpers for acting in many
 * rooms at once.
 */
import type { Homeserver, Json } from '../homeserver.ts';
import { MemoryStateStore, type StateStore } from '../state-store.ts';

export interface RoomStateEvent {
  readonly type: string;
  readonly sender: string;
  readonly state_key: string;
  readonly content: Json;
}

const BINDING = 'org.omnisocial.post';
const POST_ROOMS = 'post-room';
/** Requests in flight at once when the companion acts in every post room (Synapse's CPU is the limit). */
export const CONCURRENCY = 8;

/** Runs `task` for every item, `CONCURRENCY` at a time; failures are collected, not thrown. */
export async function eachLimited<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<unknown[]> {
  const errors: unknown[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await task(item).catch((error: unknown) => void errors.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return errors;
}

export const roomPath = (roomId: string): string => `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}`;

export class SiteRooms {
  readonly #homeserver: Homeserver;
  readonly #botUserId: string;
  readonly #rooms = new Set<string>();
  readonly #store: StateStore;

  constructor(homeserver: Homeserver, botUserId: string, store: StateStore = new MemoryStateStore()) {
    this.#homeserver = homeserver;
    this.#botUserId = botUserId;
    this.#store = store;
  }

  /** Finds the post rooms the bot is already in; `onState` is given each one's state, read for it anyway. */
  async load(onState?: (roomId: string, state: readonly RoomStateEvent[]) => Promise<void>): Promise<void> {
    const { joined_rooms: joined } = await this.#homeserver.request<{ joined_rooms: string[] }>('GET', '/_matrix/client/v3/joined_rooms');
    await eachLimited(joined, async (roomId) => {
      const state = await this.#postRoomState(roomId);
      if (!state) return;
      this.#rooms.add(roomId);
      await onState?.(roomId, state);
    });
  }

  async add(roomId: string): Promise<void> {
    this.#rooms.add(roomId);
    await this.#store.put(POST_ROOMS, roomId, {});
  }

  has(roomId: string): boolean {
    return this.#rooms.has(roomId);
  }

  /** Whether `roomId` is a post room, asking the state store when this replica has not seen it created. */
  async learn(roomId: string): Promise<boolean> {
    if (this.#rooms.has(roomId)) return true;
    if (!(await this.#store.get(POST_ROOMS, roomId))) return false;
    this.#rooms.add(roomId);
    return true;
  }

  /** Adds the rooms other replicas created since this one started (before acting on every post room). */
  async refresh(): Promise<void> {
    for (const [roomId] of await this.#store.list(POST_ROOMS)) this.#rooms.add(roomId);
  }

  list(): string[] {
    return [...this.#rooms];
  }

  /** The room's state when it is a post room of the site, else undefined. */
  async #postRoomState(roomId: string): Promise<RoomStateEvent[] | undefined> {
    try {
      const state = await this.#homeserver.request<RoomStateEvent[]>('GET', `${roomPath(roomId)}/state`);
      return state.some((event) => event.type === BINDING && event.state_key === '' && event.sender === this.#botUserId)
        ? state
        : undefined;
    } catch {
      return undefined;
    }
  }
}
