import type { TimelineDom } from './timeline-dom.ts';

/** Moves the member's read marker to the latest message on screen, once per message. */
export class TimelineReadMarker {
  readonly #dom: TimelineDom;
  #lastMarkedRead: string | undefined;

  constructor(dom: TimelineDom) {
    this.#dom = dom;
  }

  markRead(): void {
    const items = this.#dom.view?.items ?? [];
    // Nobody reads a log that is not rendered (a launcher's closed panel, a hidden element).
    if (document.visibilityState === 'hidden' || this.#dom.log?.checkVisibility() === false) return;
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (item?.kind !== 'message' || !item.eventId) continue;
      if (item.eventId !== this.#lastMarkedRead) {
        this.#lastMarkedRead = item.eventId;
        if (!item.own) this.#dom.actions().markRead(item.eventId);
      }
      return;
    }
  }
}
