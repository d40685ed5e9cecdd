/** What a room's state says, read from the SDK's room: pagination, order of events, who may write, the topic. */
import { Direction, EventTimeline, EventType, type Room, type RoomState } from 'matrix-js-sdk';
import { historyGapBefore } from './history-gap.ts';
import { messageLevel, userLevel, type PowerLevels } from './power-levels.ts';
import type { CannotSendReason } from '../types.ts';

/** The room's current state (the live timeline's end). */
export function liveState(room: Room): RoomState | undefined {
  return room.getLiveTimeline().getState(EventTimeline.FORWARDS) ?? undefined;
}

/** The room's topic: the scoped sync's required state carries it (see ROOM_SUBSCRIPTION), classic sync all state. */
export function topicOf(room: Room): string | undefined {
  const topic: unknown = liveState(room)?.getStateEvents(EventType.RoomTopic, '')?.getContent()['topic'];
  return typeof topic === 'string' ? topic : undefined;
}

/**
 * Older history exists: the server gave a token back, or the history stops short of the room's creation with
 * no token yet (history-gap.ts: joined over federation), and the room's creation is not loaded.
 */
export function hasMoreBefore(room: Room): boolean {
  const timeline = room.getLiveTimeline();
  if (timeline.getPaginationToken(Direction.Backward) === null && !historyGapBefore(room)) return false;
  return timeline.getEvents()[0]?.getType() !== EventType.RoomCreate;
}

/** Whether event `a` comes before event `b` in the live timeline (false when either is unknown). */
export function isBefore(room: Room, a: string, b: string): boolean {
  const events = room.getLiveTimeline().getEvents();
  let ia = -1;
  let ib = -1;
  for (let i = events.length - 1; i >= 0 && (ia === -1 || ib === -1); i--) {
    const id = events[i]?.getId();
    if (id === a) ia = i;
    if (id === b) ib = i;
  }
  return ia !== -1 && ib !== -1 && ia < ib;
}

/** Why the member cannot post here, or undefined when they can; `levels`: the room's power levels (power-levels.ts). */
export function whyCannotSend(room: Room, own: string, guest: boolean, levels: PowerLevels): CannotSendReason | undefined {
  if (liveState(room)?.getStateEvents(EventType.RoomTombstone, '')) return 'room-replaced';
  const membership = room.getMyMembership();
  if (membership === 'ban') return 'banned';
  if (membership === 'invite') return 'invited';
  if (membership !== 'join') return guest ? 'guest-read-only' : 'not-joined';
  const required = messageLevel(levels);
  if (userLevel(levels, own) >= required) return undefined;
  if (required >= 100) return 'admins-only';
  if (required >= 50) return 'moderators-only';
  return 'no-permission';
}

/** The server of a room address, to join through. */
export function viaServers(target: string): string[] {
  const server = target.slice(target.indexOf(':') + 1);
  return server ? [server] : [];
}
