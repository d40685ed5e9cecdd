/**
 * Collects a build's items in order and applies the grouping rules: one day separator per local day,
 * consecutive membership changes as one notice, message continuation (anything but a message in between
 * ends a group). Items equal to the previous build's are reused. Pure.
 */
import type { MembershipSummary, MessageItem, NoticeItem, PlaceholderItem, ReadMarkerItem, TimelineItem } from './timeline-types.ts';
import { membershipGroups, type MembershipChange } from './timeline-rules.ts';
import { dayOf } from './grouping.ts';
import { sameItem } from './item-equality.ts';

export const READ_MARKER_KEY = 'read-marker';

interface Run {
  readonly key: string;
  readonly eventId: string;
  readonly timestamp: number;
  readonly changes: MembershipChange[];
  readonly eventIds: string[];
}

export class ItemList {
  readonly items: TimelineItem[] = [];
  /** This build's items by key: the next build's previous ones. */
  readonly byKey = new Map<string, TimelineItem>();
  readonly #previous: ReadonlyMap<string, TimelineItem>;
  #dayStart = Infinity;
  #dayEnd = -Infinity;
  #lastMessage: MessageItem | undefined;
  /** Consecutive membership changes waiting to become one notice: any other item ends them. */
  #run: Run | undefined;

  constructor(previous: ReadonlyMap<string, TimelineItem>) {
    this.#previous = previous;
  }

  /** The previous build's message under this key, to be reused when nothing in it changed. */
  previousMessage(key: string): MessageItem | undefined {
    const previous = this.#previous.get(key);
    return previous?.kind === 'message' ? previous : undefined;
  }

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
    this.#keep(day.separator);
  }

  membership(key: string, eventId: string, timestamp: number, change: MembershipChange): void {
    if (this.#run) {
      this.#run.changes.push(change);
      this.#run.eventIds.push(eventId);
    } else this.#run = { key, eventId, timestamp, changes: [change], eventIds: [eventId] };
  }

  /** A notice, placeholder or the read marker: ends a membership run and a message group. */
  other(item: NoticeItem | PlaceholderItem | ReadMarkerItem): void {
    this.endRun();
    this.#keep(item);
  }

  readMarker(): void {
    this.other({ kind: 'read-marker', key: READ_MARKER_KEY });
  }

  /** A message, already reused by its builder when unchanged. */
  message(item: MessageItem): void {
    this.endRun();
    this.byKey.set(item.key, item);
    this.items.push(item);
    this.#lastMessage = item;
  }

  endRun(): void {
    const run = this.#run;
    if (!run) return;
    this.#run = undefined;
    const { key, eventId, timestamp, changes, eventIds } = run;
    const only = changes.length === 1 ? changes[0] : undefined;
    if (only) this.#keep({ kind: 'notice', key, eventId, timestamp, line: only.line });
    else {
      const summary: MembershipSummary = {
        groups: membershipGroups(changes),
        lines: changes.map((c) => c.line),
        names: [...new Set(changes.flatMap((c) => (c.name === null ? [] : [c.name])))],
        eventIds,
      };
      this.#keep({ kind: 'notice', key, eventId, timestamp, summary });
    }
  }

  #keep(item: TimelineItem): void {
    const previous = this.#previous.get(item.key);
    const chosen = previous && sameItem(previous, item) ? previous : item;
    this.byKey.set(chosen.key, chosen);
    this.items.push(chosen);
    this.#lastMessage = undefined;
  }
}
