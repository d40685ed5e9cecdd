import { msg, str } from '@lit/localize';
import { activeLocale } from '../../i18n/active-locale.ts';
import { formatDay } from '../../i18n/format.ts';
import { formatCount, plural } from '../../i18n/plural.ts';
import { html, nothing, type LitElement, type ReactiveController, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { virtualize } from '@lit-labs/virtualizer/virtualize.js';
import type { MemberInfo, MessageItem, RoomMember, TimelineItem } from '@omnisocial/core';
import { compactKeyedFlow, keyedFlow } from './keyed-flow.ts';
import {
  listNames,
  renderMessageTile,
  renderNotice,
  type LinkPreviewSource,
  type TileMenu,
  type TileModeration,
} from '../message-tile/message-tile.ts';
import { placeholderText } from '../message-tile/notice-line.ts';
import { TimelineAnchor } from './timeline-anchor.ts';
import { TimelineAnnouncer } from './timeline-announcer.ts';
import { TimelineDom, type TimelineActions, type TimelineView } from './timeline-dom.ts';
import { TimelineKeyboard } from './timeline-keyboard.ts';
import { TimelineMenus } from './timeline-menus.ts';
import { TimelinePagination } from './timeline-pagination.ts';
import { TimelineReadMarker } from './timeline-read-marker.ts';
import { placeChildrenInOneWalk } from './virtualizer-children.ts';

export type { TimelineActions, TimelineView } from './timeline-dom.ts';

/** "Alice, Bob and 2 others are typing…". */
function othersTyping(first: readonly string[], others: number): string {
  const names = first.join(', ');
  const n = formatCount(others);
  return plural(others, {
    zero: () => msg(str`${names} and ${n} others are typing…`, { id: 'typing-others-zero' }),
    one: () => msg(str`${names} and ${n} other are typing…`, { id: 'typing-others-one' }),
    two: () => msg(str`${names} and ${n} others are typing…`, { id: 'typing-others-two' }),
    few: () => msg(str`${names} and ${n} others are typing…`, { id: 'typing-others-few' }),
    many: () => msg(str`${names} and ${n} others are typing…`, { id: 'typing-others-many' }),
    other: () => msg(str`${names} and ${n} others are typing…`, { id: 'typing-others-other' }),
  });
}

/** "Alice is typing…", "Alice and Bob are typing…", "Alice, Bob and 2 others are typing…". */
export function typingText(typing: readonly MemberInfo[]): string {
  const names = typing.map((m) => m.displayName);
  if (names.length === 0) return '';
  if (names.length === 1) return msg(str`${names[0] ?? ''} is typing…`);
  if (names.length <= 3) return msg(str`${listNames(names)} are typing…`);
  return othersTyping(names.slice(0, 2), names.length - 2);
}

/**
 * The room's timeline: a virtualised (@lit-labs/virtualizer), bottom-anchored `role="log"` rendered
 * into its host's shadow root (so the host's `[role="log"] article` is reachable and styled there).
 * Each concern is a part of its own: where the log is scrolled (timeline-anchor.ts: the latest message,
 * "Jump to latest", 0 px drift when history is inserted above), older history and jumps to a message
 * (timeline-pagination.ts), the keyboard's roving focus (timeline-keyboard.ts), a message's menus and
 * actions (timeline-menus.ts), the screen reader's announcements of new messages
 * (timeline-announcer.ts), and the read marker (timeline-read-marker.ts). This controller renders and
 * tells them what changed.
 */
export class TimelineController implements ReactiveController {
  readonly #dom: TimelineDom;
  readonly #anchor: TimelineAnchor;
  readonly #pagination: TimelinePagination;
  readonly #keyboard: TimelineKeyboard;
  readonly #menus: TimelineMenus;
  readonly #announcer = new TimelineAnnouncer();
  readonly #readMarker: TimelineReadMarker;
  #renderedItems: readonly TimelineItem[] = [];
  /** The latest message that has read receipts: the only one that shows them. */
  #receiptsKey: string | undefined;
  readonly #tiles = new WeakMap<TimelineItem, { state: string; tile: TemplateResult }>();
  /** Members by user id, for what a moderator may do to a message's sender; rebuilt when the list changes. */
  #members: { list: readonly RoomMember[] | undefined; byId: Map<string, RoomMember> } = { list: undefined, byId: new Map() };
  /** Changes when what the member may do changes, so cached tiles show the right actions. */
  #moderationKey = '';
  #sizeObserver: ResizeObserver | undefined;
  /** The log element the items were last rendered into (a new one after a loading state). */
  #renderedLog: HTMLElement | null = null;

  readonly #onPointerOverHandler = (event: PointerEvent): void => this.#menus.onPointerOver(event);
  readonly #onUserInputHandler = (): void => this.#anchor.noteUserInput();
  readonly #onScrollHandler = (): void => this.#anchor.onScroll();
  readonly #onKeydownHandler = (event: KeyboardEvent): void => this.#keyboard.onKeydown(event);
  readonly #onFocusInHandler = (event: FocusEvent): void => this.#keyboard.onFocusIn(event);

  readonly #compact: boolean;

  /** `compact`: renders less beyond the view (a thread's narrow panel). */
  constructor(host: LitElement, actions: () => TimelineActions, options: { compact?: boolean } = {}) {
    this.#compact = options.compact === true;
    this.#dom = new TimelineDom(host, actions);
    this.#readMarker = new TimelineReadMarker(this.#dom);
    this.#anchor = new TimelineAnchor(this.#dom, {
      atLatest: () => this.#readMarker.markRead(),
      maybePaginate: () => this.#pagination.maybePaginate(),
    });
    this.#pagination = new TimelinePagination(
      this.#dom,
      () => this.#anchor.adjusting,
      (key) => void this.#keyboard.focusItem(key, 'center'),
    );
    this.#keyboard = new TimelineKeyboard(this.#dom, {
      noteUserInput: () => this.#anchor.noteUserInput(),
      interrupt: () => this.#anchor.interrupt(),
      closeMenu: () => this.#menus.closeMenu(),
      onAction: (action) => this.#menus.onAction(action),
      maybePaginate: () => this.#pagination.maybePaginate(),
    });
    this.#menus = new TimelineMenus(
      this.#dom,
      this.#keyboard,
      () => this.#anchor.interrupt(),
      (eventId) => this.jumpTo(eventId),
    );
    host.addController(this);
  }

  /** Whether the view is at the latest message. */
  get atBottom(): boolean {
    return this.#anchor.atBottom;
  }

  get log(): HTMLElement | null {
    return this.#dom.log;
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
      if (!changed || !this.#anchor.atBottom) return;
      // Shown again (a launcher's panel opened): what is on screen is read now, not once the scroll
      // settles, which a panel closed at once would never reach.
      this.#readMarker.markRead();
      void this.scrollToLatest();
    });
    this.#sizeObserver.observe(log);
  }

  hostUpdate(): void {
    this.#anchor.capture();
  }

  hostUpdated(): void {
    const view = this.#dom.view;
    if (!view) return;
    const previous = this.#renderedItems;
    const items = view.items;
    if (previous === items) return;
    this.#renderedItems = items;
    const log = this.log;
    const newLog = log !== this.#renderedLog;
    this.#renderedLog = log;
    if (newLog) {
      this.#observeSize(log);
      placeChildrenInOneWalk(this.#dom.virtualizer);
    }
    if (items.length > 0 && (previous.length === 0 || newLog || !sharesItems(previous, items))) {
      // Another room (the host's `room` changed) or a log shown anew: it opens at its latest message,
      // whatever the member was doing in the one before.
      this.#startOver();
      this.#anchor.openAtLatest(items);
      void this.scrollToLatest();
      return;
    }
    this.#anchor.itemsChanged(previous, items);
    this.#pagination.continueJump();
  }

  /** Renders the log, the "Jump to latest" button and the typing line. */
  render(view: TimelineView): TemplateResult {
    this.#dom.view = view;
    this.#noteModeration(view);
    this.#announcer.update(view.items);
    const items = view.items as TimelineItem[];
    this.#receiptsKey = latestWithReceipts(items);
    const atBottom = this.#anchor.atBottom;
    const unseen = Math.max(this.#anchor.newWhileAway, atBottom ? 0 : view.unreadCount);
    return html`
      <div class="timeline" part="timeline-container">
        <div
          class="log"
          part="timeline log"
          role="log"
          aria-live="off"
          aria-label=${view.label}
          aria-busy=${view.paginating || this.#anchor.adjusting ? 'true' : 'false'}
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
            layout: this.#compact ? compactKeyedFlow() : keyedFlow(),
          })}
        </div>
        ${view.paginating ? html`<p class="loading" part="loading" role="status">${msg('Loading older messages…')}</p>` : nothing}
        ${
          atBottom
            ? nothing
            : html`<button type="button" class="jump" part="jump-to-latest" @click=${() => void this.scrollToLatest(true)}>
                ${msg('Jump to latest')}${unseen > 0 ? html` <span class="count">${msg(str`(${formatCount(unseen)} new)`)}</span>` : nothing}
              </button>`
        }
        <p class="typing" part="typing" aria-live="polite">${typingText(view.typing)}</p>
        ${this.#announcer.render()}
      </div>
    `;
  }

  #renderItem(item: TimelineItem): TemplateResult {
    switch (item.kind) {
      case 'message': {
        // The virtualizer re-renders every tile in its range on each update (a send, an echo, a new
        // message, a scroll step). Items are immutable and keep their identity while unchanged, so a tile
        // is rendered again only when the item or its focus/hover/menu state changes: `guard` leaves the
        // others' DOM alone without walking their templates, and the template is kept for a tile that
        // scrolls back into the range.
        const active = item.key === this.#keyboard.activeKey;
        const tile = this.#menus.tileState(item.key, active);
        const readOnly = this.#dom.view?.readOnly === true;
        const showActions = tile.showActions && !readOnly;
        const menu = readOnly ? 'none' : tile.menu;
        const { expanded } = tile;
        const receipts = item.key === this.#receiptsKey;
        // The locale too: a tile cached in one language must not survive a change of language.
        const previews = this.#linkPreviews();
        const state = `${String(active)} ${String(showActions)} ${menu} ${String(expanded)} ${String(receipts)} ${this.#moderationKey} ${activeLocale()} ${String(previews !== undefined)}`;
        return html`${guard([item, state], () => this.#messageTile(item, state, active, showActions, menu, expanded, receipts, previews))}`;
      }
      case 'day':
        return html`<div class="day" part="day-separator" data-key=${item.key}>
          <span>${formatDay(item.timestamp)}</span>
        </div>`;
      case 'read-marker':
        return html`<div class="read-marker" part="read-marker" data-key=${item.key}><span>${msg('New messages')}</span></div>`;
      case 'notice':
        return renderNotice(item);
      case 'placeholder':
        return html`<p class="line placeholder" part="placeholder" data-key=${item.key}>${placeholderText(item.reason)}</p>`;
    }
  }

  #messageTile(
    item: MessageItem,
    state: string,
    active: boolean,
    showActions: boolean,
    menu: TileMenu,
    expanded: boolean,
    receipts: boolean,
    previews: LinkPreviewSource | undefined,
  ): TemplateResult {
    const cached = this.#tiles.get(item);
    if (cached?.state === state) return cached.tile;
    const tile = renderMessageTile(item, {
      active,
      showActions,
      menu,
      expanded,
      showReceipts: receipts,
      onAction: (action) => this.#menus.onAction(action),
      loadMedia: this.#dom.actions().loadMedia,
      moderation: this.#tileModeration(item),
      threads: this.#dom.actions().openThread !== undefined,
      ...(previews ? { linkPreviews: previews } : {}),
    });
    this.#tiles.set(item, { state, tile });
    return tile;
  }

  /** One source for every tile while previews are on, so their cached templates stay valid. */
  #previewSource: LinkPreviewSource | undefined;

  #linkPreviews(): LinkPreviewSource | undefined {
    if (this.#dom.view?.linkPreviews !== true || !this.#dom.actions().previewLink) return undefined;
    this.#previewSource ??= {
      load: (url) => this.#dom.actions().previewLink?.(url) ?? Promise.resolve(undefined),
      loadMedia: (request) => this.#dom.actions().loadMedia?.(request) ?? Promise.reject(new Error('No media loader.')),
    };
    return this.#previewSource;
  }

  #noteModeration(view: TimelineView): void {
    if (view.members !== this.#members.list) {
      this.#members = { list: view.members, byId: new Map((view.members ?? []).map((member) => [member.userId, member])) };
    }
    const p = view.permissions;
    const flags = p ? [p.redactOthers, p.kick, p.ban, p.changePower, view.canReport === true].map(Number).join('') : '';
    this.#moderationKey = `${flags}:${String(this.#members.byId.size)}:${view.members ? membersVersion(view.members) : ''}`;
  }

  /** What the member may do to someone else's message; nothing for their own (its actions are Edit and Delete). */
  #tileModeration(message: MessageItem): TileModeration | undefined {
    const view = this.#dom.view;
    if (message.own || !view?.permissions) return undefined;
    const sender = this.#members.byId.get(message.sender.userId)?.actions;
    return { deleteOthers: view.permissions.redactOthers, report: view.canReport === true, ...(sender ? { sender } : {}) };
  }

  /** Scrolls to the latest message and keeps the view there while the virtualizer measures. */
  scrollToLatest(focusLog = false): Promise<void> {
    return this.#anchor.scrollToLatest(focusLog);
  }

  /** Scrolls to the message with this event id, loading older history until it is found. */
  jumpTo(eventId: string): void {
    this.#pagination.jumpTo(eventId);
  }

  /** Forgets what belonged to the previous timeline: its anchor, pin, jump, menus and opened messages. */
  #startOver(): void {
    this.#pagination.startOver();
    this.#menus.startOver();
    this.#keyboard.activeKey = undefined;
    this.#anchor.startOver();
  }
}

/** Identifies a member list's content: the same list object is kept while nothing in it changed. */
const versions = new WeakMap<readonly RoomMember[], number>();
let nextVersion = 0;
function membersVersion(members: readonly RoomMember[]): number {
  let version = versions.get(members);
  if (version === undefined) versions.set(members, (version = ++nextVersion));
  return version;
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
