/**
 * Read receipts on the timeline: each other member under the message they last read (their latest
 * receipt, or their own latest event, which they read by sending it), at or before the event it points at.
 * Pure.
 */
import type { MemberInfo } from './timeline-types.ts';
import { Kind, type Classification } from './classify.ts';
import type { MemberLookup, Reader } from './timeline-input.ts';

/** Readers per event index of the message they are shown under. */
export function readersByMessage(classified: Classification, readers: readonly Reader[], members: MemberLookup): Map<number, MemberInfo[]> {
  const readersAt = new Map<number, MemberInfo[]>();
  for (const { userId, receiptEventId } of readers) {
    const receiptIndex = receiptEventId === undefined ? -1 : (classified.byId.get(receiptEventId) ?? -1);
    const position = Math.max(receiptIndex, classified.lastSent.get(userId) ?? -1);
    if (position === -1) continue;
    const list = readersAt.get(position);
    if (list) list.push(members.get(userId));
    else readersAt.set(position, [members.get(userId)]);
  }
  const readBy = new Map<number, MemberInfo[]>();
  if (readersAt.size === 0) return readBy;
  // Walk once over the events, handing each position's readers to the latest message at or before it.
  const { kinds } = classified;
  let owner = -1;
  for (let i = 0; i < kinds.length; i++) {
    if (kinds[i] === Kind.Message || kinds[i] === Kind.Undecryptable) owner = i;
    const at = readersAt.get(i);
    if (at && owner !== -1) {
      const list = readBy.get(owner);
      if (list) list.push(...at);
      else readBy.set(owner, [...at]);
    }
  }
  return readBy;
}
