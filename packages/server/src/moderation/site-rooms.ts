/**
 * The site's post rooms as the companion knows them: every room its bot is in whose post binding
 * (`org.omnisocial.post`) the bot itself sent. Read once at start from the bot's joined rooms, then kept
 * up to date as the companion creates rooms. Shared helpers for acting in many rooms at once.
 */
import type { Homeserver } from '../homeserver.ts';

const BINDING = 'org.omnisocial.post';
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

  constructor(homeserver: Homeserver, botUserId: string) {
    this.#homeserver = homeserver;
    this.#botUserId = botUserId;
  }

  /** Finds the post rooms the bot is already in. */
  async load(): Promise<void> {
    const { joined_rooms: joined } = await this.#homeserver.request<{ joined_rooms: string[] }>('GET', '/_matrix/client/v3/joined_rooms');
    await eachLimited(joined, async (roomId) => {
      if (await this.#isPostRoom(roomId)) this.#rooms.add(roomId);
    });
  }

  add(roomId: string): void {
    this.#rooms.add(roomId);
  }

  has(roomId: string): boolean {
    return this.#rooms.has(roomId);
  }

  list(): string[] {
    return [...this.#rooms];
  }

  async #isPostRoom(roomId: string): Promise<boolean> {
    try {
      const state = await this.#homeserver.request<Array<{ type: string; sender: string; state_key: string }>>(
        'GET',
        `${roomPath(roomId)}/state`,
      );
      return state.some((event) => event.type === BINDING && event.state_key === '' && event.sender === this.#botUserId);
    } catch {
      return false;
    }
  }
}
