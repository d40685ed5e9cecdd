import { msg } from '@lit/localize';
import { formatDateTime, formatTime } from '../../i18n/format.ts';
import { html, nothing, render, type TemplateResult } from 'lit';
import type { MessageItem, NoticeItem } from '@omnisocial/core';
import { styleProperties } from '../../base/style-properties.ts';
import { renderActions, toolsOf, type Act, type MessageAction, type TileMenu, type TileModeration } from './message-actions.ts';
import { renderContent, renderReplyQuote, renderShowMore } from './message-content.ts';
import { linkPreview, type LinkPreviewSource } from './link-preview.ts';
import { avatar, type LoadMedia } from './message-media.ts';
import { renderReactions, renderReceipts } from './message-reactions.ts';
import { renderDecryptRetry, renderSendFailure, renderSendStatus, renderSharedBy, renderTrustShield } from './message-state.ts';
import { avatarColour, initials, isLongMessage, MEDIA_TYPES } from './message-text.ts';
import { noticeLineText } from './notice-line.ts';
import { membershipSummaryText } from './membership-summary.ts';
import { renderThreadSummary } from '../thread/thread-summary.ts';

export type { LoadMedia } from './message-media.ts';
export type { LinkPreviewSource } from './link-preview.ts';
export { QUICK_REACTIONS, type MessageAction, type ModerationKind, type TileMenu, type TileModeration } from './message-actions.ts';
export { trustWarning, undecryptableReason } from './message-state.ts';
export { avatarColour, initials, isLongMessage, listNames } from './message-text.ts';

export interface MessageTileOptions {
  /** Roving tabindex: the one tile of the timeline reachable with Tab. */
  readonly active: boolean;
  readonly menu: TileMenu;
  /**
   * Renders the actions menu (hidden until hover or focus). Timelines pass it only for the active
   * and hovered tiles, which keeps a few hundred DOM nodes out of a long history.
   */
  readonly showActions?: boolean;
  readonly onAction: (action: MessageAction) => void;
  /** A long message shown whole (after "Show more"); otherwise it is cut to a few lines. */
  readonly expanded?: boolean;
  /**
   * Shows who has read up to this message. A timeline passes it only for the latest message that
   * has readers, so receipts appear once, not under every message.
   */
  readonly showReceipts?: boolean;
  /** Loads avatars and attachments through authenticated media; without it they show their fallbacks. */
  readonly loadMedia?: LoadMedia;
  /** What the member may do to someone else's message (delete, report, act on its sender); nothing more without it. */
  readonly moderation?: TileModeration;
  /** The timeline opens threads: "Reply in thread" and the summary under a root. */
  readonly threads?: boolean;
  /** Link previews are on in the room: the first http(s) link of the message gets a card under the bubble. */
  readonly linkPreviews?: LinkPreviewSource;
}

/** An opened summary at the bottom of the log grows below the fold: bring its changes into view. */
function revealOpened(event: Event): void {
  const details = event.currentTarget as HTMLDetailsElement;
  if (details.open) details.scrollIntoView({ block: 'nearest' });
}

/**
 * A room change as one line. A summary of membership changes ("Bob and 11 others joined") opens, on
 * demand, into the changes it stands for: a native disclosure, which keyboards and screen readers know.
 */
export function renderNotice(item: NoticeItem): TemplateResult {
  if (!item.summary) return html`<p class="line" part="notice" data-key=${item.key}>${item.line ? noticeLineText(item.line) : ''}</p>`;
  return html`<details class="line notice-summary" part="notice" data-key=${item.key} @toggle=${revealOpened}>
    <summary>${membershipSummaryText(item.summary.groups)}</summary>
    <ul class="notice-changes">
      ${item.summary.lines.map((line) => html`<li>${noticeLineText(line)}</li>`)}
    </ul>
  </details>`;
}

/**
 * One message of the timeline as an `article` whose text holds sender, body and time, laid out densely
 * as the best chat products do: the first message of a run from one sender has an avatar row with
 * name and time; the following ones only their text, their time shown beside them on hover or focus
 * (always in the article's text). Then reply quote, body (through the rich renderer, cut with "Show
 * more" when long), "(edited)", "Message deleted", reactions, receipts (where the timeline asks),
 * send state with Retry/Cancel, and a toolbar (React, Reply, Edit and Delete for the member's own) at
 * the tile's top corner, where space is kept for it so it never covers the text.
 * A render function, not an element: tiles live in the timeline's virtualised list inside the host's
 * shadow root, and take plain `MessageItem` data.
 */
export function renderMessageTile(message: MessageItem, options: MessageTileOptions): TemplateResult {
  const {
    active,
    menu,
    onAction,
    showActions = true,
    loadMedia,
    expanded = false,
    showReceipts = true,
    moderation,
    threads = false,
    linkPreviews,
  } = options;
  const tab = active ? 0 : -1;
  const act: Act = (type) => () => onAction({ type, message });
  const unreadable = message.undecryptable;
  // Nothing to reply to, edit or react to in a message that cannot be read.
  const canAct = !message.redacted && !unreadable && message.eventId !== undefined && message.status === 'sent';
  const long = isLongMessage(message);
  const classes = [
    'message',
    unreadable ? 'undecryptable' : '',
    message.own ? 'own' : '',
    message.continuation ? 'continuation' : '',
    message.msgtype === 'notice' ? 'bot' : '',
    canAct ? 'actionable' : '',
  ]
    .filter(Boolean)
    .join(' ');
  // The meta line (send state, trust shield, "Shared by", Retry) is rendered only when it says something,
  // and the article is described by it only then: most messages have none, and a long history keeps
  // fewer nodes without an empty element in each tile.
  const trustShield = renderTrustShield(message);
  const sharedBy = renderSharedBy(message);
  const sendStatus = renderSendStatus(message);
  const decryptRetry = renderDecryptRetry(message, tab, act);
  const sendFailure = renderSendFailure(message, tab, act);
  const hasMeta = [trustShield, sharedBy, sendStatus, decryptRetry, sendFailure].some((part) => part !== nothing);
  // The time carries the delivery state too (`time.status.sent` once the homeserver has it).
  const time = html`<time
    class="time status ${message.status}"
    id=${`time-${message.key}`}
    datetime=${new Date(message.timestamp).toISOString()}
    title=${formatDateTime(message.timestamp)}
    >${formatTime(message.timestamp)}</time
  >`;
  return html`
    <article
      part="message"
      class=${classes}
      data-key=${message.key}
      data-event-id=${message.eventId ?? ''}
      data-trust=${message.trust ?? nothing}
      data-undecryptable=${unreadable?.state ?? nothing}
      data-reason=${unreadable?.reason ?? nothing}
      tabindex=${tab}
      aria-roledescription="message"
      aria-describedby=${hasMeta ? `meta-${message.key}` : nothing}
      style=${styleProperties(canAct ? { '--_tools': String(toolsOf(message, moderation, threads).length) } : {})}
    >
      ${
        message.continuation
          ? html`<span class="visually-hidden sender">${message.sender.displayName}</span>`
          : html`<span class="avatar" aria-hidden="true" style=${styleProperties({ '--_avatar-bg': avatarColour(message.sender.userId) })}
                >${avatar(message.sender, loadMedia, initials(message.sender))}</span
              >
              <div class="head">
                <span class="sender" title=${message.sender.userId}>${message.sender.displayName}</span>
                ${time}
              </div>`
      }
      <div class="bubble" part="bubble">
        ${renderReplyQuote(message, tab, onAction)} ${renderContent(message, { long, expanded, tab, loadMedia })}
        ${message.edited && !message.redacted ? html`<span class="edited">${msg('(edited)')}</span>` : nothing}
      </div>
      ${long ? renderShowMore(message, expanded, tab, act) : nothing}
      ${MEDIA_TYPES.has(message.msgtype) ? nothing : linkPreview(message, linkPreviews, tab)} ${message.continuation ? time : nothing}
      ${
        hasMeta
          ? html`<div class="meta" id=${`meta-${message.key}`}>
              ${trustShield} ${sharedBy} ${sendStatus} ${decryptRetry} ${sendFailure}
            </div>`
          : nothing
      }
      ${message.reactions.length && !message.redacted ? renderReactions(message, tab, onAction) : nothing}
      ${threads && message.thread ? renderThreadSummary(message, message.thread, tab, onAction, loadMedia) : nothing}
      ${showReceipts && message.readBy.length ? renderReceipts(message.readBy) : nothing}
      ${canAct && (showActions || menu !== 'none') ? renderActions(message, tab, menu, act, onAction, moderation, threads) : nothing}
    </article>
  `;
}

/**
 * Prepares Lit's templates of the commonest tiles (a plain text message with its sender's avatar row, and one
 * following it from the same sender) by rendering two into a detached fragment: each template is parsed once per
 * page, and this moves that parsing out of a room's first render into idle time before it.
 */
export function prepareMessageTiles(): void {
  const sample: MessageItem = {
    kind: 'message',
    key: 'prepare',
    eventId: '$prepare',
    sender: { userId: '@prepare:localhost', displayName: 'A' },
    own: false,
    timestamp: Date.now(),
    msgtype: 'text',
    body: 'a',
    edited: false,
    redacted: false,
    reactions: [],
    status: 'sent',
    continuation: false,
    readBy: [],
  };
  const options: MessageTileOptions = { active: false, menu: 'none', showActions: false, showReceipts: false, onAction: () => undefined };
  const tiles = [renderMessageTile(sample, options), renderMessageTile({ ...sample, continuation: true }, options)];
  render(tiles, document.createDocumentFragment());
}
