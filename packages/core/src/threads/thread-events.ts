/**
 * The events of one thread, from the room's live timeline, its pending local echoes and the pages
 * fetched from `/relations`: the root, its replies, and what changes them (edits, reactions), oldest
 * first. The relation is read from the wire content, which is in the clear in encrypted rooms.
 */
import type { MatrixEvent, Room } from 'matrix-js-sdk';

function relatesTo(event: MatrixEvent): Record<string, unknown> | undefined {
  const relates: unknown = event.getWireContent()['m.relates_to'];
  return typeof relates === 'object' && relates !== null ? (relates as Record<string, unknown>) : undefined;
}

/** The root a thread reply names (`rel_type: m.thread`). */
export function threadRootOf(event: MatrixEvent): string | undefined {
  const relates = relatesTo(event);
  const root = relates?.['event_id'];
  return relates?.['rel_type'] === 'm.thread' && typeof root === 'string' ? root : undefined;
}

export function threadEvents(room: Room, rootId: string, fetched: ReadonlyMap<string, MatrixEvent>): MatrixEvent[] {
  const live = room.getLiveTimeline().getEvents();
  const pending = room.getPendingEvents();
  const seen = new Set<string>();
  const all: MatrixEvent[] = [];
  for (const event of [...fetched.values(), ...live]) {
    const id = event.getId();
    if (id !== undefined && seen.has(id)) continue;
    if (id !== undefined) seen.add(id);
    all.push(event);
  }
  const members = new Set([rootId]);
  for (const event of all) if (threadRootOf(event) === rootId) members.add(event.getId() ?? '');
  for (const event of pending) if (threadRootOf(event) === rootId) members.add(event.getId() ?? '');
  const related = (event: MatrixEvent): boolean => {
    const target = relatesTo(event)?.['event_id'];
    return members.has(event.getId() ?? '') || (typeof target === 'string' && members.has(target));
  };
  const sorted = all.filter(related).sort((a, b) => a.getTs() - b.getTs());
  // Local echoes last, in the order they were sent.
  return sorted.concat(pending.filter(related));
}
