/**
 * One open thread of a room (`m.thread`): the root and its replies through the one pipeline
 * (`TimelineOptions.thread`), from the replies the room's sync brought and the older ones paged from
 * `/relations/{root}/m.thread`; its own read point; replies sent through the room's outbox like any
 * message (one transaction id each, in order, retried), their local echoes in this thread only.
 * Rebuilt by its room model on each change of the room. Part of the engine chunk.
 */
import { Direction, EventType, ReceiptType, type MatrixEvent, type Room } from 'matrix-js-sdk';
import { messageContent, messageEcho, plainMessage, sizeRefusal } from '../format/content.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { RoomSession } from '../rooms/room-session.ts';
import { roomError } from '../rooms/errors.ts';
import { ownSender } from '../rooms/room-commands.ts';
import { roomPowerLevels } from '../rooms/moderation-state.ts';
import { withRoomMention } from '../rooms/room-mention.ts';
import { permissionsOf } from '../rooms/power-levels.ts';
import { timelineEvent } from '../timeline/sdk-events.ts';
import { timelineItems } from '../timeline/pipeline.ts';
import { guestItem, MemberDirectory, TimelineCache } from '../timeline/timeline.ts';
import type { MessageItem } from '../timeline/timeline-types.ts';
import { OmniError, type OutgoingMessage, type SendOptions, type ThreadHandle, type ThreadSnapshot } from '../types.ts';
import { threadEvents, threadRootOf } from './thread-events.ts';
import { ThreadPublisher } from './thread-publisher.ts';

/** Replies asked for per page of `/relations`. */
const PAGE = 50;

/** What a thread needs of its room model. */
export interface ThreadContext {
  readonly session: RoomSession;
  /** The room, while it is ready. */
  readonly room: () => Room | null;
  readonly outbox: Outbox;
  /** The member's read point per thread root (the room model's, so its summaries' unread counts follow). */
  readonly reads: Map<string, number>;
  /** A read point moved: the room's summaries change. */
  readonly readChanged: () => void;
}

export class ThreadModel extends ThreadPublisher implements ThreadHandle {
  readonly #context: ThreadContext;
  readonly #rootId: string;
  readonly #onRelease: () => void;
  readonly #cache = new TimelineCache();
  /** Events paged from `/relations` (and the root, when the room's timeline does not hold it), by id. */
  readonly #fetched = new Map<string, MatrixEvent>();
  /** `undefined`: not asked yet; `null`: the server has no older replies. */
  #next: string | null | undefined;
  #paginating: Promise<boolean> | undefined;
  #error: OmniError | undefined;
  #released = false;

  constructor(context: ThreadContext, rootId: string, onRelease: () => void) {
    super(rootId, true);
    this.#context = context;
    this.#rootId = rootId;
    this.#onRelease = onRelease;
    context.outbox.subscribe(() => {
      if (this.#released) return false;
      if (this.snapshot.status === 'ready') this.publish({ ...this.snapshot, items: context.outbox.remerge(rootId) });
      return true;
    });
    this.refresh();
    void this.paginateBackwards();
  }

  /** Rebuilds the thread from the room's events and the pages fetched; called on each change of the room. */
  refresh(): void {
    const room = this.#context.room();
    if (!room || this.#released) return;
    const { session, outbox, reads } = this.#context;
    const own = session.info.userId;
    const members = new MemberDirectory(room, this.#cache.members);
    const events = threadEvents(room, this.#rootId, this.#fetched).map(timelineEvent);
    const levels = roomPowerLevels(room);
    const { items: built, unreadCount } = timelineItems(events, {
      ownUserId: own,
      members,
      thread: this.#rootId,
      threadReads: reads,
      cache: this.#cache,
      mayNotifyRoom: (senderId) => permissionsOf(levels, senderId).notifyRoom,
    });
    this.#cache.members = members.current;
    const guest = session.info.guest === true;
    const shown = guest ? built.map((item) => (item.kind === 'message' ? guestItem(item) : item)) : session.trust.annotate(room, built);
    const items = outbox.merge(shown, this.#rootId);
    const root = items.find((item): item is MessageItem => item.kind === 'message' && item.eventId === this.#rootId);
    const missing = !root && this.#next !== undefined && this.#paginating === undefined;
    const error = missing
      ? new OmniError('unknown', 'This thread’s first message could not be found: it may have been removed.')
      : this.#error;
    this.publish({
      rootId: this.#rootId,
      status: root ? 'ready' : missing ? 'error' : 'loading',
      ...(root ? { root } : {}),
      items,
      hasMoreBefore: this.#next !== null,
      paginating: this.#paginating !== undefined,
      unreadCount,
      ...(error ? { error: { code: error.code, message: error.message } } : {}),
    });
  }

  /** Pages older replies from `/relations/{root}/m.thread`, decrypted where the room is encrypted. */
  paginateBackwards(limit = PAGE): Promise<boolean> {
    if (this.#paginating) return this.#paginating;
    const room = this.#context.room();
    if (!room || this.#next === null || this.#released) return Promise.resolve(false);
    const run = async (): Promise<boolean> => {
      try {
        await this.#fetchPage(room, limit);
        this.#error = undefined;
      } catch (error) {
        this.#error = roomError(error, room.name);
        // A root that cannot be fetched will not be found by asking again.
        if (this.#next === undefined) this.#next = null;
      } finally {
        this.#paginating = undefined;
        this.refresh();
      }
      return this.#next !== null;
    };
    this.#paginating = run();
    this.refresh();
    return this.#paginating;
  }

  async #fetchPage(room: Room, limit: number): Promise<void> {
    const client = this.#context.session.client;
    const from = this.#next ?? undefined;
    const page = await client.relations(room.roomId, this.#rootId, 'm.thread', null, {
      dir: Direction.Backward,
      limit,
      ...(from ? { from } : {}),
    });
    const fetched = page.originalEvent ? [page.originalEvent, ...page.events] : page.events;
    // `relations()` decrypts only when asked for one event type: replies may be of several.
    await Promise.all(fetched.filter((event) => event.isEncrypted()).map((event) => client.decryptEventIfNeeded(event)));
    for (const event of fetched) {
      const id = event.getId();
      // Only the root and its own replies: a hostile server's answer cannot put other events here.
      if (id && (id === this.#rootId || threadRootOf(event) === this.#rootId)) this.#fetched.set(id, event);
    }
    this.#next = page.nextBatch ?? null;
  }

  send(message: string | OutgoingMessage, options: SendOptions = {}): Promise<void> {
    const room = this.#context.room();
    if (!room || this.#released) return Promise.reject(new OmniError('network', 'The thread is not open.'));
    const outgoing = typeof message === 'string' ? plainMessage(message) : message;
    const latest = latestReplyId(this.snapshot, this.#rootId);
    const content = {
      ...withRoomMention(messageContent(outgoing), roomPowerLevels(room), this.#context.session.info.userId),
      'm.relates_to': {
        rel_type: 'm.thread',
        event_id: this.#rootId,
        // Clients without threads show the reply as an answer to the latest message of the thread.
        is_falling_back: options.replyTo === undefined,
        'm.in_reply_to': { event_id: options.replyTo ?? latest },
      },
    };
    const tooLarge = sizeRefusal(content, room.hasEncryptionStateEvent());
    if (tooLarge) return Promise.reject(tooLarge);
    const sender = ownSender(this.#context.session, room);
    this.#context.outbox.enqueue(
      { op: 'event', type: EventType.RoomMessage, content },
      (txnId): MessageItem => messageEcho(outgoing, txnId, sender, { replyTo: options.replyTo, threadRoot: this.#rootId }),
      options.txnId !== undefined ? { txnId: options.txnId } : {},
    );
    return Promise.resolve();
  }

  markRead(eventId: string): void {
    const room = this.#context.room();
    const item = this.snapshot.items.find((i): i is MessageItem => i.kind === 'message' && i.eventId === eventId);
    if (!room || !item || eventId.startsWith('~')) return;
    const { reads, session } = this.#context;
    if ((reads.get(this.#rootId) ?? 0) >= item.timestamp) return;
    reads.set(this.#rootId, item.timestamp);
    this.#context.readChanged();
    this.refresh();
    const event = this.#fetched.get(eventId) ?? room.findEventById(eventId);
    // A threaded receipt (MSC3771): other clients show this thread as read. Guests cannot send receipts.
    if (event && !session.info.guest && room.getMyMembership() === 'join') {
      void session.client.sendReceipt(event, ReceiptType.Read, { thread_id: this.#rootId }).catch(() => undefined);
    }
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.silence();
    this.#onRelease();
  }
}

/** The latest sent message of the thread (the root when there is no reply yet). */
function latestReplyId(snapshot: ThreadSnapshot, rootId: string): string {
  for (let i = snapshot.items.length - 1; i >= 0; i--) {
    const item = snapshot.items[i];
    if (item?.kind === 'message' && item.eventId !== undefined && !item.eventId.startsWith('~') && item.status === 'sent')
      return item.eventId;
  }
  return rootId;
}
