/**
 * Under a thread's root, its collapsed summary: who replied (avatars), "4 replies · last 5 min ago",
 * and how many are unread; one button that opens the thread. Plurals and relative times come from
 * `Intl` in the page's language; words go through `msg()` for translation.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import type { MessageItem, ThreadSummary } from '@omnisocial/core';
import { styleProperties } from '../../base/style-properties.ts';
import type { MessageAction } from '../message-tile/message-actions.ts';
import { avatar, type LoadMedia } from '../message-tile/message-media.ts';
import { avatarColour, initials, listNames } from '../message-tile/message-text.ts';

/** How many participants' avatars the summary shows. */
const SHOWN_PARTICIPANTS = 3;

const plural = new Intl.PluralRules(undefined);
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

/** "1 reply", "4 replies". */
export function repliesText(count: number): string {
  return plural.select(count) === 'one' ? msg(str`${count} reply`) : msg(str`${count} replies`);
}

/** "now", "5 min ago", "3 hr ago", "yesterday", "4 days ago": how long ago `timestamp` was. */
export function agoText(timestamp: number, now = Date.now()): string {
  const seconds = Math.round((timestamp - now) / 1000);
  if (seconds > -45) return relative.format(0, 'second');
  const minutes = Math.round(seconds / 60);
  if (minutes > -60) return relative.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (hours > -24) return relative.format(hours, 'hour');
  const days = Math.round(hours / 24);
  if (days > -30) return relative.format(days, 'day');
  return relative.format(Math.round(days / 30), 'month');
}

/** The summary's visible line: "4 replies · last 5 min ago". */
export function summaryText(thread: ThreadSummary, now = Date.now()): string {
  const replies = repliesText(thread.count);
  if (!thread.latest) return replies;
  const ago = agoText(thread.latest.timestamp, now);
  return msg(str`${replies} · last ${ago}`);
}

/** What a screen reader hears: the line, who took part and what is unread. */
function summaryLabel(thread: ThreadSummary, text: string): string {
  const who = listNames(thread.participants.map((p) => p.displayName));
  const unread = thread.unread > 0 ? msg(str`, ${thread.unread} unread`) : '';
  return who ? msg(str`Thread: ${text}, from ${who}${unread}. Open the thread`) : msg(str`Thread: ${text}${unread}. Open the thread`);
}

export function renderThreadSummary(
  message: MessageItem,
  thread: ThreadSummary,
  tab: number,
  onAction: (action: MessageAction) => void,
  loadMedia: LoadMedia | undefined,
): TemplateResult {
  const text = summaryText(thread);
  const shown = thread.participants.slice(0, SHOWN_PARTICIPANTS);
  return html`<button
    type="button"
    class="thread-summary ${thread.unread > 0 ? 'unread' : ''}"
    part="thread-summary"
    tabindex=${tab}
    aria-label=${summaryLabel(thread, text)}
    aria-keyshortcuts="T"
    @click=${() => onAction({ type: 'thread', message })}
  >
    <span class="thread-avatars" aria-hidden="true">
      ${shown.map(
        (member) =>
          html`<span class="avatar thread-avatar" style=${styleProperties({ '--_avatar-bg': avatarColour(member.userId) })}
            >${avatar(member, loadMedia, initials(member))}</span
          >`,
      )}
    </span>
    <span class="thread-text" aria-hidden="true">${text}</span>
    ${thread.unread > 0 ? html`<span class="thread-unread" aria-hidden="true">${thread.unread}</span>` : nothing}
  </button>`;
}
