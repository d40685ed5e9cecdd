/**
 * History a member's own server never had. A member who joined a room over federation has, on their server,
 * the room from their join on: sliding sync then sends the timeline as complete (not `limited`, so no
 * `prev_batch`) although the messages before the join live on the other servers. Such a timeline (no token
 * backwards, and no `m.room.create` at its start) is given the token `/context` returns for its first event;
 * `/messages` from that token has the member's server backfill the history from the room's other servers.
 */
import { Direction, EventType, Method, type EventTimeline, type MatrixClient, type Room } from 'matrix-js-sdk';

/** Live timelines whose missing token was already asked for: one look each, however it ended. */
const looked = new WeakSet<EventTimeline>();

/** The room's loaded history stops short of its creation with no token to go further, and it was not looked up yet. */
export function historyGapBefore(room: Room): boolean {
  const timeline = room.getLiveTimeline();
  if (timeline.getPaginationToken(Direction.Backward) !== null || looked.has(timeline)) return false;
  if (room.getMyMembership() !== 'join') return false;
  const first = timeline.getEvents()[0];
  return Boolean(first?.getId()) && first?.getType() !== EventType.RoomCreate;
}

/**
 * Gives the live timeline the token before its first event (from `/context`); false when the server has none.
 * Asked once per timeline: a second call, or one after a failure, finds no gap.
 */
export async function fillGapToken(client: MatrixClient, room: Room): Promise<boolean> {
  const timeline = room.getLiveTimeline();
  const first = timeline.getEvents()[0]?.getId();
  looked.add(timeline);
  if (!first) return false;
  const path = `/rooms/${encodeURIComponent(room.roomId)}/context/${encodeURIComponent(first)}`;
  const context = await client.http.authedRequest<{ start?: unknown }>(Method.Get, path, { limit: '0' });
  if (typeof context.start !== 'string' || timeline !== room.getLiveTimeline()) return false;
  if (timeline.getPaginationToken(Direction.Backward) === null) timeline.setPaginationToken(context.start, Direction.Backward);
  return true;
}
