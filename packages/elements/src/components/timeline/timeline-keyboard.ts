import type { MessageItem } from '@omnisocial/core';
import type { MessageAction } from '../message-tile/message-tile.ts';
import { frame, type TimelineDom } from './timeline-dom.ts';

const PAGE_STEP = 10;

/** What the keyboard reaches beyond the focus. */
export interface KeyboardParts {
  /** The member's own input, which interrupts a programmatic scroll. */
  noteUserInput(): void;
  /** A new focus wins over any re-anchoring still in progress. */
  interrupt(): void;
  /** Closes an open menu; returns the key of its message, if one was open. */
  closeMenu(): string | undefined;
  onAction(action: MessageAction): void;
  maybePaginate(): void;
}

/**
 * The log's keyboard: it is focusable, and Up/Down/Home/End/PageUp/PageDown move a roving tabindex
 * between messages (loading older ones at the top); on a message, `R` replies, `E` edits, `+` or Enter
 * opens reactions, `Delete` asks to delete; Escape closes a message's menu.
 */
export class TimelineKeyboard {
  readonly #dom: TimelineDom;
  readonly #parts: KeyboardParts;
  /** The message holding the roving tabindex. */
  activeKey: string | undefined;

  constructor(dom: TimelineDom, parts: KeyboardParts) {
    this.#dom = dom;
    this.#parts = parts;
  }

  onFocusIn(event: FocusEvent): void {
    const article = (event.target as HTMLElement).closest<HTMLElement>('article[data-key]');
    const key = article?.dataset['key'];
    if (key && key !== this.activeKey) {
      this.activeKey = key;
      this.#dom.host.requestUpdate();
    }
  }

  onKeydown(event: KeyboardEvent): void {
    this.#parts.noteUserInput();
    const view = this.#dom.view;
    if (!view || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target as HTMLElement;
    const article = target.closest<HTMLElement>('article[data-key]');
    if (event.key === 'Escape') {
      const key = this.#parts.closeMenu();
      if (key !== undefined) {
        event.preventDefault();
        void this.focusItem(key);
        return;
      }
    }
    // Inside a message's buttons, arrows and letters belong to the buttons.
    if (target.tagName === 'BUTTON') return;
    if (this.#move(event, article)) return;
    if (!article) return;
    const message = view.items.find((item): item is MessageItem => item.kind === 'message' && item.key === article.dataset['key']);
    if (!message || message.redacted || message.undecryptable || !message.eventId) return;
    const key = event.key.toLowerCase();
    if (key === 'r') this.#parts.onAction({ type: 'reply', message });
    else if (key === 't' && message.threadRoot === undefined && this.#dom.actions().openThread)
      this.#parts.onAction({ type: 'thread', message });
    else if (key === 'e' && message.own) this.#parts.onAction({ type: 'edit', message });
    else if ((event.key === 'Delete' || event.key === 'Backspace') && message.own)
      this.#parts.onAction({ type: 'confirm-delete', message });
    else if (event.key === '+' || event.key === 'Enter') this.#parts.onAction({ type: 'react-menu', message });
    else return;
    event.preventDefault();
  }

  /** Moves the roving tabindex to an item, scrolling it into view (and rendering it) first. */
  async focusItem(key: string, block: ScrollLogicalPosition = 'nearest'): Promise<void> {
    this.#parts.interrupt();
    this.activeKey = key;
    this.#dom.host.requestUpdate();
    const index = this.#dom.view?.items.findIndex((item) => item.key === key) ?? -1;
    let element = this.#dom.findElement(key);
    if (!element && index >= 0) {
      this.#dom.virtualizer?.element(index)?.scrollIntoView({ block });
      for (let i = 0; i < 60 && !element; i++) {
        await frame();
        element = this.#dom.findElement(key);
      }
    }
    await this.#dom.host.updateComplete;
    element = this.#dom.findElement(key);
    if (!element) return;
    element.scrollIntoView({ block });
    element.focus({ preventScroll: true });
  }

  /** The arrow, page and Home/End keys; returns whether the key moved the focus. */
  #move(event: KeyboardEvent, article: HTMLElement | null): boolean {
    const items = this.#dom.view?.items ?? [];
    const indices: number[] = [];
    items.forEach((item, index) => {
      if (item.kind === 'message') indices.push(index);
    });
    if (indices.length === 0) return true;
    const currentKey = article?.dataset['key'] ?? this.activeKey;
    const currentPosition = currentKey ? indices.findIndex((i) => items[i]?.key === currentKey) : -1;
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
    if (next === undefined) return false;
    event.preventDefault();
    const item = items[indices[next] ?? -1];
    if (item) void this.focusItem(item.key);
    if (next === 0 && (event.key === 'Home' || event.key === 'ArrowUp' || event.key === 'PageUp')) this.#parts.maybePaginate();
    return true;
  }
}
