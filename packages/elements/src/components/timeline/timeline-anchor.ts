import type { TimelineItem } from '@omnisocial/core';
import { frame, type TimelineDom } from './timeline-dom.ts';

interface Anchor {
  readonly key: string;
  /** Distance from the top of the log's viewport to the top of the item. */
  readonly offset: number;
}

/** Within this many pixels of the end, the member is "at the latest message". */
const BOTTOM_SLACK = 48;

/** What scrolling tells the rest of the timeline. */
export interface AnchorEvents {
  /** The latest message is on screen. */
  atLatest(): void;
  /** A scroll ended or moved: older history may be needed. */
  maybePaginate(): void;
}

/**
 * Where the log is scrolled: it starts at the latest message and stays there while new ones arrive
 * (each painted in the frame after it came), unless the member scrolled up; then new messages are
 * counted for "Jump to latest", and the top-visible item is kept where it was when history is inserted
 * above (the virtualizer keeps `scrollTop`, which would move the content): 0 px drift. Programmatic
 * scrolls make the log `aria-busy`, and the member's own input interrupts them.
 */
export class TimelineAnchor {
  readonly #dom: TimelineDom;
  readonly #events: AnchorEvents;
  #atBottom = true;
  #anchor: Anchor | undefined;
  #newWhileAway = 0;
  #lastUserInput = -Infinity;
  /** When the current programmatic scroll began; input after it interrupts it. */
  #adjustStartedAt = 0;
  #adjusting = 0;
  #scrollToken = 0;
  /** The item the virtualizer's layout is pinned to (see `#showLatestNow`). */
  #pinned: { index: number; key: string } | undefined;
  #latestObserver: ResizeObserver | undefined;

  constructor(dom: TimelineDom, events: AnchorEvents) {
    this.#dom = dom;
    this.#events = events;
  }

  /** Whether the view is at the latest message. */
  get atBottom(): boolean {
    return this.#atBottom;
  }

  /** A programmatic scroll is under way. */
  get adjusting(): boolean {
    return this.#adjusting > 0;
  }

  /** Messages that arrived while the member was scrolled up. */
  get newWhileAway(): number {
    return this.#newWhileAway;
  }

  /** The member's wheel, touch, pointer or key. */
  noteUserInput(): void {
    this.#lastUserInput = performance.now();
  }

  /** Something the member asked for (a message to focus) wins over any scroll still in progress. */
  interrupt(): void {
    ++this.#scrollToken;
  }

  /** Measured on the DOM as it is before the new items render. */
  capture(): void {
    this.#anchor = this.#atBottom ? undefined : this.#captureAnchor();
  }

  /** New items in the same timeline: follow the latest, or keep the anchor and count what arrived. */
  itemsChanged(previous: readonly TimelineItem[], items: readonly TimelineItem[]): void {
    const lastKey = previous[previous.length - 1]?.key;
    const appended = lastKey === undefined ? 0 : countAfter(items, lastKey);
    const pinned = this.#pinned;
    if (pinned && items[pinned.index]?.key !== pinned.key) this.#unpin();
    if (this.#atBottom) {
      if (items[items.length - 1]?.key !== lastKey) this.#showLatestNow(items);
      void this.scrollToLatest();
    } else {
      if (appended > 0) {
        this.#newWhileAway += appended;
        this.#dom.host.requestUpdate();
      }
      const anchor = this.#anchor;
      if (anchor) void this.#restoreAnchor(anchor);
    }
  }

  /** Forgets the previous timeline's anchor, pin and count. */
  startOver(): void {
    this.#anchor = undefined;
    this.#newWhileAway = 0;
    this.#latestObserver?.disconnect();
    if (this.#pinned) this.#unpin();
  }

  /**
   * A timeline shown anew opens at its latest message: the layout is pinned there before the virtualizer's first
   * layout, so the tiles it renders and measures first are the latest ones. Unpinned, it would lay out the oldest
   * tiles at the top of the log, measure them in the next frame, and reach the latest only after the scroll.
   */
  openAtLatest(items: readonly TimelineItem[]): void {
    this.#showLatestNow(items);
  }

  /** Scrolls to the latest message and keeps the view there while the virtualizer measures. */
  async scrollToLatest(focusLog = false): Promise<void> {
    const token = ++this.#scrollToken;
    // Rendered again only for what changes here ("Jump to latest" goes): a local echo at the latest
    // message costs no second render of the whole view in its frame.
    const changed = !this.#atBottom || this.#newWhileAway !== 0;
    this.#atBottom = true;
    this.#newWhileAway = 0;
    if (changed) this.#dom.host.requestUpdate();
    await this.#dom.host.updateComplete;
    this.#beginAdjusting();
    try {
      let stable = 0;
      for (let i = 0; i < 60 && stable < 4; i++) {
        await this.#dom.layoutSettled();
        const log = this.#dom.log;
        if (!log || token !== this.#scrollToken) return;
        const max = log.scrollHeight - log.clientHeight;
        if (Math.abs(log.scrollTop - max) < 1) stable += 1;
        else {
          stable = 0;
          log.scrollTop = max;
        }
        await frame();
      }
    } finally {
      this.#endAdjusting();
      // Interrupted by the member's scroll, which asked for older messages while this ran and was refused:
      // at the top of the log no later scroll event comes to ask again, so it is asked here.
      if (token !== this.#scrollToken) requestAnimationFrame(() => this.#events.maybePaginate());
    }
    if (focusLog) this.#dom.log?.focus();
    this.#events.atLatest();
    this.#events.maybePaginate();
  }

  onScroll(): void {
    const log = this.#dom.log;
    if (!log) return;
    if (this.#adjusting > 0) {
      // The virtualizer corrects scrollTop itself while it measures; only the member's own input
      // (wheel, touch, keys, scrollbar) interrupts a programmatic scroll.
      if (this.#lastUserInput <= this.#adjustStartedAt) return;
      this.#scrollToken += 1;
    }
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < BOTTOM_SLACK;
    if (atBottom !== this.#atBottom) {
      this.#atBottom = atBottom;
      if (atBottom) this.#newWhileAway = 0;
      this.#dom.host.requestUpdate();
    }
    if (atBottom) this.#events.atLatest();
    this.#events.maybePaginate();
  }

  /**
   * Lays out the latest item and scrolls to it in this task, so the next frame paints it (a local echo
   * within one frame). The virtualize directive hands new items to the virtualizer a few microtasks
   * later and the virtualizer then places a new last item only after measuring it; instead the items
   * are given now and the layout is pinned to the last one (block end), which keeps it at the bottom
   * through the measurement that follows in the same frame. The member's next scroll unpins it.
   */
  #showLatestNow(items: readonly TimelineItem[]): void {
    const virtualizer = this.#dom.virtualizer;
    const last = items[items.length - 1];
    // A last item already on screen (a remote echo, a reaction) is kept in place by the pinned layout
    // and `scrollToLatest()`; scrolling here would force a layout in the middle of the update.
    if (!virtualizer || !last || this.#dom.findElement(last.key)) return;
    virtualizer.items = items as TimelineItem[];
    virtualizer.element(items.length - 1)?.scrollIntoView({ block: 'end' });
    this.#pinned = { index: items.length - 1, key: last.key };
    // The virtualizer measures the new tile in the next frame (ResizeObserver) and re-pins, but clamps
    // to the scroll height from before its spacer grew; a tile taller than estimated would end below the
    // fold until a later frame. An observer of our own, created after the virtualizer's so that it runs
    // after it (and its microtasks) in the same frame, finishes the scroll before that frame paints.
    this.#latestObserver?.disconnect();
    const observer = new ResizeObserver(() => {
      observer.disconnect();
      const log = this.#dom.log;
      if (log && this.#atBottom) log.scrollTop = log.scrollHeight;
    });
    this.#latestObserver = observer;
    requestAnimationFrame(() => {
      const tile = this.#dom.findElement(last.key);
      if (tile) observer.observe(tile);
      else observer.disconnect();
    });
  }

  /**
   * The pin is by index: once items are inserted above (history) or removed, it would hold a different
   * item in place, so it is released; `scrollToLatest()` or the anchor restore takes over. The
   * virtualizer has no public unpin (the member's own scroll unpins it), hence its layout's method.
   */
  #unpin(): void {
    this.#pinned = undefined;
    const layout = (this.#dom.virtualizer as unknown as { _layout?: { unpin?: () => void } } | undefined)?._layout;
    layout?.unpin?.();
  }

  #captureAnchor(): Anchor | undefined {
    const log = this.#dom.log;
    if (!log) return undefined;
    const { top, bottom } = log.getBoundingClientRect();
    let best: Anchor | undefined;
    let bestBottom = Infinity;
    for (const child of log.children) {
      if (!(child instanceof HTMLElement)) continue;
      const key = child.dataset['key'];
      if (!key) continue;
      const rect = child.getBoundingClientRect();
      // Only what the member sees: tiles the virtualizer has not moved yet after a scroll can sit
      // outside the view, and restoring one of them would fight the virtualizer's own placement.
      if (rect.height === 0 || rect.bottom <= top + 1 || rect.top >= bottom - 1) continue;
      if (rect.bottom < bestBottom) {
        bestBottom = rect.bottom;
        best = { key, offset: rect.top - top };
      }
    }
    return best;
  }

  /** Programmatic scrolling starts: the log is aria-busy until it ends, which also tells tests when it is still. */
  #beginAdjusting(): void {
    this.#adjusting += 1;
    this.#adjustStartedAt = performance.now();
    // Set on the log itself rather than by rendering the whole view again in the frame of a local echo;
    // the template's binding reads `adjusting` too, so the next render agrees with it.
    if (this.#adjusting === 1) this.#dom.log?.setAttribute('aria-busy', 'true');
  }

  #endAdjusting(): void {
    this.#adjusting -= 1;
    if (this.#adjusting > 0) return;
    if (this.#dom.view?.paginating !== true) this.#dom.log?.setAttribute('aria-busy', 'false');
    this.#dom.host.requestUpdate();
  }

  /** Scrolls until the anchor item sits where it was before the update; stops once still for 3 frames. */
  async #restoreAnchor(anchor: Anchor): Promise<void> {
    const token = ++this.#scrollToken;
    this.#beginAdjusting();
    try {
      let stable = 0;
      for (let i = 0; i < 60 && stable < 3; i++) {
        // Once still, a frame is enough to see the virtualizer move it again; `layoutComplete` only
        // resolves after a layout, so with none pending each check would wait out the 100 ms timeout,
        // and the next page of history waits for this restore to end.
        if (stable === 0) await this.#dom.layoutSettled();
        const log = this.#dom.log;
        const view = this.#dom.view;
        if (!log || !view || token !== this.#scrollToken) return;
        const element = this.#dom.findElement(anchor.key);
        if (!element) {
          const index = view.items.findIndex((item) => item.key === anchor.key);
          if (index < 0) return;
          this.#dom.virtualizer?.element(index)?.scrollIntoView({ block: 'start' });
          stable = 0;
        } else {
          const drift = element.getBoundingClientRect().top - log.getBoundingClientRect().top - anchor.offset;
          if (Math.abs(drift) < 0.5) stable += 1;
          else {
            stable = 0;
            log.scrollTop += drift;
          }
        }
        await frame();
      }
    } finally {
      this.#endAdjusting();
      // A scroll to the top that arrived while settling asked for older messages: honour it now.
      requestAnimationFrame(() => this.#events.maybePaginate());
    }
  }
}

function countAfter(items: readonly TimelineItem[], key: string): number {
  for (let i = items.length - 1, n = 0; i >= 0; i--, n++) {
    const item = items[i];
    if (item?.key === key) return items.slice(i + 1).filter((it) => it.kind === 'message').length;
    if (n > 500) break;
  }
  return 0;
}
