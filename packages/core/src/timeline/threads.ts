/**
 * Threads (`m.thread` relations) in the one pipeline. A thread reply names its root in the clear
 * (`m.relates_to: { rel_type: "m.thread", event_id: root, is_falling_back, m.in_reply_to }`), so an
 * encrypted reply is placed without its keys. Replies are kept out of the main timeline; each root
 * carries a summary; a thread's own build (`TimelineOptions.thread`) shows the root and its replies only.
 *
 * Bad input stays inert and bounded: a reply naming itself, or a root that is itself a thread reply
 * (threads do not nest; two replies naming each other are a cycle), is not a thread reply and shows as
 * an ordinary message. A reply whose root is not loaded waits out of sight for its root to be paged in,
 * unless the whole history is loaded (`historyComplete`): then the root does not exist and the reply
 * shows where clients without threads show it. A deleted root keeps its summary, so its thread stays
 * reachable. Pure.
 */
import type { MemberInfo, ThreadSummary } from './timeline-types.ts';
import { asNumber, asObject, asString, type Json } from './json.ts';
import { unsignedOf } from './event-facts.ts';
import type { TimelineEvent, TimelineOptions } from './timeline-input.ts';

/** How many participants a summary names. */
const MAX_PARTICIPANTS = 5;

/** The shown-or-hidden kind of each event, as the first pass keeps it (see classify.ts). */
interface Placement {
  readonly kinds: Uint8Array;
  readonly byId: ReadonlyMap<string, number>;
}

/** Thread replies found by the first pass, then checked once every event is known. */
export class ThreadIndex {
  /** Event index → the root it names. */
  readonly #candidates = new Map<number, string>();
  /** Valid replies per root, oldest first. */
  readonly replies = new Map<string, number[]>();

  note(index: number, rootId: string): void {
    this.#candidates.set(index, rootId);
  }

  /** Whether the event at `index` names a root (valid or not: its unread counting is the thread's). */
  isCandidate(index: number): boolean {
    return this.#candidates.has(index);
  }

  /**
   * Keeps valid replies out of the main timeline (`hidden` kind), or, for a thread's own build, keeps
   * only its root and replies.
   */
  resolve(placement: Placement, hidden: number, options: Pick<TimelineOptions, 'thread' | 'historyComplete'>): void {
    const { kinds, byId } = placement;
    for (const [index, rootId] of this.#candidates) {
      const rootIndex = byId.get(rootId);
      const nested = rootIndex !== undefined && (rootIndex === index || this.#candidates.has(rootIndex));
      const orphan = rootIndex === undefined && options.historyComplete === true && options.thread === undefined;
      if (nested || orphan) continue;
      const list = this.replies.get(rootId);
      if (list) list.push(index);
      else this.replies.set(rootId, [index]);
      if (options.thread === undefined) kinds[index] = hidden;
    }
    const thread = options.thread;
    if (thread === undefined) return;
    const keep = new Set(this.replies.get(thread) ?? []);
    const rootIndex = byId.get(thread);
    if (rootIndex !== undefined) keep.add(rootIndex);
    for (let i = 0; i < kinds.length; i++) if (!keep.has(i)) kinds[i] = hidden;
  }
}

/** The server's bundled aggregation of a root's thread (`unsigned["m.relations"]["m.thread"]`). */
interface Bundled {
  readonly count: number;
  readonly latestId: string | undefined;
  readonly latestSender: string | undefined;
  readonly latestTs: number;
  readonly participated: boolean;
}

function bundledOf(root: Json): Bundled | undefined {
  const thread = asObject(asObject(unsignedOf(root)?.['m.relations'])?.['m.thread']);
  const count = asNumber(thread?.['count']);
  if (!thread || count === undefined || count < 0) return undefined;
  const latest = asObject(thread['latest_event']);
  return {
    count: Math.floor(count),
    latestId: asString(latest?.['event_id']),
    latestSender: asString(latest?.['sender']),
    latestTs: asNumber(latest?.['origin_server_ts']) ?? 0,
    participated: thread['current_user_participated'] === true,
  };
}

/** What a root's summary is made of. */
export interface SummaryInput {
  readonly rootId: string;
  readonly root: Json;
  readonly replies: readonly number[];
  readonly events: readonly TimelineEvent[];
  readonly options: TimelineOptions;
  /** The time of the event the member's main read marker is on: replies before it count as read. */
  readonly markerTs: number;
}

/**
 * A root's summary from its loaded replies and the bundled aggregation. The bundle was counted when the
 * root was fetched: replies loaded after its latest one are added to its count.
 */
export function threadSummary({ rootId, root, replies, events, options, markerTs }: SummaryInput): ThreadSummary | undefined {
  const bundled = bundledOf(root);
  const own = options.ownUserId;
  let newer = 0;
  let latestSender: string | undefined = bundled?.latestSender;
  let latestTs = bundled?.latestTs ?? 0;
  let ownLatest = 0;
  const senders: { readonly sender: string; readonly ts: number }[] = [];
  if (latestSender !== undefined) senders.push({ sender: latestSender, ts: latestTs });
  for (const index of replies) {
    const json = (events[index] as TimelineEvent).json;
    const sender = asString(json['sender']) ?? '';
    const ts = asNumber(json['origin_server_ts']) ?? 0;
    const id = asString(json['event_id']);
    if (bundled && ts > bundled.latestTs && id !== bundled.latestId) newer += 1;
    if (ts >= latestTs) {
      latestTs = ts;
      latestSender = sender;
    }
    if (sender === own) ownLatest = Math.max(ownLatest, ts);
    senders.push({ sender, ts });
  }
  const count = Math.max(replies.length, bundled ? bundled.count + newer : 0);
  if (count === 0) return undefined;
  const readTs = Math.max(options.threadReads?.get(rootId) ?? 0, ownLatest, markerTs);
  let unread = 0;
  for (const index of replies) {
    const json = (events[index] as TimelineEvent).json;
    if (json['sender'] !== own && (asNumber(json['origin_server_ts']) ?? 0) > readTs) unread += 1;
  }
  return {
    rootId,
    count,
    ...(latestSender !== undefined ? { latest: { sender: options.members.get(latestSender), timestamp: latestTs } } : {}),
    participants: participantsOf(senders, options),
    unread,
    participated: ownLatest > 0 || bundled?.participated === true,
  };
}

/** Distinct senders, the most recent first. */
function participantsOf(senders: { readonly sender: string; readonly ts: number }[], options: TimelineOptions): MemberInfo[] {
  const seen = new Set<string>();
  const list: MemberInfo[] = [];
  senders.sort((a, b) => b.ts - a.ts);
  for (const { sender } of senders) {
    if (list.length === MAX_PARTICIPANTS) break;
    if (sender === '' || seen.has(sender)) continue;
    seen.add(sender);
    list.push(options.members.get(sender));
  }
  return list;
}

/** Whether two summaries show the same thing, so an unchanged root keeps its item. */
export function sameThread(a: ThreadSummary | undefined, b: ThreadSummary | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.rootId === b.rootId &&
    a.count === b.count &&
    a.unread === b.unread &&
    a.participated === b.participated &&
    a.latest?.timestamp === b.latest?.timestamp &&
    a.latest?.sender === b.latest?.sender &&
    a.participants.length === b.participants.length &&
    a.participants.every((p, i) => p === b.participants[i])
  );
}
