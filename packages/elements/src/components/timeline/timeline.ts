import { html, nothing, type LitElement, type ReactiveController, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { virtualize, virtualizerRef, type VirtualizerHostElement } from '@lit-labs/virtualizer/virtualize.js';
import type { MemberInfo, MessageItem, TimelineItem } from '@omnisocial/core';
import { keyedFlow } from './keyed-flow.ts';
import {
  listNames,
  renderMessageTile,
  renderNotice,
  type LoadMedia,
  type MessageAction,
  type TileMenu,
} from '../message-tile/message-tile.ts';

/** What the timeline shows: a plain slice of `RoomSnapshot`, so it renders without a homeserver. */
export interface TimelineView {
  /** Accessible name of the log, e.g. "Messages in Lobby". */
  readonly label: string;
  /** Oldest first. */
  readonly items: readonly TimelineItem[];
  readonly hasMoreBefore: boolean;
  readonly paginating: boolean;
  readonly typing: readonly MemberInfo[];
  readonly unreadCount: number;
}

/** Commands the timeline gives; the host forwards them to the room (or a test records them). */
export interface TimelineActions {
  paginateBackwards(): Promise<unknown>;
  toggleReaction(eventId: string, key: string): void;
  reply(message: MessageItem): void;
  edit(message: MessageItem): void;
  redact(message: MessageItem): void;
  retry(key: string): void;
  cancel(key: string): void;
  markRead(eventId: string): void;
  /** Avatars and attachments through authenticated media (blob URLs); without it tiles show fallbacks. */
  loadMedia?: LoadMedia;
}

interface Anchor {
  readonly key: string;
  /** Distance from the top of the log's viewport to the top of the item. */
  readonly offset: number;
}

/** Within this many pixels of the end, the member is "at the latest message". */
const BOTTOM_SLACK = 48;
/** Start loading older history this close to the top. */
const PAGINATE_THRESHOLD = 400;
const PAGE_STEP = 10;
/** Announcements kept in the live region; older ones are removed (removals are not announced). */
const ANNOUNCEMENTS_KEPT = 3;
/** Longer announcements are cut here: the tile itself holds the whole message. */
const ANNOUNCEMENT_LENGTH = 140;

const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

const frame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => resolve()));

/** "Alice is typing…", "Alice and Bob are typing…", "Alice, Bob and 2 others are typing…". */
export function typingText(typing: readonly MemberInfo[]): string {
  const names = typing.map((m) => m.displayName);
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0] ?? ''} is typing…`;
  if (names.length <= 3) return `${listNames(names)} are typing…`;
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} others are typing…`;
}

/**
 * The room's timeline: a virtualised (@lit-labs/virtualizer), bottom-anchored `role="log"` rendered
 * into its host's shadow root (so the host's `[role="log"] article` is reachable and styled there).
 *
 * - Starts at the latest message; new messages keep the view at the bottom only when it was there,
 *   otherwise a "Jump to latest" button counts them.
 * - Scrolling near the top calls `paginateBackwards()`. The virtualizer keeps `scrollTop` when items
 *   are prepended, which would move the content; this controller measures the top-visible item before
 *   each update and scrolls until it is back at the same offset (0 px drift).
 * - Screen readers: the log is `aria-live="off"`, because the virtualizer re-mounts tiles while
 *   scrolling and history is inserted above; a separate visually-hidden polite region receives one
 *   "Sender: message" line per new incoming message instead.
 * - Keyboard: the log is focusable; Up/Down/Home/End/PageUp/PageDown move a roving tabindex between
 *   messages; on a message, `R` replies, `E` edits, `+` opens reactions, `Delete` asks to delete.
 */
export class TimelineController implements ReactiveController {
  readonly #host: LitElement;
  readonly #actions: () => TimelineActions;
  #view: TimelineView | undefined;
  #renderedItems: readonly TimelineItem[] = [];
  #atBottom = true;
  #anchor: Anchor | undefined;
  #activeKey: string | undefined;
  /** The message under the pointer, which shows its actions menu. */
  #hoverKey: string | undefined;
  #menu: { key: string; menu: TileMenu } | undefined;
  /** Long messages the member opened with "Show more". */
  readonly #expanded = new Set<string>();
  /** The latest message that has read receipts: the only one that shows them. */
  #receiptsKey: string | undefined;
  #newWhileAway = 0;
  #lastUserInput = -Infinity;
  /** When the current programmatic scroll began; input after it interrupts it. */
  #adjustStartedAt = 0;
  #paginating = false;
  #adjusting = 0;
  #scrollToken = 0;
  #pendingJump: { eventId: string; attempts: number } | undefined;
  #lastMarkedRead: string | undefined;
  readonly #tiles = new WeakMap<TimelineItem, { state: string; tile: TemplateResult }>();
  /** The item the virtualizer's layout is pinned to (see `#showLatestNow`). */
  #pinned: { index: number; key: string } | undefined;
  #latestObserver: ResizeObserver | undefined;
  #sizeObserver: ResizeObserver | undefined;
  /** The log element the items were last rendered into (a new one after a loading state). */
  #renderedLog: HTMLElement | null = null;
  #announcements: Array<{ id: number; text: string }> = [];
  /** The items the announcements were last computed from. */
  #announcedItems: readonly TimelineItem[] = [];
  #announced = 0;

  readonly #onPointerOverHandler = (event: PointerEvent): void => {
    const key = (event.target as HTMLElement).closest<HTMLElement>('article[data-key]')?.dataset['key'];
    if (key && key !== this.#hoverKey) {
      this.#hoverKey = key;
      this.#host.requestUpdate();
    }
  };

  readonly #onUserInputHandler = (): void => {
    this.#lastUserInput = performance.now();
  };

  readonly #onScrollHandler = (): void => {
    this.#onScroll();
  };

  readonly #onKeydownHandler = (event: KeyboardEvent): void => {
    this.#onKeydown(event);
  };

  readonly #onFocusInHandler = (event: FocusEvent): void => {
    this.#onFocusIn(event);
  };

  constructor(host: LitElement, actions: () => TimelineActions) {
    this.#host = host;
    this.#actions = actions;
    host.addController(this);
  }

  /** Whether the view is at the latest message. */
  get atBottom(): boolean {
    return this.#atBottom;
  }

  get log(): HTMLElement | null {
    return this.#host.renderRoot.querySelector<HTMLElement>('.log');
  }

  hostDisconnected(): void {
    this.#sizeObserver?.disconnect();
    this.#renderedLog = null;
  }

  /**
   * A member at the latest message stays there when the log changes size (a phone turned, a window
   * resized, the composer growing): the tiles re-wrap, and without this the view would be left
   * somewhere above the end, behind "Jump to latest".
   */
  #observeSize(log: HTMLElement | null): void {
    this.#sizeObserver?.disconnect();
    if (!log) return;
    let size = '';
    this.#sizeObserver = new ResizeObserver(([entry]) => {
      const box = entry?.contentRect;
      const next = box ? `${String(Math.round(box.width))}x${String(Math.round(box.height))}` : '';
      const changed = size !== '' && next !== size;
      size = next;
      if (!changed || !this.#atBottom) return;
      // Shown again (a launcher's panel opened): what is on screen is read now, not once the scroll
      // settles, which a panel closed at once would never reach.
      this.#markRead();
      void this.scrollToLatest();
    });
    this.#sizeObserver.observe(log);
  }

  hostUpdate(): void {
    // Measured on the DOM as it is before the new items render.
    this.#anchor = this.#atBottom ? undefined : this.#captureAnchor();
  }

  hostUpdated(): void {
    const view = this.#view;
    if (!view) return;
    const previous = this.#renderedItems;
    const items = view.items;
    if (previous === items) return;
    this.#renderedItems = items;
    const log = this.log;
    const newLog = log !== this.#renderedLog;
    this.#renderedLog = log;
    if (newLog) this.#observeSize(log);
    if (items.length > 0 && (previous.length === 0 || newLog || !sharesItems(previous, items))) {
      // Another room (the host's `room` changed) or a log shown anew: it opens at its latest message,
      // whatever the member was doing in the one before.
      this.#startOver();
      void this.scrollToLatest();
      return;
    }
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
        this.#host.requestUpdate();
      }
      const anchor = this.#anchor;
      if (anchor) void this.#restoreAnchor(anchor);
    }
    this.#continueJump();
  }

  /** Renders the log, the "Jump to latest" button and the typing line. */
  render(view: TimelineView): TemplateResult {
    this.#view = view;
    if (view.items !== this.#announcedItems) {
      // Worked out while rendering, so the region's new line goes out in this same update.
      const lastKey = this.#announcedItems[this.#announcedItems.length - 1]?.key;
      this.#announcedItems = view.items;
      if (lastKey !== undefined) this.#announce(messagesAfter(view.items, lastKey));
    }
    const items = view.items as TimelineItem[];
    this.#receiptsKey = latestWithReceipts(items);
    const unseen = Math.max(this.#newWhileAway, this.#atBottom ? 0 : view.unreadCount);
    return html`
      <div class="timeline" part="timeline-container">
        <div
          class="log"
          part="timeline log"
          role="log"
          aria-live="off"
          aria-label=${view.label}
          aria-busy=${view.paginating || this.#adjusting > 0 ? 'true' : 'false'}
          tabindex="0"
          @scroll=${this.#onScrollHandler}
          @keydown=${this.#onKeydownHandler}
          @focusin=${this.#onFocusInHandler}
          @pointerover=${this.#onPointerOverHandler}
          @wheel=${this.#onUserInputHandler}
          @touchmove=${this.#onUserInputHandler}
          @pointerdown=${this.#onUserInputHandler}
        >
          ${virtualize({
            items,
            // The virtualizer can ask for an index just past a list that shrank in the same frame (a
            // "new messages" line removed while a burst arrives): such a slot renders nothing.
            keyFunction: (item: TimelineItem | undefined, index: number) => item?.key ?? `gone:${String(index)}`,
            renderItem: (item: TimelineItem | undefined) => (item ? this.#renderItem(item) : html``),
            scroller: true,
            // Static, so the layout is not a lazy chunk of its own; keyed, so sizes follow items that move.
            layout: keyedFlow(),
          })}
        </div>
        ${view.paginating ? html`<p class="loading" part="loading" role="status">Loading older messages…</p>` : nothing}
        ${
          this.#atBottom
            ? nothing
            : html`<button type="button" class="jump" part="jump-to-latest" @click=${() => void this.scrollToLatest(true)}>
                Jump to latest${unseen > 0 ? html` <span class="count">(${unseen} new)</span>` : nothing}
              </button>`
        }
        <p class="typing" part="typing" aria-live="polite">${typingText(view.typing)}</p>
        <div class="announcer visually-hidden" aria-live="polite" aria-relevant="additions">
          ${repeat(
            this.#announcements,
            (announcement) => announcement.id,
            (announcement) => html`<p>${announcement.text}</p>`,
          )}
        </div>
      </div>
    `;
  }

  #renderItem(item: TimelineItem): TemplateResult {
    switch (item.kind) {
      case 'message': {
        // The virtualizer re-renders every tile in its range on each update (a send, an echo, a scroll
        // step). Items are immutable and keep their identity while unchanged, so a tile's template is
        // reused until the item or its focus/hover/menu state changes.
        const active = item.key === this.#activeKey;
        const showActions = active || item.key === this.#hoverKey;
        const menu = this.#menu?.key === item.key ? this.#menu.menu : 'none';
        const expanded = this.#expanded.has(item.key);
        const receipts = item.key === this.#receiptsKey;
        const state = `${String(active)} ${String(showActions)} ${menu} ${String(expanded)} ${String(receipts)}`;
        const cached = this.#tiles.get(item);
        if (cached?.state === state) return cached.tile;
        const tile = renderMessageTile(item, {
          active,
          showActions,
          menu,
          expanded,
          showReceipts: receipts,
          onAction: (action) => this.#onAction(action),
          loadMedia: this.#actions().loadMedia,
        });
        this.#tiles.set(item, { state, tile });
        return tile;
      }
      case 'day':
        return html`<div class="day" part="day-separator" data-key=${item.key}>
          <span>${dayFormat.format(item.timestamp)}</span>
        </div>`;
      case 'read-marker':
        return html`<div class="read-marker" part="read-marker" data-key=${item.key}><span>New messages</span></div>`;
      case 'notice':
        return renderNotice(item);
      case 'placeholder':
        return html`<p class="line placeholder" part="placeholder" data-key=${item.key}>${item.text}</p>`;
    }
  }

  /** Scrolls to the latest message and keeps the view there while the virtualizer measures. */
  async scrollToLatest(focusLog = false): Promise<void> {
    const token = ++this.#scrollToken;
    this.#atBottom = true;
    this.#newWhileAway = 0;
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    this.#beginAdjusting();
    try {
      let stable = 0;
      for (let i = 0; i < 60 && stable < 4; i++) {
        await this.#layoutSettled();
        const log = this.log;
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
    }
    if (focusLog) this.log?.focus();
    this.#markRead();
    this.#maybePaginate();
  }

  /**
   * Queues "Sender: body" for each new message from someone else. Only messages appended after the
   * previous latest one count: history loaded above, tiles the virtualizer re-mounts while scrolling,
   * the member's own messages and their remote echoes are not news.
   */
  #announce(messages: readonly MessageItem[]): void {
    const incoming = messages.filter((message) => !message.own && !message.redacted);
    if (incoming.length === 0) return;
    for (const message of incoming) {
      const text = `${message.sender.displayName}: ${message.body.replace(/\s+/g, ' ').trim()}`;
      this.#announcements.push({
        id: ++this.#announced,
        text: text.length > ANNOUNCEMENT_LENGTH ? `${text.slice(0, ANNOUNCEMENT_LENGTH - 1)}…` : text,
      });
    }
    this.#announcements = this.#announcements.slice(-ANNOUNCEMENTS_KEPT);
  }

  /**
   * Lays out the latest item and scrolls to it in this task, so the next frame paints it (a local echo
   * within one frame). The virtualize directive hands new items to the virtualizer a few microtasks
   * later and the virtualizer then places a new last item only after measuring it; instead the items
   * are given now and the layout is pinned to the last one (block end), which keeps it at the bottom
   * through the measurement that follows in the same frame. The member's next scroll unpins it.
   */
  #showLatestNow(items: readonly TimelineItem[]): void {
    const virtualizer = this.#virtualizer;
    const last = items[items.length - 1];
    // A last item already on screen (a remote echo, a reaction) is kept in place by the pinned layout
    // and `scrollToLatest()`; scrolling here would force a layout in the middle of the update.
    if (!virtualizer || !last || this.#findElement(last.key)) return;
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
      const log = this.log;
      if (log && this.#atBottom) log.scrollTop = log.scrollHeight;
    });
    this.#latestObserver = observer;
    requestAnimationFrame(() => {
      const tile = this.#findElement(last.key);
      if (tile) observer.observe(tile);
      else observer.disconnect();
    });
  }

  /** Forgets what belonged to the previous timeline: its anchor, pin, jump, menus and opened messages. */
  #startOver(): void {
    this.#anchor = undefined;
    this.#pendingJump = undefined;
    this.#menu = undefined;
    this.#hoverKey = undefined;
    this.#activeKey = undefined;
    this.#expanded.clear();
    this.#newWhileAway = 0;
    this.#latestObserver?.disconnect();
    if (this.#pinned) this.#unpin();
  }

  /**
   * The pin is by index: once items are inserted above (history) or removed, it would hold a different
   * item in place, so it is released; `scrollToLatest()` or the anchor restore takes over. The
   * virtualizer has no public unpin (the member's own scroll unpins it), hence its layout's method.
   */
  #unpin(): void {
    this.#pinned = undefined;
    const layout = (this.#virtualizer as unknown as { _layout?: { unpin?: () => void } } | undefined)?._layout;
    layout?.unpin?.();
  }

  /** Scrolls to the message with this event id, loading older history until it is found. */
  jumpTo(eventId: string): void {
    this.#pendingJump = { eventId, attempts: 0 };
    this.#continueJump();
  }

  #continueJump(): void {
    const jump = this.#pendingJump;
    const view = this.#view;
    if (!jump || !view) return;
    const index = view.items.findIndex((item) => item.kind === 'message' && item.eventId === jump.eventId);
    if (index >= 0) {
      this.#pendingJump = undefined;
      const item = view.items[index];
      if (item) void this.#focusItem(item.key, 'center');
      return;
    }
    if (!view.hasMoreBefore || jump.attempts >= 20) {
      this.#pendingJump = undefined;
      return;
    }
    if (this.#paginating || view.paginating) return;
    jump.attempts += 1;
    void this.#paginate();
  }

  #captureAnchor(): Anchor | undefined {
    const log = this.log;
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

  #findElement(key: string): HTMLElement | undefined {
    const log = this.log;
    if (!log) return undefined;
    for (const child of log.children) {
      if (child instanceof HTMLElement && child.dataset['key'] === key) return child;
    }
    return undefined;
  }

  /** Resolves when the virtualizer has measured and placed its items (or after 100 ms). */
  async #layoutSettled(): Promise<void> {
    const layout = this.#virtualizer?.layoutComplete;
    if (!layout) return;
    await Promise.race([layout.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 100))]);
  }

  get #virtualizer(): VirtualizerHostElement[typeof virtualizerRef] {
    const log: VirtualizerHostElement | null = this.log;
    return log?.[virtualizerRef];
  }

  /** Programmatic scrolling starts: the log is aria-busy until it ends, which also tells tests when it is still. */
  #beginAdjusting(): void {
    this.#adjusting += 1;
    this.#adjustStartedAt = performance.now();
    if (this.#adjusting === 1) this.#host.requestUpdate();
  }

  #endAdjusting(): void {
    this.#adjusting -= 1;
    if (this.#adjusting === 0) this.#host.requestUpdate();
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
        if (stable === 0) await this.#layoutSettled();
        const log = this.log;
        const view = this.#view;
        if (!log || !view || token !== this.#scrollToken) return;
        const element = this.#findElement(anchor.key);
        if (!element) {
          const index = view.items.findIndex((item) => item.key === anchor.key);
          if (index < 0) return;
          this.#virtualizer?.element(index)?.scrollIntoView({ block: 'start' });
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
      requestAnimationFrame(() => this.#maybePaginate());
    }
  }

  #onScroll(): void {
    const log = this.log;
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
      this.#host.requestUpdate();
    }
    if (atBottom) this.#markRead();
    this.#maybePaginate();
  }

  #maybePaginate(): void {
    const log = this.log;
    const view = this.#view;
    if (!log || !view || !view.hasMoreBefore || view.paginating || this.#paginating || this.#adjusting > 0) return;
    if (log.scrollTop > PAGINATE_THRESHOLD) return;
    void this.#paginate();
  }

  async #paginate(): Promise<void> {
    this.#paginating = true;
    try {
      await this.#actions().paginateBackwards();
    } catch {
      // The room model reports pagination errors in its snapshot.
    } finally {
      this.#paginating = false;
    }
    await this.#host.updateComplete;
    this.#continueJump();
  }

  #markRead(): void {
    const items = this.#view?.items ?? [];
    // Nobody reads a log that is not rendered (a launcher's closed panel, a hidden element).
    if (document.visibilityState === 'hidden' || this.log?.checkVisibility() === false) return;
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (item?.kind !== 'message' || !item.eventId) continue;
      if (item.eventId !== this.#lastMarkedRead) {
        this.#lastMarkedRead = item.eventId;
        if (!item.own) this.#actions().markRead(item.eventId);
      }
      return;
    }
  }

  #messageIndices(): number[] {
    const indices: number[] = [];
    this.#view?.items.forEach((item, index) => {
      if (item.kind === 'message') indices.push(index);
    });
    return indices;
  }

  #onFocusIn(event: FocusEvent): void {
    const article = (event.target as HTMLElement).closest<HTMLElement>('article[data-key]');
    const key = article?.dataset['key'];
    if (key && key !== this.#activeKey) {
      this.#activeKey = key;
      this.#host.requestUpdate();
    }
  }

  #onKeydown(event: KeyboardEvent): void {
    this.#lastUserInput = performance.now();
    const view = this.#view;
    if (!view || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target as HTMLElement;
    const article = target.closest<HTMLElement>('article[data-key]');
    if (event.key === 'Escape' && this.#menu) {
      const key = this.#menu.key;
      this.#menu = undefined;
      event.preventDefault();
      void this.#focusItem(key);
      return;
    }
    // Inside a message's buttons, arrows and letters belong to the buttons.
    if (target.tagName === 'BUTTON') return;
    const indices = this.#messageIndices();
    if (indices.length === 0) return;
    const currentKey = article?.dataset['key'] ?? this.#activeKey;
    const currentPosition = currentKey ? indices.findIndex((i) => view.items[i]?.key === currentKey) : -1;
    const last = indices.length - 1;
    const from = currentPosition < 0 ? last : currentPosition;
    let next: number | undefined;
    switch (event.key) {
      case 'ArrowUp':
        next = article ? Math.max(0, from - 1) : from;
        break;
      case 'ArrowDown':
        next = article ? Math.min(last, from + 1) : from;
        break;
      case 'PageUp':
        next = Math.max(0, from - PAGE_STEP);
        break;
      case 'PageDown':
        next = Math.min(last, from + PAGE_STEP);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = last;
        break;
    }
    if (next !== undefined) {
      event.preventDefault();
      const item = view.items[indices[next] ?? -1];
      if (item) void this.#focusItem(item.key);
      if (next === 0 && (event.key === 'Home' || event.key === 'ArrowUp' || event.key === 'PageUp')) this.#maybePaginate();
      return;
    }
    if (!article) return;
    const message = view.items.find((item): item is MessageItem => item.kind === 'message' && item.key === article.dataset['key']);
    if (!message || message.redacted || message.undecryptable || !message.eventId) return;
    const key = event.key.toLowerCase();
    if (key === 'r') this.#onAction({ type: 'reply', message });
    else if (key === 'e' && message.own) this.#onAction({ type: 'edit', message });
    else if ((event.key === 'Delete' || event.key === 'Backspace') && message.own) this.#onAction({ type: 'confirm-delete', message });
    else if (event.key === '+' || event.key === 'Enter') this.#onAction({ type: 'react-menu', message });
    else return;
    event.preventDefault();
  }

  /** Moves the roving tabindex to an item, scrolling it into view (and rendering it) first. */
  async #focusItem(key: string, block: ScrollLogicalPosition = 'nearest'): Promise<void> {
    // Moving to a message wins over any re-anchoring still in progress.
    ++this.#scrollToken;
    this.#activeKey = key;
    this.#host.requestUpdate();
    const index = this.#view?.items.findIndex((item) => item.key === key) ?? -1;
    let element = this.#findElement(key);
    if (!element && index >= 0) {
      this.#virtualizer?.element(index)?.scrollIntoView({ block });
      for (let i = 0; i < 60 && !element; i++) {
        await frame();
        element = this.#findElement(key);
      }
    }
    await this.#host.updateComplete;
    element = this.#findElement(key);
    if (!element) return;
    element.scrollIntoView({ block });
    element.focus({ preventScroll: true });
  }

  /**
   * After "Show more" or "Show less" the tile changes height: its button stays under the member's
   * pointer or focus, scrolled into view if the change moved it out.
   */
  async #keepInView(key: string): Promise<void> {
    ++this.#scrollToken;
    await this.#host.updateComplete;
    await this.#layoutSettled();
    const button = this.#findElement(key)?.querySelector<HTMLElement>('.more');
    if (!button) return;
    button.scrollIntoView({ block: 'nearest' });
    button.focus({ preventScroll: true });
  }

  async #focusMenu(key: string): Promise<void> {
    await this.#host.updateComplete;
    this.#findElement(key)?.querySelector<HTMLElement>('.actions.open button')?.focus();
  }

  #onAction(action: MessageAction): void {
    const actions = this.#actions();
    const { message } = action;
    switch (action.type) {
      case 'react-menu':
      case 'confirm-delete':
        this.#menu = { key: message.key, menu: action.type === 'react-menu' ? 'react' : 'confirm-delete' };
        this.#activeKey = message.key;
        this.#host.requestUpdate();
        void this.#focusMenu(message.key);
        return;
      case 'close-menu':
        this.#menu = undefined;
        void this.#focusItem(message.key);
        return;
      case 'react':
        this.#menu = undefined;
        if (message.eventId) actions.toggleReaction(message.eventId, action.key);
        void this.#focusItem(message.key);
        return;
      case 'delete':
        this.#menu = undefined;
        actions.redact(message);
        void this.#focusItem(message.key);
        return;
      case 'reply':
        actions.reply(message);
        return;
      case 'edit':
        actions.edit(message);
        return;
      case 'retry':
        actions.retry(message.key);
        return;
      case 'cancel':
        actions.cancel(message.key);
        return;
      case 'jump':
        this.jumpTo(action.eventId);
        return;
      case 'toggle-expanded':
        if (!this.#expanded.delete(message.key)) this.#expanded.add(message.key);
        this.#activeKey = message.key;
        this.#host.requestUpdate();
        void this.#keepInView(message.key);
        return;
    }
  }
}

/** Whether two item lists share an item: false when the host shows another room. */
function sharesItems(previous: readonly TimelineItem[], items: readonly TimelineItem[]): boolean {
  // New messages, echoes, reactions and older history all keep the previous latest item near the end.
  const last = previous[previous.length - 1]?.key;
  for (let i = items.length - 1, n = 0; i >= 0 && n < 100; i--, n++) if (items[i]?.key === last) return true;
  const keys = new Set(items.map((item) => item.key));
  return previous.some((item) => keys.has(item.key));
}

/** The key of the latest message that has read receipts. */
function latestWithReceipts(items: readonly TimelineItem[]): string | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item?.kind === 'message' && item.readBy.length > 0) return item.key;
  }
  return undefined;
}

/** The messages after the item with this key (none when it is no longer there). */
function messagesAfter(items: readonly TimelineItem[], key: string): MessageItem[] {
  for (let i = items.length - 1, n = 0; i >= 0 && n <= 500; i--, n++) {
    if (items[i]?.key === key) return items.slice(i + 1).filter((item): item is MessageItem => item.kind === 'message');
  }
  return [];
}

function countAfter(items: readonly TimelineItem[], key: string): number {
  for (let i = items.length - 1, n = 0; i >= 0; i--, n++) {
    const item = items[i];
    if (item?.key === key) return items.slice(i + 1).filter((it) => it.kind === 'message').length;
    if (n > 500) break;
  }
  return 0;
}
