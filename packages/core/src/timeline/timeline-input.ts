/**
 * What the one timeline pipeline (pipeline.ts) reads: plain event JSON, each with the few facts only the
 * engine knows about it, and the options of one build. The engine's adapter (sdk-events.ts) produces
 * these from js-sdk's events; the light read and the peek from `/messages` JSON (plain-timeline.ts).
 */
import type { MemberInfo, SendStatus, TimelineItem, Undecryptable } from './timeline-types.ts';
import type { MemberNames } from './timeline-rules.ts';
import type { Json } from './json.ts';
import type { EventFacts, ParsedEntry } from './event-facts.ts';
import type { HeldStatus } from './held.ts';

/** One event: its client-server API JSON, and what the engine knows of it besides. */
export interface TimelineEvent {
  /**
   * `type`, `event_id`, `sender`, `origin_server_ts`, `content`, `unsigned`, `state_key` as the server
   * sends them. For an encrypted event that was read: its decrypted type and content; for one that
   * cannot be read: its wire form (edits and reactions name their relation in the clear).
   */
  readonly json: Json;
  /** A local echo's progress; absent: sent. */
  readonly status?: SendStatus;
  /** The transaction id a local echo was sent with: its item's key, kept when the server's echo arrives. */
  readonly txnId?: string;
  /** Why an encrypted event cannot be read (yet); absent when it can, or is not encrypted. */
  readonly undecryptable?: Undecryptable;
}

/** How a build names members: the shared directory (members.ts) over whichever member state the path has. */
export interface MemberLookup extends MemberNames {
  get(userId: string): MemberInfo;
}

/** Another joined member and the event their latest read receipt points at. */
export interface Reader {
  readonly userId: string;
  readonly receiptEventId: string | undefined;
}

/**
 * What a build keeps for the next: parsed facts and content per content object (events are immutable
 * once received, and a decrypted or redacted event gets new content), and the previous items by key,
 * which are reused when nothing in them changed, so unchanged tiles receive the very same object.
 */
export class PipelineCache {
  readonly facts = new WeakMap<object, EventFacts>();
  readonly parsed = new WeakMap<object, ParsedEntry>();
  items = new Map<string, TimelineItem>();
}

export interface TimelineOptions {
  readonly ownUserId: string;
  readonly members: MemberLookup;
  /** The event the member's read marker is on (their fully-read marker, else their read receipt). */
  readonly readMarker?: string | undefined;
  /** Other joined members, whose receipts put them under the message they read. */
  readonly readers?: readonly Reader[];
  /** The server's unread count: what is unread when the marker is not among the events. */
  readonly serverUnread?: number;
  /** Attachments show as placeholders (`attachment-loading`): the path cannot fetch media (the light read). */
  readonly attachmentPlaceholders?: boolean;
  /** Messages held for a moderator (held.ts): shown to their author only, as waiting or not approved. */
  readonly held?: ReadonlyMap<string, HeldStatus>;
  /** The reader moderates (may delete others' messages): held messages are shown to them too, marked. */
  readonly showHeld?: boolean;
  readonly cache?: PipelineCache;
  /** Build one thread's view: its root (event id) and its replies, nothing else. */
  readonly thread?: string;
  /** The events reach the room's start: a thread reply whose root is not among them has no root to wait for. */
  readonly historyComplete?: boolean;
  /** Per thread root, the time of the latest reply the member read in that thread. */
  readonly threadReads?: ReadonlyMap<string, number>;
  /** Whether a sender's level reaches the room's `notifications.room`, so their `@room` mentions the reader; none without it. */
  readonly mayNotifyRoom?: ((senderId: string) => boolean) | undefined;
}

/** What a build gives: the items, and the messages from others after the read marker. */
export interface PipelineResult {
  readonly items: TimelineItem[];
  readonly unreadCount: number;
}
