/**
 * Comment counts for a feed: `GET /_omni/v1/posts/counts?post=a&post=b…` answers how many top-level messages
 * each post's discussion holds, for many posts at once, so a page of 50 posts asks once instead of 50 times.
 *
 * What counts: events of type `m.room.message` or `m.room.encrypted` that are not redacted and whose
 * relation (kept in clear text even in encrypted rooms) is not a thread reply, an edit or a reaction. So an
 * encrypted room is counted without reading any content: the homeserver already knows how many events a room
 * holds, and the count tells nothing more. Replies (`m.in_reply_to`) count, as they show in the discussion.
 *
 * The bot reads each room (it created every post room and stays in it). A room is counted once by paging
 * back through its history, then kept up to date from its newest event at that time (only new events are
 * read); answers are served from memory for `ttlMs`. A post without a room counts 0 and never creates one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { postRoomAlias, PostAliasError } from '@omnisocial/core/posts';
import { HomeserverError, type Homeserver } from './homeserver.ts';
import type { AliasScheme } from './posts.ts';

export const COUNTS_PATH = '/_omni/v1/posts/counts';
/** Posts one request may ask about. */
export const MAX_POSTS_PER_REQUEST = 100;
/** Posts one request may ask to recount at once (`fresh`), as after a member posted. */
export const MAX_FRESH_PER_REQUEST = 5;
const MAX_ID_LENGTH = 1024;
/** Rooms counted at the same time, so one page does not flood the homeserver. */
const CONCURRENCY = 6;
const PAGE = 500;
/** Rooms remembered at most (the oldest read is forgotten first). */
const MAX_ROOMS = 20_000;
const COUNTED_TYPES = new Set(['m.room.message', 'm.room.encrypted']);
const NOT_TOP_LEVEL = new Set(['m.thread', 'm.replace', 'm.annotation']);

export class CountError extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'CountError';
  }
}

interface RoomEvent {
  readonly event_id?: unknown;
  readonly type?: unknown;
  readonly content?: unknown;
  readonly redacts?: unknown;
  readonly unsigned?: { readonly redacted_because?: unknown };
}

/** Whether an event is a top-level message of the discussion. */
export function isTopLevelMessage(event: RoomEvent): boolean {
  if (typeof event.type !== 'string' || !COUNTED_TYPES.has(event.type)) return false;
  if (event.unsigned?.redacted_because !== undefined) return false;
  const content = event.content;
  if (typeof content !== 'object' || content === null || Object.keys(content).length === 0) return false;
  const relation = (content as { 'm.relates_to'?: { rel_type?: unknown } })['m.relates_to'];
  return !(typeof relation?.rel_type === 'string' && NOT_TOP_LEVEL.has(relation.rel_type));
}

interface RoomCount {
  /** The top-level messages counted, by event id (a redaction removes its target). */
  readonly ids: Set<string>;
  /** Where the next refresh reads from (the end of the history last read). */
  token: string;
  checkedAt: number;
  refreshing: Promise<void> | undefined;
}

interface Messages {
  readonly chunk?: readonly RoomEvent[];
  readonly start?: string;
  readonly end?: string;
}

export interface PostCountsOptions {
  readonly homeserver: Homeserver;
  readonly scheme: AliasScheme;
  /** How long an answer is served from memory, in milliseconds (default 10 s). */
  readonly ttlMs?: number;
  /** Marks an alias the companion looks up for counting, so its alias query creates no room. */
  readonly lookingUp: (alias: string, running: boolean) => void;
}

/** The parsed query: the posts asked about and those to recount now. */
export function parseCountQuery(url: URL): { posts: string[]; fresh: Set<string> } {
  const posts = [...new Set(url.searchParams.getAll('post'))];
  if (posts.length === 0) throw new CountError('Name at least one post: ?post=<id>.');
  if (posts.length > MAX_POSTS_PER_REQUEST) {
    throw new CountError(`Ask about at most ${String(MAX_POSTS_PER_REQUEST)} posts at once.`);
  }
  if (posts.some((id) => id.length === 0 || id.length > MAX_ID_LENGTH)) throw new CountError('A post id is empty or too long.');
  const fresh = new Set(url.searchParams.getAll('fresh'));
  if (fresh.size > MAX_FRESH_PER_REQUEST) throw new CountError(`Recount at most ${String(MAX_FRESH_PER_REQUEST)} posts at once.`);
  return { posts, fresh };
}

export class PostCounts {
  readonly #options: PostCountsOptions;
  /** How long an answer is served from memory, in milliseconds. */
  readonly ttlMs: number;
  readonly #rooms = new Map<string, RoomCount>();
  readonly #counting = new Map<string, Promise<number>>();
  /** Alias → room id (null: no room), with when it was learned. */
  readonly #aliases = new Map<string, { roomId: string | null; at: number }>();
  readonly stats = { homeserverRequests: 0 };

  constructor(options: PostCountsOptions) {
    this.#options = options;
    this.ttlMs = options.ttlMs ?? 10_000;
  }

  /** The count of each post (0 without a room); `fresh` posts are brought up to date first. */
  async counts(posts: readonly string[], fresh: ReadonlySet<string> = new Set()): Promise<Record<string, number>> {
    const answer: Record<string, number> = {};
    const queue = [...posts];
    const worker = async (): Promise<void> => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) answer[id] = await this.#count(id, fresh.has(id));
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, posts.length) }, worker));
    return Object.fromEntries(posts.map((id) => [id, answer[id] ?? 0]));
  }

  async #count(postId: string, fresh: boolean): Promise<number> {
    let alias: string;
    try {
      alias = postRoomAlias(postId, this.#options.scheme);
    } catch (error) {
      if (error instanceof PostAliasError) return 0;
      throw error;
    }
    const roomId = await this.#roomOf(alias, fresh);
    if (roomId === null) return 0;
    const room = this.#rooms.get(roomId);
    if (!room) {
      let counting = this.#counting.get(roomId);
      if (!counting) {
        counting = this.#first(roomId).finally(() => this.#counting.delete(roomId));
        this.#counting.set(roomId, counting);
      }
      return counting;
    }
    if (fresh || Date.now() - room.checkedAt > this.ttlMs) {
      room.refreshing ??= this.#refresh(room, roomId).finally(() => (room.refreshing = undefined));
      await room.refreshing;
    }
    return room.ids.size;
  }

  async #roomOf(alias: string, fresh: boolean): Promise<string | null> {
    const known = this.#aliases.get(alias);
    if (known && (known.roomId !== null || (!fresh && Date.now() - known.at < this.ttlMs))) return known.roomId;
    const { homeserver, lookingUp } = this.#options;
    lookingUp(alias, true);
    let roomId: string | null;
    try {
      this.stats.homeserverRequests += 1;
      const answer = await homeserver.request<{ room_id: string }>('GET', `/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`);
      roomId = answer.room_id;
    } catch (error) {
      if (!(error instanceof HomeserverError && error.status === 404)) throw error;
      roomId = null;
    } finally {
      lookingUp(alias, false);
    }
    if (this.#aliases.size >= MAX_ROOMS) this.#aliases.clear();
    this.#aliases.set(alias, { roomId, at: Date.now() });
    return roomId;
  }

  async #messages(roomId: string, query: Record<string, string>): Promise<Messages> {
    this.stats.homeserverRequests += 1;
    return this.#options.homeserver.request<Messages>('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages`, {
      query: { limit: String(PAGE), ...query },
    });
  }

  /** Counts a room's whole history, newest first, and remembers where it ended for the next refresh. */
  async #first(roomId: string): Promise<number> {
    const ids = new Set<string>();
    const redacted = new Set<string>();
    let page = await this.#messages(roomId, { dir: 'b' });
    const token = await this.#after(roomId, page);
    for (;;) {
      for (const event of page.chunk ?? []) {
        if (event.type === 'm.room.redaction') redacted.add(String(redactsOf(event)));
        else if (isTopLevelMessage(event) && !redacted.has(String(event.event_id))) ids.add(String(event.event_id));
      }
      if (!page.end || (page.chunk ?? []).length === 0) break;
      page = await this.#messages(roomId, { dir: 'b', from: page.end });
    }
    if (token === undefined) return ids.size;
    if (this.#rooms.size >= MAX_ROOMS) this.#rooms.delete(this.#rooms.keys().next().value ?? '');
    this.#rooms.set(roomId, { ids, token, checkedAt: Date.now(), refreshing: undefined });
    return ids.size;
  }

  /**
   * Where a forward read continues after a backwards page read from the present: just before its newest event, from
   * that event's context (the event is read again, and counted once). Not the page's `start`: Dendrite answers a
   * sentinel there that reads nothing forwards, ever, and its context of the newest event has no `end`.
   */
  async #after(roomId: string, page: Messages): Promise<string | undefined> {
    const newest = page.chunk?.[0]?.event_id;
    if (typeof newest !== 'string') return page.start;
    this.stats.homeserverRequests += 1;
    const context = await this.#options.homeserver.request<{ start?: string }>(
      'GET',
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/context/${encodeURIComponent(newest)}`,
      { query: { limit: '0' } },
    );
    return context.start || page.start;
  }

  /** Reads what happened since the last read: new messages count, redactions uncount. */
  async #refresh(room: RoomCount, roomId: string): Promise<void> {
    for (;;) {
      const page = await this.#messages(roomId, { dir: 'f', from: room.token });
      for (const event of page.chunk ?? []) {
        if (event.type === 'm.room.redaction') room.ids.delete(String(redactsOf(event)));
        else if (isTopLevelMessage(event)) room.ids.add(String(event.event_id));
      }
      if (page.end) room.token = page.end;
      if (!page.end || (page.chunk ?? []).length < PAGE) break;
    }
    room.checkedAt = Date.now();
  }
}

/** The event a redaction removes (top level in older room versions, in its content from v11). */
function redactsOf(event: RoomEvent): unknown {
  return event.redacts ?? (event.content as { redacts?: unknown } | undefined)?.redacts;
}

/**
 * The public HTTP answer: anyone may read counts (they are what a feed shows its visitors), from any origin,
 * and shared caches may keep them as long as the companion does.
 */
export function answerCounts(counts: PostCounts, request: IncomingMessage, response: ServerResponse): void {
  const headers = { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*', Vary: 'Origin' };
  const send = (status: number, body: unknown, cache = 'no-store'): void => {
    if (response.headersSent) return;
    response.writeHead(status, { ...headers, 'Cache-Control': cache });
    response.end(JSON.stringify(body));
  };
  if (request.method === 'OPTIONS') {
    response.writeHead(204, { ...headers, 'Access-Control-Allow-Methods': 'GET', 'Access-Control-Max-Age': '86400' });
    response.end();
    return;
  }
  if (request.method !== 'GET') {
    send(405, { errcode: 'M_UNRECOGNIZED', error: 'Use GET.' });
    return;
  }
  let query: { posts: string[]; fresh: Set<string> };
  try {
    query = parseCountQuery(new URL(request.url ?? '/', 'http://companion'));
  } catch (error) {
    if (!(error instanceof CountError)) throw error;
    send(error.status, { errcode: 'M_INVALID_PARAM', error: error.message });
    return;
  }
  counts.counts(query.posts, query.fresh).then(
    (answer) =>
      send(200, { counts: answer }, query.fresh.size > 0 ? 'no-store' : `public, max-age=${String(Math.round(counts.ttlMs / 1000))}`),
    (error: unknown) => {
      console.error('[omni-companion] counting messages failed', error);
      send(502, { errcode: 'M_UNKNOWN', error: 'The homeserver did not answer the count.' });
    },
  );
}
