/**
 * Timeline items from plain event JSON (the client-server API's `/messages` and `/events` chunks), with no
 * js-sdk: what the light read and the peek show before the engine arrives. It applies the rules the engine's
 * `computeTimeline` applies, from the same modules — message types, edits and the malformed-event text
 * (message-content.ts), grouping and day keys (grouping.ts), names (members.ts), state lines, set-up and
 * membership summaries (timeline-rules.ts) — so the view hands over to the engine without a tile changing.
 *
 * Everything read is untrusted: fields are type-checked one by one and a malformed message becomes a
 * placeholder. Attachments become placeholders too: their media is fetched by the engine.
 */
import type {
  MemberInfo,
  MembershipSummary,
  MessageItem,
  NoticeItem,
  PlaceholderItem,
  ReactionGroup,
  ReplyPreview,
  TimelineItem,
} from './timeline-types.ts';
import { membershipChange, membershipSummary, SetupRun, stateText, type MemberNames, type MembershipChange } from './timeline-rules.ts';
import { asNumber, asObject, asString, type Json } from './json.ts';
import { continuesGroup, dayOf } from './grouping.ts';
import { memberInfo, memberRecords, NameRule } from './members.ts';
import { editFromBundle, isAttachmentType, isLater, MALFORMED_TEXT, parseMessageContent, type Edit } from './message-content.ts';

/** What an attachment shows until the engine, which fetches its media, takes over. */
export const ATTACHMENT_TEXT = 'Loading the attachment…';

type Directory = MemberNames & { get(userId: string): MemberInfo };

/** Names from member state (then the chunk's member events, which are newer), by the shared rule. */
function directory(memberEvents: readonly Json[]): Directory {
  const members = memberRecords(memberEvents);
  const rule = new NameRule(members.values());
  const infos = new Map<string, MemberInfo>();
  const get = (userId: string): MemberInfo => {
    let info = infos.get(userId);
    if (!info) {
      const member = members.get(userId);
      infos.set(userId, (info = memberInfo(userId, rule.shown(userId, member?.rawName), member?.avatarMxc, undefined)));
    }
    return info;
  };
  return {
    get,
    name: (userId) => get(userId).displayName,
    nameFrom: (userId, raw) => (raw === undefined ? get(userId).displayName : rule.shown(userId, raw)),
  };
}

/** Edits and reactions: they change other events rather than showing themselves. */
interface Relations {
  /** The winning edit per target: the latest valid one by the target's sender. */
  readonly edits: Map<string, Edit>;
  /** Per target, per key, who reacted (once per member). */
  readonly reactions: Map<string, Map<string, Set<string>>>;
  /** Edit events, never tiles of their own. */
  readonly hidden: Set<Json>;
}

function relationsOf(timeline: readonly Json[]): Relations {
  const relations: Relations = { edits: new Map(), reactions: new Map(), hidden: new Set() };
  const senders = new Map<string, string>();
  for (const event of timeline) {
    const id = asString(event['event_id']);
    const sender = asString(event['sender']);
    if (id && sender) senders.set(id, sender);
  }
  const offerEdit = (targetId: string, edit: Edit | undefined): void => {
    // Only the original sender's valid edits count.
    if (!edit || senders.get(targetId) !== edit.sender || !parseMessageContent(edit.newContent, false)) return;
    if (isLater(edit, relations.edits.get(targetId))) relations.edits.set(targetId, edit);
  };
  for (const event of timeline) {
    const content = asObject(event['content']) ?? {};
    const relates = asObject(content['m.relates_to']);
    const target = asString(relates?.['event_id']);
    if (event['type'] === 'm.room.message' && relates?.['rel_type'] === 'm.replace') {
      relations.hidden.add(event);
      if (target) offerEdit(target, editFromEvent(event, content));
    } else if (event['type'] === 'm.reaction') {
      const key = asString(relates?.['key']);
      const sender = asString(event['sender']);
      if (relates?.['rel_type'] !== 'm.annotation' || !target || key === undefined || !sender) continue;
      let byKey = relations.reactions.get(target);
      if (!byKey) relations.reactions.set(target, (byKey = new Map<string, Set<string>>()));
      let who = byKey.get(key);
      if (!who) byKey.set(key, (who = new Set<string>()));
      who.add(sender);
    }
  }
  // Edits the server bundled with their original (`unsigned.m.relations.m.replace`).
  for (const event of timeline) {
    const id = asString(event['event_id']);
    const bundled = asObject(asObject(event['unsigned'])?.['m.relations'])?.['m.replace'];
    if (id && bundled !== undefined) offerEdit(id, editFromBundle(bundled));
  }
  return relations;
}

function editFromEvent(event: Json, content: Json): Edit | undefined {
  const newContent = asObject(content['m.new_content']);
  const eventId = asString(event['event_id']);
  const sender = asString(event['sender']);
  const ts = asNumber(event['origin_server_ts']);
  if (!newContent || !eventId || !sender || ts === undefined) return undefined;
  return { eventId, sender, ts, newContent };
}

/**
 * Collects items in order and applies the grouping rules: day separators, consecutive membership changes
 * as one notice, message continuation (anything but a message in between ends a group).
 */
class ItemList {
  readonly items: TimelineItem[] = [];
  #dayStart = Infinity;
  #dayEnd = -Infinity;
  #lastMessage: MessageItem | undefined;
  #run: { eventId: string; timestamp: number; changes: MembershipChange[]; eventIds: string[] } | undefined;

  /** The message a new one from the same sender would continue, if nothing came in between. */
  get lastMessage(): MessageItem | undefined {
    return this.#lastMessage;
  }

  dayBreak(ts: number): void {
    if (ts >= this.#dayStart && ts < this.#dayEnd) return;
    this.endRun();
    const day = dayOf(ts);
    this.#dayStart = day.start;
    this.#dayEnd = day.end;
    this.items.push(day.separator);
    this.#lastMessage = undefined;
  }

  membership(eventId: string, ts: number, change: MembershipChange): void {
    this.#lastMessage = undefined;
    if (this.#run) {
      this.#run.changes.push(change);
      this.#run.eventIds.push(eventId);
    } else this.#run = { eventId, timestamp: ts, changes: [change], eventIds: [eventId] };
  }

  /** A notice or placeholder: ends a membership run and a message group. */
  other(item: NoticeItem | PlaceholderItem): void {
    this.endRun();
    this.items.push(item);
    this.#lastMessage = undefined;
  }

  message(item: MessageItem): void {
    this.endRun();
    this.items.push(item);
    this.#lastMessage = item;
  }

  endRun(): void {
    const run = this.#run;
    if (!run) return;
    this.#run = undefined;
    const { eventId, timestamp, changes, eventIds } = run;
    const only = changes.length === 1 ? changes[0] : undefined;
    if (only) this.items.push({ kind: 'notice', key: eventId, eventId, timestamp, text: only.text } satisfies NoticeItem);
    else {
      const summary: MembershipSummary = {
        lines: changes.map((c) => c.text),
        names: [...new Set(changes.filter((c) => !c.anonymous).map((c) => c.name))],
        eventIds,
      };
      this.items.push({ kind: 'notice', key: eventId, eventId, timestamp, text: membershipSummary(changes), summary } satisfies NoticeItem);
    }
    this.#lastMessage = undefined;
  }
}

function placeholder(eventId: string, timestamp: number, text: string): PlaceholderItem {
  return { kind: 'placeholder', key: eventId, eventId, timestamp, text };
}

/** A state event: its line (or a membership run), nothing when hidden, a placeholder when malformed. */
function addState(list: ItemList, event: Json, eventId: string, ts: number, names: Directory): void {
  const type = asString(event['type']) ?? '';
  const unsigned = asObject(event['unsigned']);
  const change = {
    type,
    sender: asString(event['sender']) ?? '',
    stateKey: asString(event['state_key']) ?? '',
    content: asObject(event['content']) ?? {},
    prevContent: asObject(unsigned?.['prev_content']),
  };
  if (type === 'm.room.member') {
    const joined = membershipChange(change, names);
    if (joined === null) return;
    list.dayBreak(ts);
    if (joined === undefined) list.other(placeholder(eventId, ts, MALFORMED_TEXT));
    else list.membership(eventId, ts, joined);
    return;
  }
  const text = stateText(change, names);
  if (text === null) return;
  list.dayBreak(ts);
  list.other(
    text === undefined ? placeholder(eventId, ts, MALFORMED_TEXT) : { kind: 'notice', key: eventId, eventId, timestamp: ts, text },
  );
}

/** What a message shows: after edits, without its reply fallback, with reactions and a reply preview. */
function messageItem(event: Json, eventId: string, ts: number, context: MessageContext): MessageItem | PlaceholderItem {
  const { names, relations, ownUserId, byId } = context;
  const senderId = asString(event['sender']);
  const original = asObject(event['content']) ?? {};
  const redacted = asObject(event['unsigned'])?.['redacted_because'] !== undefined;
  const msgtype = asString(original['msgtype']);
  if (!redacted && (senderId === undefined || isAttachmentType(msgtype) || !parseMessageContent(original, false))) {
    return placeholder(eventId, ts, isAttachmentType(msgtype) && senderId !== undefined ? ATTACHMENT_TEXT : MALFORMED_TEXT);
  }
  const sender = names.get(senderId ?? '');
  const edit = redacted ? undefined : relations.edits.get(eventId);
  const replyTo = redacted ? undefined : asString(asObject(asObject(original['m.relates_to'])?.['m.in_reply_to'])?.['event_id']);
  const content = redacted ? undefined : parseMessageContent(edit ? edit.newContent : original, !edit && replyTo !== undefined);
  const previous = context.lastMessage;
  return {
    kind: 'message',
    key: eventId,
    eventId,
    sender,
    own: senderId === ownUserId,
    timestamp: ts,
    msgtype: content?.msgtype ?? 'text',
    body: content?.body ?? '',
    ...(content?.formattedBody !== undefined ? { formattedBody: content.formattedBody } : {}),
    edited: edit !== undefined,
    redacted,
    ...(replyTo !== undefined ? { replyTo: replyPreview(replyTo, byId.get(replyTo)) } : {}),
    reactions: redacted ? [] : reactionGroups(relations.reactions.get(eventId), names),
    status: 'sent',
    continuation: continuesGroup(previous, sender.userId, ts),
    readBy: [],
  };
}

interface MessageContext {
  readonly names: Directory;
  readonly relations: Relations;
  readonly ownUserId: string;
  /** Messages shown so far, by event id: what a reply previews. */
  readonly byId: Map<string, MessageItem>;
  readonly lastMessage: MessageItem | undefined;
}

function replyPreview(eventId: string, original: MessageItem | undefined): ReplyPreview {
  if (!original) return { eventId };
  return { eventId, sender: original.sender, body: original.body, ...(original.redacted ? { redacted: true } : {}) };
}

function reactionGroups(byKey: Map<string, Set<string>> | undefined, names: Directory): ReactionGroup[] {
  const groups: ReactionGroup[] = [];
  for (const [key, who] of byKey ?? [])
    groups.push({ key, count: who.size, senders: [...who].map((userId) => names.get(userId).displayName) });
  return groups;
}

/**
 * Timeline items for events in timeline order (oldest first) and the member state that came with
 * them: text, notice and emote messages (after edits, with reactions and reply previews), day
 * separators, placeholders for malformed messages and for attachments, which the engine shows, and
 * state changes by the rules the engine applies (timeline-rules.ts): set-up hidden, consecutive
 * membership changes summed up in one line.
 */
export function plainTimeline(events: readonly unknown[], state: readonly unknown[], ownUserId: string): TimelineItem[] {
  const timeline = events.map(asObject).filter((event): event is Json => event !== undefined);
  const names = directory([...state.map(asObject).filter((event): event is Json => event !== undefined), ...timeline]);
  const relations = relationsOf(timeline);
  const list = new ItemList();
  const byId = new Map<string, MessageItem>();
  const setup = new SetupRun();
  for (const event of timeline) {
    const type = asString(event['type']) ?? '';
    const stateKey = asString(event['state_key']);
    const unsigned = asObject(event['unsigned']);
    const stateContent = stateKey === undefined ? undefined : (asObject(event['content']) ?? {});
    const setUp = setup.take(
      type,
      asString(event['sender']) ?? '',
      stateKey,
      asString(stateContent?.['membership']),
      unsigned?.['replaces_state'] !== undefined || unsigned?.['prev_content'] !== undefined,
    );
    const eventId = asString(event['event_id']);
    const ts = asNumber(event['origin_server_ts']);
    if (!eventId || ts === undefined) continue;
    if (stateContent !== undefined) {
      // A deleted room change has nothing left to say (a membership keeps its `membership`).
      if (!setUp && !(unsigned?.['redacted_because'] !== undefined && type !== 'm.room.member')) addState(list, event, eventId, ts, names);
      continue;
    }
    if (type !== 'm.room.message' || relations.hidden.has(event)) continue;
    list.dayBreak(ts);
    const item = messageItem(event, eventId, ts, { names, relations, ownUserId, byId, lastMessage: list.lastMessage });
    if (item.kind === 'placeholder') list.other(item);
    else {
      list.message(item);
      byId.set(eventId, item);
    }
  }
  list.endRun();
  return list.items;
}
