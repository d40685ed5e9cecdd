/**
 * Reading a world-readable room from outside, without joining it: the latest messages from
 * `GET /rooms/{id}/messages`, then the room's new events as they happen from `GET /events?room_id=`,
 * which Synapse answers for any account (guests included) on a world-readable room. Nothing of this is
 * visible to the room's members: no membership event, no read receipt, no typing notice. A post's
 * discussion is read this way until its reader writes (post-room.ts).
 *
 * One loop per account polls every room read this way, so a feed of open posts costs one connection
 * whatever the number of posts: a single room is long-polled, several are polled in turn. A homeserver
 * without `/events` peeking has its rooms paged forwards with `/messages` instead.
 * Plain `fetch`, no matrix-js-sdk: events become items through the timeline's shared rules (timeline/plain-timeline.ts).
 */
import { callHomeserver } from '../session/client-api.ts';
import { plainTimeline } from '../timeline/plain-timeline.ts';
import { visitorThreadReads } from '../threads/visitor-reads.ts';
import type { TimelineItem } from '../timeline/timeline-types.ts';
import { OmniError } from '../types.ts';

/** How many events a first read and each older page bring. */
const PAGE = 30;
/** How long one room's long-poll waits for something new. */
const LONG_POLL_MS = 25_000;
/** With several rooms (or no long-poll on the homeserver), the pause between two rounds of quick polls. */
const ROUND_PAUSE_MS = 2_500;
/** After a failed poll, the first pause, doubled up to the maximum. */
const RETRY_MS = 2_000;
const RETRY_MAX_MS = 30_000;

export interface PeekAccount {
  readonly homeserverUrl: string;
  readonly accessToken: string;
  /** The reader: their own messages are `own`. */
  readonly userId: string;
}

export interface PeekView {
  /** Oldest first, as the light read maps them. */
  readonly items: readonly TimelineItem[];
  readonly hasMoreBefore: boolean;
}

type Json = Record<string, unknown>;

function asEvents(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter((event): event is Json => typeof event === 'object' && event !== null) : [];
}

async function call(account: PeekAccount, path: string, signal?: AbortSignal): Promise<{ status: number; body: Json }> {
  signal?.throwIfAborted();
  const response = await callHomeserver(account.homeserverUrl, 'GET', path, undefined, (input, init) =>
    fetch(input, { ...init, headers: { Authorization: `Bearer ${account.accessToken}` }, ...(signal ? { signal } : {}) }),
  );
  // Aborted while the body was read: the answer is cut, not empty, and must not be taken for one.
  signal?.throwIfAborted();
  return response;
}

function refused(response: { status: number; body: Json }): OmniError {
  const reason = typeof response.body['error'] === 'string' ? response.body['error'] : `HTTP ${String(response.status)}`;
  return new OmniError(response.status === 403 ? 'forbidden' : 'unknown', `The discussion cannot be read: ${reason}.`);
}

function redactedBecause(event: Json): Json | undefined {
  const because = (event['unsigned'] as Json | undefined)?.['redacted_because'];
  return typeof because === 'object' && because !== null ? (because as Json) : undefined;
}

/** One room read from outside. `onChange` gets every new view; `onGone` when the room stops being readable. */
export class RoomPeek {
  readonly roomId: string;
  readonly #account: PeekAccount;
  readonly #onChange: (view: PeekView) => void;
  readonly #onGone: (error: OmniError) => void;
  /** Timeline events, oldest first, without duplicates. */
  #events: Json[] = [];
  readonly #seen = new Set<string>();
  /** Member state that came with the pages read (lazy-loaded members). */
  #state: Json[] = [];
  /** Where older history continues (`end` of the last backwards page); undefined at the room's start. */
  #older: string | undefined;
  /** Where new events continue (`/events` `from`). */
  from = '';
  /**
   * Where paging forwards continues on a homeserver without `/events` peeking: from before the first
   * read's oldest event (re-read once, without duplicates), since such a server's `start` of a backwards
   * page may be no position at all (Dendrite 0.13.8 answers a sentinel past every event).
   */
  pagedFrom = '';
  #stopped = false;

  /** The member events read so far (state and timeline), to name the senders of what is read beside it (a thread). */
  get memberEvents(): readonly Json[] {
    return [...this.#state, ...this.#events.filter((event) => event['type'] === 'm.room.member')];
  }

  constructor(account: PeekAccount, roomId: string, onChange: (view: PeekView) => void, onGone: (error: OmniError) => void) {
    this.#account = account;
    this.roomId = roomId;
    this.#onChange = onChange;
    this.#onGone = onGone;
  }

  get account(): PeekAccount {
    return this.#account;
  }

  /**
   * Reads the latest messages. Rejects with `forbidden` when the room is not world-readable (only its
   * members may read it). New events are followed only once `follow()` is called.
   */
  async read(): Promise<PeekView> {
    const filter = encodeURIComponent(JSON.stringify({ lazy_load_members: true }));
    const room = encodeURIComponent(this.roomId);
    const response = await call(this.#account, `/_matrix/client/v3/rooms/${room}/messages?dir=b&limit=${String(PAGE)}&filter=${filter}`);
    if (response.status !== 200) throw refused(response);
    // The page's `start` is where it began: the next event after it is the first new one.
    const start = response.body['start'];
    if (typeof start !== 'string') throw refused(response);
    this.from = start;
    const oldest = response.body['end'];
    this.pagedFrom = typeof oldest === 'string' && asEvents(response.body['chunk']).length > 0 ? oldest : start;
    this.#addPage(response.body);
    return this.view();
  }

  /**
   * Follows the room's new events from where the first read began, until `stop()`. Only for a reader
   * who is not in the room: Synapse answers a member's `/events?room_id=` from the member's own
   * notifier stream, and creates that stream with this one room when the member has none yet, so that
   * the member's sync would then not be woken by anything happening in their other rooms.
   */
  follow(): void {
    if (!this.#stopped) follow(this);
  }

  /** Loads an older page; resolves to whether more remains. */
  async paginateBackwards(limit = PAGE): Promise<boolean> {
    if (this.#older === undefined) return false;
    const filter = encodeURIComponent(JSON.stringify({ lazy_load_members: true }));
    const room = encodeURIComponent(this.roomId);
    const response = await call(
      this.#account,
      `/_matrix/client/v3/rooms/${room}/messages?dir=b&limit=${String(limit)}&from=${encodeURIComponent(this.#older)}&filter=${filter}`,
    );
    if (response.status !== 200) throw refused(response);
    const more = this.#addPage(response.body);
    this.#onChange(this.view());
    return more;
  }

  /** Adds an older page; returns whether more remains before it. */
  #addPage(body: Json): boolean {
    const chunk = asEvents(body['chunk']);
    const end = body['end'];
    const older = typeof end === 'string' && chunk.length > 0 ? end : undefined;
    this.#older = older;
    const earlier = chunk.reverse().filter((event) => this.#isNew(event));
    this.#events = [...earlier, ...this.#events];
    this.#state = [...this.#state, ...asEvents(body['state'])];
    return older !== undefined;
  }

  #isNew(event: Json): boolean {
    const id = event['event_id'];
    if (typeof id !== 'string' || this.#seen.has(id)) return false;
    this.#seen.add(id);
    return true;
  }

  /** New events from `/events`: their items are published when any of them is new. */
  receive(events: readonly Json[], next: string): void {
    this.from = next;
    const ours = events.filter((event) => event['room_id'] === this.roomId);
    const fresh = ours.filter((event) => this.#isNew(event));
    // A redaction read live empties the message it removes, as a page read later would show it.
    const redacted = new Map<string, Json>();
    for (const event of fresh) {
      const target =
        event['type'] === 'm.room.redaction' ? (event['redacts'] ?? (event['content'] as Json | undefined)?.['redacts']) : undefined;
      if (typeof target === 'string') redacted.set(target, event);
    }
    // A page forwards may bring no redaction but the message again, already emptied (Dendrite 0.13.8 does).
    for (const event of ours) {
      const because = redactedBecause(event);
      const stored = fresh.includes(event) ? undefined : this.#events.find((known) => known['event_id'] === event['event_id']);
      if (because && stored && !redactedBecause(stored)) redacted.set(String(event['event_id']), because);
    }
    if ((fresh.length === 0 && redacted.size === 0) || this.#stopped) return;
    const kept =
      redacted.size === 0
        ? this.#events
        : this.#events.map((event) => {
            const because = redacted.get(String(event['event_id']));
            return because
              ? { ...event, content: {}, unsigned: { ...(event['unsigned'] as Json | undefined), redacted_because: because } }
              : event;
          });
    this.#events = [...kept, ...fresh];
    this.#onChange(this.view());
  }

  view(): PeekView {
    // The session reading from outside loads media with its own token (a guest's too), so attachments show as pictures and files.
    // A reader from outside has no read receipts: their thread read points are kept in this browser.
    const reads = visitorThreadReads(this.roomId);
    return {
      items: plainTimeline(this.#events, this.#state, this.#account.userId, 'media', reads),
      hasMoreBefore: this.#older !== undefined,
    };
  }

  gone(error: OmniError): void {
    this.stop();
    this.#onGone(error);
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Stops following the room (its reader joined it, or nobody shows it any more). */
  stop(): void {
    this.#stopped = true;
    unfollow(this);
  }
}

/** The rooms each account follows, and the loop polling them. */
interface Follower {
  readonly peeks: Set<RoomPeek>;
  abort: AbortController;
}
const followers = new Map<string, Follower>();

function keyOf(account: PeekAccount): string {
  return `${account.homeserverUrl}\n${account.accessToken}`;
}

function follow(peek: RoomPeek): void {
  const key = keyOf(peek.account);
  const existing = followers.get(key);
  if (existing) {
    existing.peeks.add(peek);
    // A long-poll for one room would keep the new one waiting: the loop starts its next round now.
    existing.abort.abort();
    existing.abort = new AbortController();
    return;
  }
  const follower: Follower = { peeks: new Set([peek]), abort: new AbortController() };
  followers.set(key, follower);
  void poll(key, follower);
}

function unfollow(peek: RoomPeek): void {
  const key = keyOf(peek.account);
  const follower = followers.get(key);
  if (!follower?.peeks.delete(peek)) return;
  if (follower.peeks.size === 0) {
    followers.delete(key);
  }
  follower.abort.abort();
  follower.abort = new AbortController();
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** Homeservers without `/events` peeking (it is not in every server): their rooms are paged forwards instead. */
const pagedOnly = new Set<string>();

/**
 * One look for a room's new events: `/events` (long-polled for `timeout` ms), or where the homeserver does not
 * serve it, the next page of `/messages` forwards, which every homeserver serves for world-readable rooms.
 */
async function pollOnce(peek: RoomPeek, timeout: number, signal: AbortSignal): Promise<{ status: number; body: Json; paged: boolean }> {
  const { homeserverUrl } = peek.account;
  const from = encodeURIComponent(peek.from);
  if (!pagedOnly.has(homeserverUrl)) {
    const path = `/_matrix/client/v3/events?room_id=${encodeURIComponent(peek.roomId)}&timeout=${String(timeout)}&from=${from}`;
    const response = await call(peek.account, path, signal);
    // A 200 with a chunk but without an `end` token is a stub, not peeking (Dendrite 0.13.8 answers every
    // `/events` at once with an empty chunk and `end: ""`): following it would poll in a tight loop and never
    // see anything. A body that is not an answer at all (cut short, not JSON) is a failed poll, tried again.
    const answered = response.status === 200 && Array.isArray(response.body['chunk']);
    if (response.status === 200 && !answered) throw refused(response);
    const stub = answered && (typeof response.body['end'] !== 'string' || response.body['end'] === '');
    const unsupported = stub || response.status === 404 || response.status === 405 || response.body['errcode'] === 'M_UNRECOGNIZED';
    if (!unsupported) return { ...response, paged: false };
    pagedOnly.add(homeserverUrl);
  }
  const path = `/_matrix/client/v3/rooms/${encodeURIComponent(peek.roomId)}/messages?dir=f&limit=${String(PAGE)}&from=${encodeURIComponent(peek.pagedFrom)}`;
  return { ...(await call(peek.account, path, signal)), paged: true };
}

async function poll(key: string, follower: Follower): Promise<void> {
  let failures = 0;
  while (followers.get(key) === follower) {
    const peeks = [...follower.peeks];
    const signal = follower.abort.signal;
    const longPoll = peeks.length === 1 && !pagedOnly.has(peeks[0]?.account.homeserverUrl ?? '');
    try {
      for (const peek of peeks) {
        if (peek.stopped) continue;
        const response = await pollOnce(peek, longPoll ? LONG_POLL_MS : 0, signal);
        if (response.status === 403) {
          peek.gone(refused(response));
          continue;
        }
        if (response.status !== 200) throw refused(response);
        const end = response.body['end'];
        if (response.paged) {
          // A forward page without `end` reached the room's latest event: the next one starts where this did.
          if (typeof end === 'string' && end !== '') peek.pagedFrom = end;
          peek.receive(asEvents(response.body['chunk']), peek.from);
        } else peek.receive(asEvents(response.body['chunk']), typeof end === 'string' ? end : peek.from);
      }
      failures = 0;
      if (!longPoll) await pause(ROUND_PAUSE_MS, signal);
    } catch {
      // Aborted for a new room (or the last one gone), or the homeserver is away: wait, then go on.
      if (signal.aborted) continue;
      await pause(Math.min(RETRY_MAX_MS, RETRY_MS * 2 ** failures), signal);
      failures += 1;
    }
  }
}
