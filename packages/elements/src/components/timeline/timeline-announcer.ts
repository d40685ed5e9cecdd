import { html, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { MessageItem, TimelineItem } from '@omnisocial/core';
import { undecryptableHeadline } from '../message-tile/message-state.ts';

/** Announcements kept in the live region; older ones are removed (removals are not announced). */
const ANNOUNCEMENTS_KEPT = 3;
/** Longer announcements are cut here: the tile itself holds the whole message. */
const ANNOUNCEMENT_LENGTH = 140;

/**
 * The log is `aria-live="off"` (the virtualizer re-mounts tiles while scrolling and history is inserted
 * above); this visually-hidden polite region receives one "Sender: message" line per new incoming
 * message instead.
 */
export class TimelineAnnouncer {
  #announcements: Array<{ id: number; text: string }> = [];
  /** The items the announcements were last computed from. */
  #announcedItems: readonly TimelineItem[] = [];
  #announced = 0;

  /** Worked out while rendering, so the region's new line goes out in this same update. */
  update(items: readonly TimelineItem[]): void {
    if (items === this.#announcedItems) return;
    const lastKey = this.#announcedItems[this.#announcedItems.length - 1]?.key;
    this.#announcedItems = items;
    if (lastKey !== undefined) this.#announce(messagesAfter(items, lastKey));
  }

  render(): TemplateResult {
    return html`<div class="announcer visually-hidden" aria-live="polite" aria-relevant="additions">
      ${repeat(
        this.#announcements,
        (announcement) => announcement.id,
        (announcement) => html`<p>${announcement.text}</p>`,
      )}
    </div>`;
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
      const body = message.undecryptable ? undecryptableHeadline(message) : message.body;
      const text = `${message.sender.displayName}: ${body.replace(/\s+/g, ' ').trim()}`;
      this.#announcements.push({
        id: ++this.#announced,
        text: text.length > ANNOUNCEMENT_LENGTH ? `${text.slice(0, ANNOUNCEMENT_LENGTH - 1)}…` : text,
      });
    }
    this.#announcements = this.#announcements.slice(-ANNOUNCEMENTS_KEPT);
  }
}

/** The messages after the item with this key (none when it is no longer there). */
function messagesAfter(items: readonly TimelineItem[], key: string): MessageItem[] {
  for (let i = items.length - 1, n = 0; i >= 0 && n <= 500; i--, n++) {
    if (items[i]?.key === key) return items.slice(i + 1).filter((item): item is MessageItem => item.kind === 'message');
  }
  return [];
}
