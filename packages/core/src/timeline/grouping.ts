/**
 * How timeline items are grouped, the same for every path that builds them (the engine's and the light
 * read's): one day separator per local day, keyed so both paths give the same key, and consecutive
 * messages of one sender within a window under one name and avatar. Pure.
 */
import type { DaySeparatorItem } from './timeline-types.ts';

/** Messages from the same sender closer than this are grouped under one name and avatar. */
export const GROUPING_WINDOW_MS = 5 * 60_000;

/** `day-YYYY-MM-DD` of a local midnight: the same key on both paths, so tiles survive the hand-over. */
export function dayKey(midnight: Date): string {
  const m = String(midnight.getMonth() + 1).padStart(2, '0');
  const d = String(midnight.getDate()).padStart(2, '0');
  return `day-${String(midnight.getFullYear())}-${m}-${d}`;
}

/** The local day a timestamp falls in: its separator and where the day ends. */
export function dayOf(ts: number): { readonly separator: DaySeparatorItem; readonly start: number; readonly end: number } {
  const date = new Date(ts);
  const midnight = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  const start = midnight.getTime();
  const end = new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1).getTime();
  return { separator: { kind: 'day', key: dayKey(midnight), timestamp: start }, start, end };
}

/**
 * Whether a message continues the group of the message just before it: same sender, within the window.
 * `previous` is undefined when anything else (a notice, a separator, the read marker) came in between.
 */
export function continuesGroup(
  previous: { readonly sender: { readonly userId: string }; readonly timestamp: number } | undefined,
  senderId: string,
  ts: number,
): boolean {
  return (
    previous !== undefined &&
    previous.sender.userId === senderId &&
    ts - previous.timestamp >= 0 &&
    ts - previous.timestamp < GROUPING_WINDOW_MS
  );
}
