/**
 * The one timeline pipeline: plain event JSON in, timeline items out, for every path that shows a
 * timeline — the engine (through its adapter from js-sdk events, sdk-events.ts), the light read and the
 * peek (plain-timeline.ts). The rules come from the shared modules: message types, media, mentions, edits
 * and the malformed-event text (message-content.ts), grouping and day keys (grouping.ts), names
 * (members.ts), state lines, set-up and membership summaries (timeline-rules.ts), reuse of unchanged
 * items (item-equality.ts).
 *
 * Everything read is untrusted: fields are type-checked one by one, untrusted strings (event ids,
 * reaction keys, user ids) only ever key `Map`s, and a malformed event becomes a placeholder instead of
 * a throw. The build is two linear passes over the events (classification and relations, then items),
 * so a 10,000-event timeline rebuilds in a few milliseconds. Pure: no SDK.
 */
import type { PlaceholderItem, TimelineItem } from './timeline-types.ts';
import { asNumber, asString } from './json.ts';
import { membershipChange, stateLine } from './timeline-rules.ts';
import { factsOf, stateChange, unsignedOf } from './event-facts.ts';
import { classify, Kind, type Classification } from './classify.ts';
import { readersByMessage } from './receipts.ts';
import { ItemList } from './item-list.ts';
import { MessageBuilder } from './message-item.ts';
import { PipelineCache, type PipelineResult, type TimelineEvent, type TimelineOptions } from './timeline-input.ts';

export { READ_MARKER_KEY } from './item-list.ts';

/** An item's key: the transaction id survives local echo → remote echo, so the tile keeps its key. */
function itemKey(event: TimelineEvent, eventId: string): string {
  return asString(unsignedOf(event.json)?.['transaction_id']) ?? event.txnId ?? eventId;
}

/** One build's second pass: each shown event becomes its item, in order. */
class ItemsPass {
  readonly list: ItemList;
  readonly #events: readonly TimelineEvent[];
  readonly #classified: Classification;
  readonly #options: TimelineOptions;
  readonly #cache: PipelineCache;
  readonly #messages: MessageBuilder;

  constructor(events: readonly TimelineEvent[], classified: Classification, options: TimelineOptions, cache: PipelineCache) {
    this.#events = events;
    this.#classified = classified;
    this.#options = options;
    this.#cache = cache;
    this.list = new ItemList(cache.items);
    const readBy = readersByMessage(classified, options.readers ?? [], options.members);
    this.#messages = new MessageBuilder(events, classified, options, cache, readBy);
  }

  add(index: number): void {
    const kind = this.#classified.kinds[index];
    if (kind === Kind.Hidden) return;
    const event = this.#events[index] as TimelineEvent;
    // Classification showed only events with an id and a time.
    const eventId = asString(event.json['event_id']) ?? '';
    const ts = asNumber(event.json['origin_server_ts']) ?? 0;
    const key = itemKey(event, eventId);
    const shown = kind === Kind.Notice ? this.#notice(event, key, eventId, ts) : this.#message(index, kind, key, ts);
    if (shown) return;
    const reason = kind === Kind.Attachment && this.#options.attachmentPlaceholders === true ? 'attachment-loading' : 'malformed';
    this.list.dayBreak(ts);
    this.list.other({ kind: 'placeholder', key, eventId, timestamp: ts, reason } satisfies PlaceholderItem);
  }

  /** A state change's line (or its place in a run of membership changes); false when malformed. */
  #notice(event: TimelineEvent, key: string, eventId: string, ts: number): boolean {
    const change = stateChange(event.json, factsOf(event.json, this.#cache.facts).content);
    const { members } = this.#options;
    if (change.type === 'm.room.member') {
      const joined = membershipChange(change, members);
      if (joined === null) return true;
      if (joined === undefined) return false;
      this.list.dayBreak(ts);
      this.list.membership(key, eventId, ts, joined);
      return true;
    }
    const line = stateLine(change, members);
    if (line === null) return true;
    if (line === undefined) return false;
    this.list.dayBreak(ts);
    this.list.other({ kind: 'notice', key, eventId, timestamp: ts, line });
    return true;
  }

  /** A message's item; false when it shows as a placeholder. */
  #message(index: number, kind: number | undefined, key: string, ts: number): boolean {
    this.list.dayBreak(ts);
    this.list.endRun();
    if (kind !== Kind.Message && kind !== Kind.Undecryptable) return false;
    const item = this.#messages.item(index, key, this.list.previousMessage(key), this.list.lastMessage);
    if (!item) return false;
    this.list.message(item);
    return true;
  }
}

/** A thread's unread replies: from others, after the member's read point in the thread. */
function threadUnread(items: readonly TimelineItem[], options: TimelineOptions): number {
  const root = options.thread ?? '';
  let readTs = options.threadReads?.get(root) ?? 0;
  for (const item of items) if (item.kind === 'message' && item.own && item.threadRoot === root) readTs = Math.max(readTs, item.timestamp);
  let unread = 0;
  for (const item of items) if (item.kind === 'message' && !item.own && item.threadRoot === root && item.timestamp > readTs) unread += 1;
  return unread;
}

/**
 * The items for events in timeline order (oldest first) and the number of messages from others after
 * the read marker (the server's count, or what came since the member last wrote or joined, when the
 * marker is not among the events).
 */
export function timelineItems(events: readonly TimelineEvent[], options: TimelineOptions): PipelineResult {
  const cache = options.cache ?? new PipelineCache();
  const classified = classify(events, options, cache);
  const pass = new ItemsPass(events, classified, options, cache);
  const { markerIndex, unread } = classified;
  // A thread's own build has no "new messages" line of the main timeline.
  const showMarker = markerIndex !== -1 && unread > 0 && options.thread === undefined;
  for (let i = 0; i < events.length; i++) {
    pass.add(i);
    if (i === markerIndex && showMarker) pass.list.readMarker();
  }
  pass.list.endRun();
  cache.items = pass.list.byKey;
  // With the marker outside the loaded window (or none yet), everything loaded since the member last
  // wrote or joined is unread, and the server's count reaches past the window.
  const unreadCount = markerIndex !== -1 ? unread : Math.max(classified.sinceOwn, options.serverUnread ?? 0);
  if (options.thread !== undefined) return { items: pass.list.items, unreadCount: threadUnread(pass.list.items, options) };
  return { items: pass.list.items, unreadCount };
}
