import type { TimelineDom } from './timeline-dom.ts';

/** Start loading older history this close to the top. */
const PAGINATE_THRESHOLD = 400;
/** Pages of history loaded at most while looking for a message to jump to. */
const JUMP_PAGES = 20;

/**
 * Older history: loaded when the member scrolls near the top (never during a programmatic scroll, whose
 * end asks again), and page after page while a message to jump to (a reply's quote) is not loaded yet.
 */
export class TimelinePagination {
  readonly #dom: TimelineDom;
  /** A programmatic scroll is under way. */
  readonly #scrolling: () => boolean;
  /** Moves focus to a found message. */
  readonly #focus: (key: string) => void;
  #paginating = false;
  #pendingJump: { eventId: string; attempts: number } | undefined;

  constructor(dom: TimelineDom, scrolling: () => boolean, focus: (key: string) => void) {
    this.#dom = dom;
    this.#scrolling = scrolling;
    this.#focus = focus;
  }

  maybePaginate(): void {
    const log = this.#dom.log;
    const view = this.#dom.view;
    if (!log || !view || !view.hasMoreBefore || view.paginating || this.#paginating || this.#scrolling()) return;
    if (log.scrollTop > PAGINATE_THRESHOLD) return;
    void this.#paginate();
  }

  /** Scrolls to the message with this event id, loading older history until it is found. */
  jumpTo(eventId: string): void {
    this.#pendingJump = { eventId, attempts: 0 };
    this.continueJump();
  }

  /** Another timeline: a jump in the previous one is dropped. */
  startOver(): void {
    this.#pendingJump = undefined;
  }

  continueJump(): void {
    const jump = this.#pendingJump;
    const view = this.#dom.view;
    if (!jump || !view) return;
    const index = view.items.findIndex((item) => item.kind === 'message' && item.eventId === jump.eventId);
    if (index >= 0) {
      this.#pendingJump = undefined;
      const item = view.items[index];
      if (item) this.#focus(item.key);
      return;
    }
    if (!view.hasMoreBefore || jump.attempts >= JUMP_PAGES) {
      this.#pendingJump = undefined;
      return;
    }
    if (this.#paginating || view.paginating) return;
    jump.attempts += 1;
    void this.#paginate();
  }

  async #paginate(): Promise<void> {
    this.#paginating = true;
    try {
      await this.#dom.actions().paginateBackwards();
    } catch {
      // The room model reports pagination errors in its snapshot.
    } finally {
      this.#paginating = false;
    }
    await this.#dom.host.updateComplete;
    this.continueJump();
  }
}
