/**
 * Under a thread's root, its collapsed summary: who replied (avatars), "4 replies · last 5 min ago",
 * and how many are unread; one button that opens the thread. Plurals and relative times come from
 * `Intl` in the page's language; words go through `msg()` for translation.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import type { MessageItem, ThreadSummary } from '@omnisocial/core';
import { styleProperties } from '../../base/style-properties.ts';
import { activeLocale } from '../../i18n/active-locale.ts';
import { formatCount, plural } from '../../i18n/plural.ts';
import type { MessageAction } from '../message-tile/message-actions.ts';
import { avatar, type LoadMedia } from '../message-tile/message-media.ts';
import { avatarColour, initials, listNames } from '../message-tile/message-text.ts';

/** How many participants' avatars the summary shows. */
const SHOWN_PARTICIPANTS = 3;

/** "1 reply", "4 replies": one form per plural category of the page's language. */
export function repliesText(count: number): string {
  const n = formatCount(count);
  return plural(count, {
    zero: () => msg(str`${n} replies`, { id: 'thread-replies-zero' }),
    one: () => msg(str`${n} reply`, { id: 'thread-replies-one' }),
    two: () => msg(str`${n} replies`, { id: 'thread-replies-two' }),
    few: () => msg(str`${n} replies`, { id: 'thread-replies-few' }),
    many: () => msg(str`${n} replies`, { id: 'thread-replies-many' }),
    other: () => msg(str`${n} replies`, { id: 'thread-replies-other' }),
  });
}

/** How long ago `timestamp` was: "5 min ago", "3 hr ago", "yesterday", "4 days ago"; undefined within the last minute. */
export function agoText(timestamp: number, now = Date.now()): string | undefined {
  const relative = new Intl.RelativeTimeFormat(activeLocale(), { numeric: 'auto', style: 'short' });
  const seconds = Math.round((timestamp - now) / 1000);
  if (seconds > -45) return undefined;
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
  return ago === undefined ? msg(str`${replies} · last just now`) : msg(str`${replies} · last ${ago}`);
}

/** What a screen reader hears after the visible line: who took part and what is unread. */
function summaryDetail(thread: ThreadSummary): string {
  const who = listNames(thread.participants.map((p) => p.displayName));
  const unread = thread.unread > 0 ? msg(str`, ${thread.unread} unread`) : '';
  return who ? msg(str`, from ${who}${unread}`) : unread;
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
    <span class="visually-hidden">${msg('Thread:')} </span><span class="thread-text">${text}</span
    ><span class="visually-hidden">${summaryDetail(thread)}</span>
    ${thread.unread > 0 ? html`<span class="thread-unread" aria-hidden="true">${thread.unread}</span>` : nothing}
  </button>`;
}
