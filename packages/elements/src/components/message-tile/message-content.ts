import { msg } from '@lit/localize';
/** Inside a message's bubble and just under it: the quote of the message it replies to, its body, "Show more". */
import { html, nothing, type TemplateResult } from 'lit';
import type { MessageItem } from '@omnisocial/core';
import { deletedText, renderMessageBody } from '../message-body/message-body.ts';
import type { Act, MessageAction } from './message-actions.ts';
import { renderMedia, type LoadMedia } from './message-media.ts';
import { renderUnreadable } from './message-state.ts';
import { MEDIA_TYPES } from './message-text.ts';

/** The message replied to, with a link to it; none once the reply is deleted. */
export function renderReplyQuote(
  message: MessageItem,
  tab: number,
  onAction: (action: MessageAction) => void,
): TemplateResult | typeof nothing {
  return message.replyTo && !message.redacted
    ? html`<blockquote class="reply-quote" part="reply-quote">
        <span class="visually-hidden">${msg('In reply to')}</span>
        <span class="reply-sender">${message.replyTo.sender?.displayName ?? msg('a message', { id: 'reply-quote-unknown-sender' })}</span>
        <span class="reply-body">${message.replyTo.body ?? ''}</span>
        <button
          type="button"
          class="link"
          tabindex=${tab}
          @click=${() => onAction({ type: 'jump', message, eventId: message.replyTo?.eventId ?? '' })}
        >
          ${msg('Jump to original')}
        </button>
      </blockquote>`
    : nothing;
}

/** What the message says: a placeholder when unreadable or deleted, its attachment, or its text (cut when long). */
export function renderContent(
  message: MessageItem,
  options: { readonly long: boolean; readonly expanded: boolean; readonly tab: number; readonly loadMedia: LoadMedia | undefined },
): TemplateResult {
  const { long, expanded, tab, loadMedia } = options;
  return message.undecryptable
    ? renderUnreadable(message)
    : message.redacted
      ? html`<span class="body deleted">${deletedText(message)}</span>`
      : MEDIA_TYPES.has(message.msgtype)
        ? renderMedia(message, loadMedia, tab)
        : long
          ? html`<div class="clamp ${expanded ? 'expanded' : ''}" id=${`text-${message.key}`}>
              ${renderMessageBody(message, loadMedia)}
            </div>`
          : renderMessageBody(message, loadMedia);
}

/** "Show more" / "Show less" under a long message. */
export function renderShowMore(message: MessageItem, expanded: boolean, tab: number, act: Act): TemplateResult {
  return html`<button
    type="button"
    class="more"
    part="show-more"
    tabindex=${tab}
    aria-expanded=${expanded ? 'true' : 'false'}
    aria-controls=${`text-${message.key}`}
    @click=${act('toggle-expanded')}
  >
    ${expanded ? msg('Show less') : msg('Show more')}
  </button>`;
}
