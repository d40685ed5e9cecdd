/**
 * Turns a room's events into timeline items, once per room change (DESIGN.md: compute per room,
 * not per tile). Pure with respect to the SDK room it reads: no listeners, no requests.
 *
 * Everything here reads untrusted data: content fields are type-checked one by one, untrusted
 * strings (event ids, reaction keys, user ids) only ever key `Map`s, and a malformed event becomes
 * a placeholder instead of a throw.
 *
 * The build is two linear passes over the events (relations and classification, then items) plus
 * one pass over the members, so a 10,000-event timeline rebuilds in a few milliseconds. Parsed
 * message content is cached per event, and items equal to the previous build's are reused, so
 * unchanged tiles receive the very same object.
 */
import { EventStatus, NotificationCountType, ReceiptType, type MatrixEvent, type Room } from 'matrix-js-sdk';
import type {
  MembershipSummary,
  MemberInfo,
  MessageItem,
  NoticeItem,
  PlaceholderItem,
  ReactionGroup,
  ReplyPreview,
  SendStatus,
  TimelineItem,
} from './timeline-types.ts';
import { sanitiseName, stripReplyFallback } from './text-rules.ts';
import { membershipChange, membershipSummary, SetupRun, stateText, type MembershipChange, type StateChange } from './timeline-rules.ts';
import { asObject, asString, type Json } from './json.ts';
import { continuesGroup, dayOf } from './grouping.ts';
import { MemberDirectory } from './room-members.ts';
import { isHiddenRelation, UNDECRYPTABLE_CONTENT, undecryptableOf } from './undecryptable.ts';
import {
  editFromBundle,
  isLater,
  MALFORMED_TEXT,
  mentionsUser,
  parseMessageContent,
  type Edit,
  type MessageContent,
} from './message-content.ts';
import { sameMembers, sameItem, sameReactions, sameReply } from './item-equality.ts';

export { GROUPING_WINDOW_MS } from './grouping.ts';
export { MemberDirectory } from './room-members.ts';
export { guestItem, retryingItem, UNDECRYPTABLE_TEXT, undecryptableOf } from './undecryptable.ts';
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export const READ_MARKER_KEY = 'read-marker';

export interface TimelineResult {
  readonly items: TimelineItem[];
  /** Messages from others after the member's read marker (the server's count when the marker is not loaded). */
  readonly unreadCount: number;
  /** Other members typing now. */
  readonly typing: readonly MemberInfo[];
}

interface ParsedEntry {
  readonly type: string;
  readonly redacted: boolean;
  readonly editId: string | undefined;
  /** The event content it was parsed from: a failed decryption that later succeeds replaces it. */
  readonly source: object;
  /** Undefined: malformed. */
  readonly content: MessageContent | undefined;
}

/**
 * What a room model keeps between builds: parsed content per event (the SDK keeps the same
 * `MatrixEvent` object from local echo to remote echo, so a `WeakMap` follows it), member infos
 * and the previous items by key, which are reused when nothing in them changed.
 */
export class TimelineCache {
  readonly facts = new WeakMap<MatrixEvent, EventFacts>();
  readonly parsed = new WeakMap<MatrixEvent, ParsedEntry>();
  /** The message item each event gave last time: reused without allocating when nothing changed. */
  readonly messages = new WeakMap<MatrixEvent, MessageItem>();
  members = new Map<string, MemberInfo>();
  items = new Map<string, TimelineItem>();
}

/** The items only; see `computeTimeline` for the unread count. */
export function buildTimeline(room: Room, ownUserId: string, cache: TimelineCache = new TimelineCache()): TimelineItem[] {
  return computeTimeline(room, ownUserId, cache).items;
}

interface Relation {
  readonly relType: string | undefined;
  readonly eventId: string | undefined;
  readonly key: string | undefined;
  readonly inReplyTo: string | undefined;
}

const NO_RELATION: Relation = { relType: undefined, eventId: undefined, key: undefined, inReplyTo: undefined };

function relationOf(content: Json): Relation {
  const relates = asObject(content['m.relates_to']);
  if (!relates) return NO_RELATION;
  return {
    relType: asString(relates['rel_type']),
    eventId: asString(relates['event_id']),
    key: asString(relates['key']),
    inReplyTo: asString(asObject(relates['m.in_reply_to'])?.['event_id']),
  };
}

/** What pass 1 needs of an event, read once per event (and again only when its content changes). */
interface EventFacts {
  readonly content: Json;
  readonly type: string;
  readonly redacted: boolean;
  readonly relation: Relation;
  /** A string `body` and `msgtype`. */
  readonly wellFormed: boolean;
}

// ---------------------------------------------------------------------------------------------
// Names

export { sanitiseName, stripReplyFallback };

// ---------------------------------------------------------------------------------------------
// Message content

function editFromEvent(event: MatrixEvent, content: Json): Edit | undefined {
  const newContent = asObject(content['m.new_content']);
  const eventId = event.getId();
  const sender = event.getSender();
  if (!newContent || !eventId || !sender) return undefined;
  return { eventId, sender, ts: event.getTs(), newContent };
}

// ---------------------------------------------------------------------------------------------
// Notices

/** A state event as the shared rules read it. */
function stateChange(event: MatrixEvent, type: string, stateKey: string): StateChange {
  return {
    type,
    sender: event.getSender() ?? '',
    stateKey,
    content: asObject(event.getContent()) ?? {},
    prevContent: asObject(event.getUnsigned().prev_content),
  };
}

// ---------------------------------------------------------------------------------------------
// The build

/** How pass 1 classified an event (numbers, to sit in a typed array). */
const Kind = { Hidden: 0, Message: 1, Notice: 2, Placeholder: 3, Undecryptable: 4 } as const;

function sendStatus(status: EventStatus | null): SendStatus {
  if (status === null || status === EventStatus.SENT) return 'sent';
  if (status === EventStatus.NOT_SENT || status === EventStatus.CANCELLED) return 'failed';
  if (status === EventStatus.QUEUED) return 'queued';
  return 'sending';
}

/** Whether the server says the event replaced earlier state of its kind (the first of a kind has neither field). */
function replacesState(event: MatrixEvent): boolean {
  const unsigned = event.getUnsigned();
  return unsigned.replaces_state !== undefined || unsigned.prev_content !== undefined;
}

function itemKey(event: MatrixEvent, index: number): string {
  // The transaction id survives local echo → remote echo, so the tile keeps its key.
  const txnId = asString(event.getUnsigned().transaction_id) ?? event.getTxnId();
  return txnId ?? event.getId() ?? `event-${index}`;
}

function remoteId(event: MatrixEvent): string | undefined {
  const id = event.getId();
  return id && !id.startsWith('~') ? id : undefined;
}

const EMPTY: readonly never[] = Object.freeze([]);

export function computeTimeline(room: Room, ownUserId: string, cache: TimelineCache = new TimelineCache()): TimelineResult {
  const live = room.getLiveTimeline().getEvents();
  const pending = room.getPendingEvents();
  const events: MatrixEvent[] = pending.length === 0 ? live : live.concat(pending);
  const n = events.length;
  const members = new MemberDirectory(room, cache.members);

  // Pass 1: relations (edits, reactions), classification, event positions, the read marker.
  const kinds = new Uint8Array(n);
  const byId = new Map<string, number>();
  const edits = new Map<string, Edit[]>();
  const reactions = new Map<string, Map<string, Map<string, string>>>();
  const lastSent = new Map<string, number>();
  const fullyRead = asString(asObject(room.getAccountData('m.fully_read')?.getContent())?.['event_id']);
  const markerId = fullyRead ?? room.getReadReceiptForUserId(ownUserId, true, ReceiptType.Read)?.eventId;
  let markerIndex = -1;
  let unread = 0;
  /** Others' messages since the member's own latest message or join: unread when there is no marker. */
  let sinceOwn = 0;
  const setup = new SetupRun();

  const factsOf = (event: MatrixEvent): EventFacts => {
    const content = asObject(event.getOriginalContent()) ?? {};
    const type = event.getType();
    const redacted = event.isRedacted();
    const known = cache.facts.get(event);
    if (known && known.content === content && known.type === type && known.redacted === redacted) return known;
    const facts: EventFacts = {
      content,
      type,
      redacted,
      relation: redacted ? NO_RELATION : relationOf(content),
      wellFormed: typeof content['body'] === 'string' && typeof content['msgtype'] === 'string',
    };
    cache.facts.set(event, facts);
    return facts;
  };

  for (let i = 0; i < n; i++) {
    const event = events[i] as MatrixEvent;
    const id = event.getId();
    if (id) byId.set(id, i);
    const { type, redacted, relation, content, wellFormed } = factsOf(event);
    const sender = event.getSender() ?? '';
    const stateKey = event.getStateKey();
    const setUp =
      stateKey === undefined
        ? setup.take(type, sender, undefined, undefined, false)
        : setup.take(type, sender, stateKey, asString(content['membership']), replacesState(event));
    let kind: number = Kind.Hidden;
    if (event.isEncrypted() && undecryptableOf(event) !== undefined) {
      if (!isHiddenRelation(event)) {
        kind = Kind.Undecryptable;
        if (sender !== ownUserId) {
          sinceOwn += 1;
          if (markerIndex !== -1) unread += 1;
        }
      }
    } else if (type === 'm.room.message') {
      if (relation.relType === 'm.replace' && relation.eventId !== undefined) {
        // An edit is never a tile of its own: it changes its target, or nothing if invalid.
        const edit = editFromEvent(event, content);
        if (edit) {
          const list = edits.get(relation.eventId);
          if (list) list.push(edit);
          else edits.set(relation.eventId, [edit]);
        }
      } else {
        kind = redacted || wellFormed ? Kind.Message : Kind.Placeholder;
        if (kind === Kind.Message && !redacted) {
          if (sender === ownUserId) sinceOwn = 0;
          else {
            sinceOwn += 1;
            if (markerIndex !== -1) unread += 1;
          }
        }
      }
    } else if (type === 'm.reaction') {
      if (relation.relType === 'm.annotation' && relation.eventId !== undefined && relation.key !== undefined && id) {
        let byKey = reactions.get(relation.eventId);
        if (!byKey) reactions.set(relation.eventId, (byKey = new Map<string, Map<string, string>>()));
        let bySender = byKey.get(relation.key);
        if (!bySender) byKey.set(relation.key, (bySender = new Map<string, string>()));
        // One reaction per member and key counts, whatever a client sent twice.
        if (!bySender.has(sender)) bySender.set(sender, id);
      }
    } else if (type === 'm.room.encrypted') {
      // Encrypted and deleted: what is left is a deleted message.
      kind = redacted ? Kind.Message : Kind.Placeholder;
    } else if (stateKey !== undefined && type !== 'm.room.redaction' && !setUp && !(redacted && type !== 'm.room.member')) {
      // A deleted room change has nothing left to say (a membership keeps its `membership`).
      kind = Kind.Notice;
    }
    if (
      stateKey === ownUserId &&
      type === 'm.room.member' &&
      content['membership'] === 'join' &&
      event.getPrevContent()['membership'] !== 'join'
    ) {
      sinceOwn = 0;
    }
    kinds[i] = kind;
    if (kind !== Kind.Hidden && sender) lastSent.set(sender, i);
    // Set after counting, so the marker's own event is not unread.
    if (id !== undefined && id === markerId) markerIndex = i;
  }

  // Read receipts: each other member's latest receipt (or their own latest event, which they read
  // by sending it), on the message at or before the event it points at.
  const readersAt = new Map<number, MemberInfo[]>();
  for (const member of room.getMembers()) {
    if (member.membership !== 'join' || member.userId === ownUserId) continue;
    const receiptId = room.getReadReceiptForUserId(member.userId, true, ReceiptType.Read)?.eventId;
    const receiptIndex = receiptId === undefined ? -1 : (byId.get(receiptId) ?? -1);
    const position = Math.max(receiptIndex, lastSent.get(member.userId) ?? -1);
    if (position === -1) continue;
    const list = readersAt.get(position);
    if (list) list.push(members.get(member.userId));
    else readersAt.set(position, [members.get(member.userId)]);
  }
  // Attach readers to the message at or before their position: walk back once over the sorted positions.
  const readBy = new Map<number, MemberInfo[]>();
  if (readersAt.size > 0) {
    let owner = -1;
    for (let i = 0; i < n; i++) {
      if (kinds[i] === Kind.Message || kinds[i] === Kind.Undecryptable) owner = i;
      const readers = readersAt.get(i);
      if (readers && owner !== -1) {
        const list = readBy.get(owner);
        if (list) list.push(...readers);
        else readBy.set(owner, [...readers]);
      }
    }
  }

  // Pass 2: items.
  const items: TimelineItem[] = [];
  const previousItems = cache.items;
  const nextItems = new Map<string, TimelineItem>();
  const keep = <T extends TimelineItem>(item: T): T => {
    const previous = previousItems.get(item.key);
    const chosen = previous && sameItem(previous, item) ? (previous as T) : item;
    nextItems.set(chosen.key, chosen);
    items.push(chosen);
    return chosen;
  };
  let dayStart = Infinity;
  let dayEnd = -Infinity;
  let lastMessage: MessageItem | undefined;
  let lastWasMessage = false;
  const showMarker = markerIndex !== -1 && unread > 0;

  const parsed = (event: MatrixEvent): ParsedEntry => {
    const { type, redacted, content: original, relation } = factsOf(event);
    const sender = event.getSender();
    const id = event.getId();
    let best: Edit | undefined;
    if (!redacted && id) {
      // The latest valid edit by the original sender wins; others' edits and broken ones are ignored.
      const candidates = edits.get(id) ?? EMPTY;
      const bundled = event.getUnsigned()['m.relations'] ? editFromBundle(event.getServerAggregatedRelation('m.replace')) : undefined;
      for (const edit of bundled ? [...candidates, bundled] : candidates) {
        if (edit.sender === sender && isLater(edit, best) && parseMessageContent(edit.newContent, false)) best = edit;
      }
    }
    const editId = best?.eventId;
    const cached = cache.parsed.get(event);
    if (cached && cached.source === original && cached.type === type && cached.redacted === redacted && cached.editId === editId) {
      return cached;
    }
    let content: MessageContent | undefined;
    if (redacted) content = { msgtype: 'text', body: '' };
    else if (best) content = parseMessageContent(best.newContent, false);
    else content = parseMessageContent(original, relation.inReplyTo !== undefined);
    const entry: ParsedEntry = { type, redacted, editId, source: original, content };
    cache.parsed.set(event, entry);
    return entry;
  };

  // Consecutive membership changes waiting to become one notice: any other item ends them.
  let run: { key: string; eventId: string; timestamp: number; changes: MembershipChange[]; eventIds: string[] } | undefined;
  const endRun = (): void => {
    if (!run) return;
    const { key, eventId, timestamp, changes, eventIds } = run;
    run = undefined;
    const only = changes.length === 1 ? changes[0] : undefined;
    if (only) keep<NoticeItem>({ kind: 'notice', key, eventId, timestamp, text: only.text });
    else {
      const summary: MembershipSummary = {
        lines: changes.map((c) => c.text),
        names: [...new Set(changes.filter((c) => !c.anonymous).map((c) => c.name))],
        eventIds,
      };
      keep<NoticeItem>({ kind: 'notice', key, eventId, timestamp, text: membershipSummary(changes), summary });
    }
    lastWasMessage = false;
  };

  const dayBreak = (ts: number): void => {
    if (ts >= dayStart && ts < dayEnd) return;
    endRun();
    const day = dayOf(ts);
    dayStart = day.start;
    dayEnd = day.end;
    keep(day.separator);
    lastWasMessage = false;
  };

  for (let i = 0; i < n; i++) {
    const kind = kinds[i];
    const event = events[i] as MatrixEvent;
    if (kind !== Kind.Hidden) {
      const ts = event.getTs();
      const key = itemKey(event, i);
      const eventId = event.getId() ?? key;
      let built = false;
      if (kind === Kind.Notice) {
        const type = event.getType();
        const change = stateChange(event, type, event.getStateKey() ?? '');
        if (type === 'm.room.member') {
          const joined = membershipChange(change, members);
          if (joined === null) built = true;
          else if (joined !== undefined) {
            dayBreak(ts);
            if (run) {
              run.changes.push(joined);
              run.eventIds.push(eventId);
            } else run = { key, eventId, timestamp: ts, changes: [joined], eventIds: [eventId] };
            built = true;
          }
        } else {
          const text = stateText(change, members);
          if (text === null) built = true;
          else if (text !== undefined) {
            dayBreak(ts);
            endRun();
            keep<NoticeItem>({ kind: 'notice', key, eventId, timestamp: ts, text });
            lastWasMessage = false;
            built = true;
          }
        }
      } else {
        dayBreak(ts);
        endRun();
      }
      if (kind === Kind.Message || kind === Kind.Undecryptable) {
        const problem = kind === Kind.Undecryptable ? undecryptableOf(event) : undefined;
        const entry = problem ? undefined : parsed(event);
        const shown = problem ? UNDECRYPTABLE_CONTENT[problem.state] : entry?.content;
        if (shown) {
          const content = shown;
          const senderId = event.getSender() ?? '';
          const id = remoteId(event);
          const redactedMessage = entry?.redacted ?? false;
          const replyId = entry && !entry.redacted ? factsOf(event).relation.inReplyTo : undefined;
          const continuation = continuesGroup(lastWasMessage ? lastMessage : undefined, senderId, ts);
          const sender = members.get(senderId);
          const status = sendStatus(event.status);
          const edited = entry?.editId !== undefined;
          const reactionList = redactedMessage || id === undefined || !reactions.has(id) ? EMPTY : reactionGroups(id);
          const readers = readBy.get(i) ?? EMPTY;
          const reply = replyId === undefined ? undefined : replyPreview(replyId);
          const previous = cache.messages.get(event);
          const mentionsMe = senderId !== ownUserId && !redactedMessage && mentionsUser(content, ownUserId) ? true : undefined;
          // The common case at 10,000 events: nothing changed, so nothing is allocated.
          const item: MessageItem =
            previous &&
            previous.key === key &&
            previous.eventId === id &&
            previous.sender === sender &&
            previous.timestamp === ts &&
            previous.body === content.body &&
            previous.formattedBody === content.formattedBody &&
            previous.mentionsMe === mentionsMe &&
            previous.msgtype === content.msgtype &&
            previous.media === content.media &&
            previous.edited === edited &&
            previous.redacted === redactedMessage &&
            previous.undecryptable === problem &&
            previous.status === status &&
            previous.continuation === continuation &&
            sameReply(previous.replyTo, reply) &&
            sameReactions(previous.reactions, reactionList) &&
            sameMembers(previous.readBy, readers)
              ? previous
              : messageItem();
          function messageItem(): MessageItem {
            // Built mutable, then typed readonly: conditional spreads cost too much at 10,000 items.
            const fresh: Mutable<MessageItem> = {
              kind: 'message',
              key,
              sender,
              own: senderId === ownUserId,
              timestamp: ts,
              msgtype: content.msgtype,
              body: content.body,
              edited,
              redacted: redactedMessage,
              reactions: reactionList,
              status,
              continuation,
              readBy: readers,
            };
            if (id !== undefined) fresh.eventId = id;
            if (content.formattedBody !== undefined) fresh.formattedBody = content.formattedBody;
            if (reply !== undefined) fresh.replyTo = reply;
            if (content.media) fresh.media = content.media;
            if (problem) fresh.undecryptable = problem;
            if (mentionsMe) fresh.mentionsMe = true;
            return fresh;
          }
          cache.messages.set(event, item);
          nextItems.set(item.key, item);
          items.push(item);
          lastMessage = item;
          lastWasMessage = true;
          built = true;
        }
      }
      if (!built) {
        dayBreak(ts);
        endRun();
        keep<PlaceholderItem>({ kind: 'placeholder', key, eventId, timestamp: ts, text: MALFORMED_TEXT });
        lastWasMessage = false;
      }
    }
    if (i === markerIndex && showMarker) {
      endRun();
      keep({ kind: 'read-marker', key: READ_MARKER_KEY });
      lastWasMessage = false;
    }
  }
  endRun();
  const typing: MemberInfo[] = [];
  for (const member of room.getMembers()) if (member.typing && member.userId !== ownUserId) typing.push(members.get(member.userId));
  cache.items = nextItems;
  cache.members = members.current;

  // With the marker outside the loaded window (or none yet), everything loaded since the member last
  // wrote or joined is unread, and the server's count (classic /sync; simplified sliding sync sends 0)
  // reaches past the window.
  const unreadCount = markerIndex !== -1 ? unread : Math.max(sinceOwn, room.getUnreadNotificationCount(NotificationCountType.Total));
  return { items, unreadCount, typing };

  function reactionGroups(targetId: string): readonly ReactionGroup[] {
    const byKey = reactions.get(targetId);
    if (!byKey) return EMPTY;
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

  function replyPreview(eventId: string): ReplyPreview {
    const index = byId.get(eventId);
    const original = index === undefined ? undefined : events[index];
    if (original && kinds[index ?? -1] === Kind.Undecryptable) return { eventId, sender: members.get(original.getSender() ?? '') };
    if (!original || kinds[index ?? -1] !== Kind.Message) return { eventId };
    const entry = parsed(original);
    return {
      eventId,
      sender: members.get(original.getSender() ?? ''),
      ...(entry.content ? { body: entry.content.body } : {}),
      ...(entry.redacted ? { redacted: true } : {}),
    };
  }
}
