/**
 * A room's timeline, once per room change (DESIGN.md: compute per room, not per tile): js-sdk's events
 * through the engine's adapter (sdk-events.ts) into the one pipeline every path shares (pipeline.ts).
 * Pure with respect to the SDK room it reads: no listeners, no requests.
 */
import { EventTimeline, type Room } from 'matrix-js-sdk';
import type { MemberInfo, TimelineItem } from './timeline-types.ts';
import type { Json } from './json.ts';
import { MemberDirectory } from './room-members.ts';
import { PipelineCache, type TimelineOptions } from './timeline-input.ts';
import { timelineItems } from './pipeline.ts';
import { HELD_EVENT, heldMessages } from './held.ts';
import { readersOf, readMarkerOf, roomEvents, serverUnread } from './sdk-events.ts';

export { GROUPING_WINDOW_MS } from './grouping.ts';
export { MemberDirectory } from './room-members.ts';
export { guestItem, retryingItem, undecryptableOf } from './undecryptable.ts';
export { sanitiseName, stripReplyFallback } from './text-rules.ts';
export { READ_MARKER_KEY } from './pipeline.ts';

export interface TimelineResult {
  readonly items: TimelineItem[];
  /** Messages from others after the member's read marker (the server's count when the marker is not loaded). */
  readonly unreadCount: number;
  /** Other members typing now. */
  readonly typing: readonly MemberInfo[];
}

/**
 * What a room model keeps between builds: the pipeline's parsed content and previous items, and the
 * member infos, which are reused when nothing in them changed.
 */
export class TimelineCache extends PipelineCache {
  members = new Map<string, MemberInfo>();
}

/** The items only; see `computeTimeline` for the unread count. */
export function buildTimeline(room: Room, ownUserId: string, cache: TimelineCache = new TimelineCache()): TimelineItem[] {
  return computeTimeline(room, ownUserId, cache).items;
}

/** The room's held-message markers (held.ts), from its current state. */
function heldMarkers(room: Room): Json[] {
  const state = room.getLiveTimeline().getState(EventTimeline.FORWARDS);
  return (state?.getStateEvents(HELD_EVENT) ?? []).map((event) => event.event as Json);
}

function typingOf(room: Room, ownUserId: string, members: MemberDirectory): MemberInfo[] {
  const typing: MemberInfo[] = [];
  for (const member of room.getMembers()) if (member.typing && member.userId !== ownUserId) typing.push(members.get(member.userId));
  return typing;
}

/** `options.showHeld`: the reader moderates, and sees messages held for approval (marked) besides their own. */
export function computeTimeline(
  room: Room,
  ownUserId: string,
  cache: TimelineCache = new TimelineCache(),
  options: Pick<TimelineOptions, 'threadReads' | 'historyComplete' | 'mayNotifyRoom'> & { showHeld?: boolean } = {},
): TimelineResult {
  const members = new MemberDirectory(room, cache.members);
  const { items, unreadCount } = timelineItems(roomEvents(room), {
    ownUserId,
    members,
    readMarker: readMarkerOf(room, ownUserId),
    readers: readersOf(room, ownUserId),
    serverUnread: serverUnread(room),
    held: heldMessages(heldMarkers(room)),
    showHeld: options.showHeld ?? false,
    cache,
    threadReads: options.threadReads,
    historyComplete: options.historyComplete,
    mayNotifyRoom: options.mayNotifyRoom,
  });
  const typing = typingOf(room, ownUserId, members);
  cache.members = members.current;
  return { items, unreadCount, typing };
}
