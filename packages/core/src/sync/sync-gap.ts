/**
 * The messages a limited sliding sync response leaves out. When more messages arrive between two syncs than a
 * room's timeline limit (a connection that dropped, a tab the browser throttled, a burst), the server sends the
 * newest ones, `limited`, with the token before them. js-sdk's sliding sync appends them to the room's live
 * timeline after the ones it had and moves the timeline's backwards token to that token (sliding-sync-sdk.ts), so
 * the messages in between would be missing without a trace, and the history above them read from the wrong place.
 *
 * A gap is noted before js-sdk takes the response (`syncGaps`) and filled once it has (`fillSyncGap`): the
 * history's own token is put back, and the missing messages are read with `/messages` and put in their place.
 * A gap longer than `MAX_PAGES` pages is not read whole: the timeline then starts at the newest messages, and
 * scrolling up reads the rest, from the server, in order.
 */
import { Direction, EventTimeline, EventType, type IRoomEvent, type MatrixClient, type MatrixEvent } from 'matrix-js-sdk';

const PAGE_SIZE = 100;
const MAX_PAGES = 10;

export interface SyncGap {
  readonly roomId: string;
  /** The room's live timeline when the response came. */
  readonly timeline: EventTimeline;
  /** The newest event the timeline had before the response. */
  readonly after: string;
  /** The oldest event of the response. */
  readonly before: string;
  /** The token before the response's events. */
  readonly from: string;
  /** The timeline's backwards token before the response (null: its history is complete). */
  readonly historyToken: string | null;
}

/** What `syncGaps` reads of a sliding sync response: the server may leave out each part (js-sdk fills them in later). */
interface ResponseRooms {
  readonly rooms?: Readonly<
    Record<
      string,
      { readonly limited?: boolean; readonly prev_batch?: string; readonly timeline?: readonly { readonly event_id: string }[] }
    >
  >;
}

/** The rooms of `response` whose new messages do not follow on from what their live timeline holds. */
export function syncGaps(client: MatrixClient, response: ResponseRooms): SyncGap[] {
  const gaps: SyncGap[] = [];
  for (const [roomId, data] of Object.entries(response.rooms ?? {})) {
    const received = data.timeline ?? [];
    const before = received[0]?.event_id;
    if (!data.limited || !data.prev_batch || !before) continue;
    const timeline = client.getRoom(roomId)?.getLiveTimeline();
    const events = timeline?.getEvents() ?? [];
    const after = events.at(-1)?.getId();
    if (!timeline || !after) continue;
    const known = new Set(events.map((event) => event.getId()));
    if (received.some((event) => known.has(event.event_id))) continue;
    gaps.push({ roomId, timeline, after, before, from: data.prev_batch, historyToken: timeline.getPaginationToken(Direction.Backward) });
  }
  return gaps;
}

/** Reads the gap's messages, newest first; `reached` once they join the timeline's (or the room's history ends). */
async function readGap(client: MatrixClient, gap: SyncGap): Promise<{ missing: IRoomEvent[]; reached: boolean; next: string }> {
  const room = client.getRoom(gap.roomId);
  const missing: IRoomEvent[] = [];
  let next = gap.from;
  try {
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const answer = await client.createMessagesRequest(gap.roomId, next, PAGE_SIZE, Direction.Backward);
      for (const event of answer.chunk) {
        if (event.event_id === gap.after || room?.findEventById(event.event_id)) return { missing, reached: true, next };
        missing.push(event);
      }
      if (!answer.end || answer.chunk.length === 0) return { missing, reached: true, next };
      next = answer.end;
    }
  } catch (error) {
    console.warn('[omni] the messages missing after a gap in sync could not be read', error);
    return { missing: [], reached: false, next: gap.from };
  }
  return { missing, reached: false, next };
}

/** Fills one gap `syncGaps` found, once js-sdk has added the response's events. */
export async function fillSyncGap(client: MatrixClient, gap: SyncGap): Promise<void> {
  const room = client.getRoom(gap.roomId);
  const { timeline } = gap;
  if (room?.getLiveTimeline() !== timeline) return;
  timeline.setPaginationToken(gap.historyToken, Direction.Backward);
  const { missing, reached, next } = await readGap(client, gap);
  if (room.getLiveTimeline() !== timeline) return;
  let at = timeline.getEvents().findIndex((event) => event.getId() === gap.before);
  if (at < 0) return;
  const set = timeline.getTimelineSet();
  if (!reached) {
    // The timeline keeps what follows on without a gap; its history goes on from where the read stopped.
    for (const event of timeline.getEvents().slice(0, at)) {
      const id = event.getId();
      if (id) set.removeEvent(id);
    }
    timeline.setPaginationToken(next, Direction.Backward);
    at = 0;
  }
  const state = timeline.getState(EventTimeline.FORWARDS);
  if (!state) return;
  const toEvent = client.getEventMapper();
  const added: MatrixEvent[] = [];
  for (const raw of missing.reverse()) {
    const event = toEvent(raw);
    const id = event.getId();
    if (!id || set.findEventById(id)) continue;
    // Added the public way (indexed, its relations aggregated, the room told), then moved to its place.
    set.addEventToTimeline(event, timeline, {
      toStartOfTimeline: false,
      fromCache: true,
      roomState: state,
      timelineWasEmpty: false,
      addToState: false,
    });
    if (!timeline.removeEvent(id)) continue;
    timeline.insertEvent(event, at, state, false);
    at += 1;
    added.push(event);
  }
  for (const redaction of added) {
    if (redaction.getType() !== (EventType.RoomRedaction as string)) continue;
    const target = redaction.event.redacts ?? redaction.getContent<{ redacts?: string }>().redacts;
    if (target) room.findEventById(target)?.makeRedacted(redaction, room);
  }
}
