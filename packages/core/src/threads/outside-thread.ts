/**
 * A thread of a world-readable room read from outside (a post's open discussion before its reader
 * writes, sync/peek.ts): the root from `/event` and its replies from `/relations/{root}/m.thread`, plain
 * `fetch`, through the same pipeline as every timeline. Read-only: replying takes part, which a
 * reader does by writing in the discussion first. It does not follow new replies; reopening it does.
 * Reading it moves the reader's read point in the thread, kept in this browser (visitor-reads.ts), since a
 * reader from outside sends no receipts.
 */
import { callHomeserver } from '../session/client-api.ts';
import type { PeekAccount } from '../sync/peek.ts';
import { membersOf } from '../timeline/members.ts';
import { timelineItems } from '../timeline/pipeline.ts';
import type { MessageItem } from '../timeline/timeline-types.ts';
import { OmniError, type ThreadHandle } from '../types.ts';
import { ThreadPublisher } from './thread-publisher.ts';

type Json = Record<string, unknown>;

const PAGE = 50;

function objects(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter((event): event is Json => typeof event === 'object' && event !== null) : [];
}

export class OutsideThread extends ThreadPublisher implements ThreadHandle {
  readonly #account: PeekAccount;
  readonly #roomId: string;
  readonly #rootId: string;
  readonly #memberEvents: () => readonly Json[];
  readonly #onRead: ((rootId: string, readTs: number) => void) | undefined;
  readonly #events = new Map<string, Json>();
  #next: string | null | undefined;
  #paginating: Promise<boolean> | undefined;
  #error: OmniError | undefined;
  #released = false;

  /** `onRead`: the reader read the thread up to a reply of that time (its `origin_server_ts`). */
  constructor(
    account: PeekAccount,
    roomId: string,
    rootId: string,
    memberEvents: () => readonly Json[],
    onRead?: (rootId: string, readTs: number) => void,
  ) {
    super(rootId, true);
    this.#account = account;
    this.#roomId = roomId;
    this.#rootId = rootId;
    this.#memberEvents = memberEvents;
    this.#onRead = onRead;
    void this.paginateBackwards();
  }

  async #get(path: string): Promise<Json> {
    const response = await callHomeserver(this.#account.homeserverUrl, 'GET', path, undefined, (input, init) =>
      fetch(input, { ...init, headers: { Authorization: `Bearer ${this.#account.accessToken}` } }),
    );
    if (response.status !== 200) throw new OmniError('forbidden', 'This thread cannot be read from outside the discussion.');
    return response.body;
  }

  paginateBackwards(limit = PAGE): Promise<boolean> {
    if (this.#paginating) return this.#paginating;
    if (this.#next === null) return Promise.resolve(false);
    const room = encodeURIComponent(this.#roomId);
    const root = encodeURIComponent(this.#rootId);
    const run = async (): Promise<boolean> => {
      try {
        const from = this.#next ? `&from=${encodeURIComponent(this.#next)}` : '';
        const [page, rootEvent] = await Promise.all([
          this.#get(`/_matrix/client/v1/rooms/${room}/relations/${root}/m.thread?dir=b&limit=${String(limit)}${from}`),
          this.#events.has(this.#rootId) ? undefined : this.#get(`/_matrix/client/v3/rooms/${room}/event/${root}`),
        ]);
        for (const event of [...objects(page['chunk']), ...(rootEvent ? [rootEvent] : [])]) {
          const id = event['event_id'];
          if (typeof id === 'string') this.#events.set(id, event);
        }
        this.#next = typeof page['next_batch'] === 'string' ? page['next_batch'] : null;
      } catch (error) {
        this.#error =
          error instanceof OmniError ? error : new OmniError('network', 'The thread could not be loaded; check the connection.');
        this.#next ??= null;
      } finally {
        this.#paginating = undefined;
        this.#build();
      }
      return this.#next !== null;
    };
    this.#paginating = run();
    return this.#paginating;
  }

  #build(): void {
    const events = [...this.#events.values()]
      .filter((event) => event['type'] !== 'm.room.encrypted')
      .sort((a, b) => Number(a['origin_server_ts']) - Number(b['origin_server_ts']));
    const members = membersOf([...this.#memberEvents(), ...events]);
    const { items } = timelineItems(
      events.map((json) => ({ json })),
      { ownUserId: this.#account.userId, members, thread: this.#rootId, attachmentPlaceholders: true },
    );
    const root = items.find((item): item is MessageItem => item.kind === 'message' && item.eventId === this.#rootId);
    const error = this.#error ?? (root ? undefined : new OmniError('unknown', 'This thread’s first message could not be found.'));
    this.publish({
      rootId: this.#rootId,
      status: root ? 'ready' : 'error',
      ...(root ? { root } : {}),
      items,
      hasMoreBefore: this.#next !== null,
      paginating: false,
      unreadCount: 0,
      readOnly: true,
      ...(error ? { error: { code: error.code, message: error.message } } : {}),
    });
  }

  send(): Promise<void> {
    return Promise.reject(new OmniError('forbidden', 'Write in the discussion first to reply in its threads.'));
  }

  /** Read from outside: nothing is told to the room's members; the read point is the reader's own (see above). */
  markRead(eventId: string): void {
    const ts = this.#events.get(eventId)?.['origin_server_ts'];
    if (this.#released || typeof ts !== 'number') return;
    this.#onRead?.(this.#rootId, ts);
  }

  release(): void {
    this.#released = true;
    this.silence();
  }
}
