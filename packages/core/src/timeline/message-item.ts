/**
 * A message's item: its content after edits, its sender, reactions, reply preview, readers and send
 * status. The common case at 10,000 events is that nothing changed: the previous build's item is then
 * returned without allocating. Pure.
 */
import type {
  MemberInfo,
  MessageDeletion,
  MessageItem,
  ReactionGroup,
  ReplyPreview,
  ThreadSummary,
  Undecryptable,
} from './timeline-types.ts';
import { asNumber, asObject, asString, type Json } from './json.ts';
import { continuesGroup } from './grouping.ts';
import {
  editFromBundle,
  isLater,
  mentionsRoom,
  mentionsUser,
  parseMessageContent,
  type Edit,
  type MessageContent,
} from './message-content.ts';
import { factsOf, parsedContent, unsignedOf, type ParsedEntry } from './event-facts.ts';
import { sameMembers, sameReactions, sameReply } from './item-equality.ts';
import { UNDECRYPTABLE_CONTENT } from './undecryptable-items.ts';
import { Kind, type Classification } from './classify.ts';
import { sameThread, threadSummary } from './threads.ts';
import type { PipelineCache, TimelineEvent, TimelineOptions } from './timeline-input.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const EMPTY: readonly never[] = Object.freeze([]);

/** What a message item is made of, gathered before deciding whether the previous item still holds. */
interface MessageFields {
  readonly key: string;
  readonly eventId: string | undefined;
  readonly senderId: string;
  readonly sender: MemberInfo;
  readonly timestamp: number;
  readonly content: MessageContent;
  readonly edited: boolean;
  readonly redacted: boolean;
  readonly deletion: MessageDeletion | undefined;
  readonly undecryptable: Undecryptable | undefined;
  readonly status: MessageItem['status'];
  readonly continuation: boolean;
  readonly reply: ReplyPreview | undefined;
  readonly reactions: readonly ReactionGroup[];
  readonly readBy: readonly MemberInfo[];
  readonly mentionsMe: true | undefined;
  readonly held: MessageItem['held'];
  readonly thread: ThreadSummary | undefined;
  readonly threadRoot: string | undefined;
}

/**
 * Who deleted a message and why, from the redaction the server bundles (`unsigned.redacted_because`):
 * a redaction by anyone but the sender is a moderator's. The reason is text, shown as such.
 */
function deletionOf(json: Json, senderId: string): MessageDeletion | undefined {
  const because = asObject(unsignedOf(json)?.['redacted_because']);
  if (!because) return undefined;
  const by = asString(because['sender']);
  const reason = asString(asObject(because['content'])?.['reason'])?.trim();
  return { byModerator: by !== undefined && by !== senderId, ...(reason ? { reason } : {}) };
}

/** A local echo's id starts with `~`: not an event the server knows, so nothing can point at it. */
function remoteId(id: string): string | undefined {
  return id.startsWith('~') ? undefined : id;
}

export class MessageBuilder {
  readonly #events: readonly TimelineEvent[];
  readonly #classified: Classification;
  readonly #options: TimelineOptions;
  readonly #cache: PipelineCache;
  readonly #readBy: ReadonlyMap<number, readonly MemberInfo[]>;

  constructor(
    events: readonly TimelineEvent[],
    classified: Classification,
    options: TimelineOptions,
    cache: PipelineCache,
    readBy: ReadonlyMap<number, readonly MemberInfo[]>,
  ) {
    this.#events = events;
    this.#classified = classified;
    this.#options = options;
    this.#cache = cache;
    this.#readBy = readBy;
  }

  /**
   * The item of the message at `index` (kind Message or Undecryptable), or undefined when its content
   * cannot be shown; `previous` is reused when nothing in it changed.
   */
  item(index: number, key: string, previous: MessageItem | undefined, lastMessage: MessageItem | undefined): MessageItem | undefined {
    const event = this.#events[index] as TimelineEvent;
    const fields = this.#fields(event, index, key, lastMessage);
    if (!fields) return undefined;
    return previous && unchanged(previous, fields) ? previous : messageItem(fields, this.#options.ownUserId);
  }

  #fields(event: TimelineEvent, index: number, key: string, lastMessage: MessageItem | undefined): MessageFields | undefined {
    const { json } = event;
    const problem = this.#classified.kinds[index] === Kind.Undecryptable ? event.undecryptable : undefined;
    const entry = problem ? undefined : this.#parsed(json);
    const content = problem ? UNDECRYPTABLE_CONTENT : entry?.content;
    if (!content) return undefined;
    const senderId = asString(json['sender']) ?? '';
    const ts = asNumber(json['origin_server_ts']) ?? 0;
    const id = remoteId(asString(json['event_id']) ?? '~');
    const redacted = entry?.redacted ?? false;
    const facts = factsOf(json, this.#cache.facts);
    // A thread reply's `m.in_reply_to` marked as a fallback is for clients without threads: not a quote.
    const quoted = entry && !redacted && !(facts.threadRoot !== undefined && facts.relation.fallingBack);
    const replyId = quoted ? facts.relation.inReplyTo : undefined;
    const own = this.#options.ownUserId;
    const threadRoot = this.#classified.threads.isCandidate(index) ? facts.threadRoot : undefined;
    return {
      key,
      eventId: id,
      senderId,
      sender: this.#options.members.get(senderId),
      timestamp: ts,
      content,
      edited: entry?.editId !== undefined,
      redacted,
      deletion: redacted ? deletionOf(json, senderId) : undefined,
      undecryptable: problem,
      status: event.status ?? 'sent',
      continuation: continuesGroup(lastMessage, senderId, ts),
      reply: replyId === undefined ? undefined : this.#replyPreview(replyId),
      reactions: redacted || id === undefined ? EMPTY : this.#reactionGroups(id),
      readBy: this.#readBy.get(index) ?? EMPTY,
      mentionsMe:
        senderId !== own &&
        !redacted &&
        (mentionsUser(content, own, this.#options.members.get(own).displayName) ||
          (mentionsRoom(content) && this.#options.mayNotifyRoom?.(senderId) === true))
          ? true
          : undefined,
      held: id === undefined ? undefined : this.#options.held?.get(id),
      thread: id === undefined || this.#options.thread !== undefined ? undefined : this.#thread(id, json),
      threadRoot,
    };
  }

  /** The summary of the thread under this message, when it has one. */
  #thread(rootId: string, root: Json): ThreadSummary | undefined {
    const replies = this.#classified.threads.replies.get(rootId);
    const bundled = asObject(unsignedOf(root)?.['m.relations'])?.['m.thread'];
    if (!replies && bundled === undefined) return undefined;
    const marker = this.#events[this.#classified.markerIndex];
    const markerTs = marker ? (asNumber(marker.json['origin_server_ts']) ?? 0) : 0;
    return threadSummary({ rootId, root, replies: replies ?? EMPTY, events: this.#events, options: this.#options, markerTs });
  }

  /** The content shown: the latest valid edit by the original sender wins; others' edits and broken ones are ignored. */
  #parsed(json: Json): ParsedEntry {
    const facts = factsOf(json, this.#cache.facts);
    const id = asString(json['event_id']);
    let best: Edit | undefined;
    if (!facts.redacted && id !== undefined) {
      const sender = asString(json['sender']);
      const candidates = this.#classified.edits.get(id) ?? EMPTY;
      const relations = asObject(unsignedOf(json)?.['m.relations']);
      const bundled = relations ? editFromBundle(relations['m.replace']) : undefined;
      for (const edit of bundled ? [...candidates, bundled] : candidates) {
        if (edit.sender === sender && isLater(edit, best) && parseMessageContent(edit.newContent, false)) best = edit;
      }
    }
    return parsedContent(facts, best, this.#cache.parsed);
  }

  #reactionGroups(targetId: string): readonly ReactionGroup[] {
    const byKey = this.#classified.reactions.get(targetId);
    if (!byKey) return EMPTY;
    const { members, ownUserId } = this.#options;
    const groups: ReactionGroup[] = [];
    for (const [key, bySender] of byKey) {
      const senders: string[] = [];
      let ownEventId: string | undefined;
      for (const [sender, reactionId] of bySender) {
        senders.push(members.get(sender).displayName);
        if (sender === ownUserId) ownEventId = reactionId;
      }
      groups.push({ key, count: bySender.size, senders, ...(ownEventId !== undefined ? { ownEventId } : {}) });
    }
    return groups;
  }

  /** What a reply quotes: the original's sender and text when it is loaded and readable, its sender alone when unreadable. */
  #replyPreview(eventId: string): ReplyPreview {
    const index = this.#classified.byId.get(eventId);
    const original = index === undefined ? undefined : this.#events[index];
    const kind = this.#classified.kinds[index ?? -1];
    if (!original || (kind !== Kind.Message && kind !== Kind.Undecryptable)) return { eventId };
    const sender = this.#options.members.get(asString(original.json['sender']) ?? '');
    if (kind === Kind.Undecryptable) return { eventId, sender };
    const entry = this.#parsed(original.json);
    return {
      eventId,
      sender,
      ...(entry.content ? { body: entry.content.body } : {}),
      ...(entry.redacted ? { redacted: true } : {}),
    };
  }
}

function unchanged(previous: MessageItem, f: MessageFields): boolean {
  return (
    previous.key === f.key &&
    previous.eventId === f.eventId &&
    previous.sender === f.sender &&
    previous.timestamp === f.timestamp &&
    previous.body === f.content.body &&
    previous.formattedBody === f.content.formattedBody &&
    previous.mentionsMe === f.mentionsMe &&
    previous.held === f.held &&
    previous.msgtype === f.content.msgtype &&
    previous.media === f.content.media &&
    previous.edited === f.edited &&
    previous.redacted === f.redacted &&
    previous.deletion?.byModerator === f.deletion?.byModerator &&
    previous.deletion?.reason === f.deletion?.reason &&
    previous.undecryptable === f.undecryptable &&
    previous.status === f.status &&
    previous.continuation === f.continuation &&
    sameReply(previous.replyTo, f.reply) &&
    sameReactions(previous.reactions, f.reactions) &&
    sameMembers(previous.readBy, f.readBy) &&
    sameThread(previous.thread, f.thread) &&
    previous.threadRoot === f.threadRoot
  );
}

function messageItem(f: MessageFields, ownUserId: string): MessageItem {
  // Built mutable, then typed readonly: conditional spreads cost too much at 10,000 items.
  const item: Mutable<MessageItem> = {
    kind: 'message',
    key: f.key,
    sender: f.sender,
    own: f.senderId === ownUserId,
    timestamp: f.timestamp,
    msgtype: f.content.msgtype,
    body: f.content.body,
    edited: f.edited,
    redacted: f.redacted,
    reactions: f.reactions,
    status: f.status,
    continuation: f.continuation,
    readBy: f.readBy,
  };
  if (f.eventId !== undefined) item.eventId = f.eventId;
  if (f.content.formattedBody !== undefined) item.formattedBody = f.content.formattedBody;
  if (f.reply !== undefined) item.replyTo = f.reply;
  if (f.content.media) item.media = f.content.media;
  if (f.undecryptable) item.undecryptable = f.undecryptable;
  if (f.deletion) item.deletion = f.deletion;
  if (f.mentionsMe) item.mentionsMe = true;
  if (f.held) item.held = f.held;
  if (f.thread) item.thread = f.thread;
  if (f.threadRoot !== undefined) item.threadRoot = f.threadRoot;
  return item;
}
