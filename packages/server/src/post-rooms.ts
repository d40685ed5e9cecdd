/**
 * Post rooms the site owns. The homeserver asks the companion about a post alias nobody created yet
 * (the application-service room-alias query); if the site confirms the post, the companion's bot
 * creates the room with that alias then and there: the bot is its creator and keeps power 100, it sends
 * the binding, the site's moderators get power 100, and the room is open or encrypted as the post asks.
 * The alias namespace is the service's exclusively, so no member can create or re-point a post alias.
 */
import { postRoomCreateRequest } from '@omnisocial/core/posts';
import { HomeserverError, type Homeserver } from './homeserver.ts';
import { postIdOf, type AliasScheme, type PostDirectory } from './posts.ts';

/** How long an alias the site said nothing about is answered from memory, so a flood of random ids costs no callbacks. */
const UNKNOWN_TTL_MS = 60_000;
const UNKNOWN_MAX = 50_000;

export interface PostRoomsOptions {
  readonly homeserver: Homeserver;
  readonly directory: PostDirectory;
  readonly scheme: AliasScheme;
  /** The bot's user id (the registration's `sender_localpart` on the server). */
  readonly botUserId: string;
  /** Called with each room the companion creates, before the alias query is answered (site-wide bans apply at once). */
  readonly onCreated?: (roomId: string) => Promise<void>;
}

export interface PostRoomStats {
  created: number;
  unknown: number;
  failed: number;
}

export class PostRooms {
  readonly #options: PostRoomsOptions;
  readonly #inFlight = new Map<string, Promise<boolean>>();
  readonly #unknown = new Map<string, number>();
  /** Aliases the companion itself is resolving to count a post's messages: their queries create nothing. */
  readonly #countLookups = new Map<string, number>();
  readonly stats: PostRoomStats = { created: 0, unknown: 0, failed: 0 };

  constructor(options: PostRoomsOptions) {
    this.#options = options;
  }

  /** Marks (or unmarks) an alias the companion resolves only to count its post's messages (counts.ts). */
  countLookup(alias: string, running: boolean): void {
    const held = (this.#countLookups.get(alias) ?? 0) + (running ? 1 : -1);
    if (held > 0) this.#countLookups.set(alias, held);
    else this.#countLookups.delete(alias);
  }

  /**
   * Answers an alias query: resolves to true when the post's room exists now (created here), false when
   * there is no such post (the homeserver then answers 404). Concurrent queries for one alias share one answer.
   */
  ensure(alias: string): Promise<boolean> {
    const running = this.#inFlight.get(alias);
    if (running) return running;
    const answer = this.#ensure(alias).finally(() => this.#inFlight.delete(alias));
    this.#inFlight.set(alias, answer);
    return answer;
  }

  async #ensure(alias: string): Promise<boolean> {
    const { scheme, directory, homeserver, botUserId } = this.#options;
    if (this.#countLookups.has(alias)) return false;
    const known = this.#unknown.get(alias);
    if (known !== undefined && Date.now() - known < UNKNOWN_TTL_MS) {
      this.stats.unknown += 1;
      return false;
    }
    if (!alias.endsWith(`:${scheme.serverName}`)) return false;
    const post = await directory.lookup(alias, postIdOf(alias, scheme));
    if (!post) {
      this.stats.unknown += 1;
      if (this.#unknown.size >= UNKNOWN_MAX) this.#unknown.clear();
      this.#unknown.set(alias, Date.now());
      return false;
    }
    this.#unknown.delete(alias);
    try {
      const created = await homeserver.request<{ room_id: string }>('POST', '/_matrix/client/v3/createRoom', {
        body: postRoomCreateRequest({ ...post, aliasTemplate: scheme.template }, alias, botUserId),
      });
      this.stats.created += 1;
      await this.#options.onCreated?.(created.room_id).catch((error: unknown) => {
        console.error(`[omni-companion] applying the site's moderation to ${created.room_id} failed:`, error);
      });
    } catch (error) {
      // Created meanwhile by another query (of another worker): the room is there.
      if (error instanceof HomeserverError && error.errcode === 'M_ROOM_IN_USE') return true;
      this.stats.failed += 1;
      throw error;
    }
    return true;
  }
}
