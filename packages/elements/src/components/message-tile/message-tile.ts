import { html, nothing, svg, type TemplateResult } from 'lit';
import type { MemberInfo, MessageItem, NoticeItem, ReactionGroup } from '@omnisocial/core';
import { styleProperties } from '../../base/style-properties.ts';
import { renderMessageBody } from '../message-body/message-body.ts';
import { avatar, renderMedia, type LoadMedia } from './message-media.ts';

export type { LoadMedia } from './message-media.ts';

/** Reactions offered by the quick-reaction menu. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢'] as const;

/** What a member can do with a message, from its actions menu, keys or buttons. */
export type MessageAction =
  | {
      readonly type: 'reply' | 'edit' | 'delete' | 'confirm-delete' | 'react-menu' | 'close-menu' | 'retry' | 'cancel' | 'toggle-expanded';
      readonly message: MessageItem;
    }
  | { readonly type: 'react'; readonly message: MessageItem; readonly key: string }
  | { readonly type: 'jump'; readonly message: MessageItem; readonly eventId: string };

/** Which inline menu of a tile is open. */
export type TileMenu = 'none' | 'react' | 'confirm-delete';

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
}

const MEDIA_TYPES: ReadonlySet<MessageItem['msgtype']> = new Set(['image', 'file', 'audio', 'video']);

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

/** Beyond this many characters or lines a message is shown cut, with "Show more". */
const LONG_CHARACTERS = 1_000;
const LONG_LINES = 12;

/** Whether a message is long enough to be shown cut to a few lines, with "Show more". */
export function isLongMessage(message: MessageItem): boolean {
  if (message.redacted || message.undecryptable || MEDIA_TYPES.has(message.msgtype)) return false;
  if (message.body.length > LONG_CHARACTERS) return true;
  let lines = 1;
  for (let at = message.body.indexOf('\n'); at !== -1 && lines <= LONG_LINES; at = message.body.indexOf('\n', at + 1)) lines += 1;
  return lines > LONG_LINES;
}
const fullTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "Alice", "Alice and Bob", "Alice, Bob and Carol". */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}

/** One or two letters standing for a member where no avatar is shown. */
export function initials(member: MemberInfo): string {
  const name = member.displayName.replace(/^[@#]/, '').trim();
  const first = new Intl.Segmenter().segment(name)[Symbol.iterator]().next().value?.segment;
  return (first ?? '?').toUpperCase();
}

/**
 * Avatar colours, each dark enough for white initials at WCAG AA (at least 5:1) in light and dark
 * themes alike.
 */
const AVATAR_COLOURS = [
  '#c2185b',
  '#8e24aa',
  '#5e35b1',
  '#3949ab',
  '#1565c0',
  '#00695c',
  '#2e7d32',
  '#8a5a00',
  '#c62828',
  '#6d4c41',
] as const;

/** A stable colour per user, so members are told apart at a glance. */
export function avatarColour(userId: string): string {
  let h = 0;
  for (const c of userId) h = (h * 31 + (c.codePointAt(0) ?? 0)) % 2_147_483_647;
  return AVATAR_COLOURS[h % AVATAR_COLOURS.length] ?? AVATAR_COLOURS[0];
}

const ICONS = {
  react: svg`<circle cx="8" cy="8" r="6.25" /><path d="M5.5 9.5c.6.9 1.5 1.4 2.5 1.4s1.9-.5 2.5-1.4M6 6.25h.01M10 6.25h.01" />`,
  reply: svg`<path d="M6.5 3.5 2.5 7.5l4 4M2.5 7.5H10a3.5 3.5 0 0 1 3.5 3.5V13" />`,
  edit: svg`<path d="M11 2.5 13.5 5 6 12.5 3 13l.5-3L11 2.5Z" />`,
  delete: svg`<path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.5 8.5h6l.5-8.5" />`,
};

function icon(name: keyof typeof ICONS): TemplateResult {
  return html`<svg class="tool-icon" viewBox="0 0 16 16" aria-hidden="true">${ICONS[name]}</svg>`;
}

function reactionLabel(reaction: ReactionGroup): string {
  const who = listNames(reaction.senders);
  return `${reaction.key} ${reaction.count}: ${who || `${reaction.count} members`} reacted with ${reaction.key}${reaction.ownEventId ? ' (including you)' : ''}`;
}

function statusText(message: MessageItem): string {
  switch (message.status) {
    case 'queued':
      return 'Waiting to send…';
    case 'sending':
      return 'Sending…';
    case 'failed':
      return 'Not sent';
    case 'sent':
      return '';
  }
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
  if (!item.summary) return html`<p class="line" part="notice" data-key=${item.key}>${item.text}</p>`;
  return html`<details class="line notice-summary" part="notice" data-key=${item.key} @toggle=${revealOpened}>
    <summary>${item.text}</summary>
    <ul class="notice-changes">
      ${item.summary.lines.map((line) => html`<li>${line}</li>`)}
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
  const { active, menu, onAction, showActions = true, loadMedia, expanded = false, showReceipts = true } = options;
  const tab = active ? 0 : -1;
  const act =
    (type: 'reply' | 'edit' | 'delete' | 'confirm-delete' | 'react-menu' | 'close-menu' | 'retry' | 'cancel' | 'toggle-expanded') => () =>
      onAction({ type, message });
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
  const status = statusText(message);
  // The time carries the delivery state too (`time.status.sent` once the homeserver has it).
  const time = html`<time
    class="time status ${message.status}"
    id=${`time-${message.key}`}
    datetime=${new Date(message.timestamp).toISOString()}
    title=${fullTimeFormat.format(message.timestamp)}
    >${timeFormat.format(message.timestamp)}</time
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
      aria-describedby=${`meta-${message.key}`}
      style=${styleProperties(canAct ? { '--_tools': String(toolsOf(message).length) } : {})}
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
        ${
          message.replyTo && !message.redacted
            ? html`<blockquote class="reply-quote" part="reply-quote">
                <span class="visually-hidden">In reply to</span>
                <span class="reply-sender">${message.replyTo.sender?.displayName ?? 'a message'}</span>
                <span class="reply-body">${message.replyTo.body ?? ''}</span>
                <button
                  type="button"
                  class="link"
                  tabindex=${tab}
                  @click=${() => onAction({ type: 'jump', message, eventId: message.replyTo?.eventId ?? '' })}
                >
                  Jump to original
                </button>
              </blockquote>`
            : nothing
        }
        ${
          unreadable
            ? renderUnreadable(message)
            : message.redacted
              ? html`<span class="body deleted">Message deleted</span>`
              : MEDIA_TYPES.has(message.msgtype)
                ? renderMedia(message, loadMedia, tab)
                : long
                  ? html`<div class="clamp ${expanded ? 'expanded' : ''}" id=${`text-${message.key}`}>
                      ${renderMessageBody(message, loadMedia)}
                    </div>`
                  : renderMessageBody(message, loadMedia)
        }
        ${message.edited && !message.redacted ? html`<span class="edited">(edited)</span>` : nothing}
      </div>
      ${
        long
          ? html`<button
              type="button"
              class="more"
              part="show-more"
              tabindex=${tab}
              aria-expanded=${expanded ? 'true' : 'false'}
              aria-controls=${`text-${message.key}`}
              @click=${act('toggle-expanded')}
            >
              ${expanded ? 'Show less' : 'Show more'}
            </button>`
          : nothing
      }
      ${message.continuation ? time : nothing}
      <div class="meta" id=${`meta-${message.key}`}>
        ${renderTrustShield(message)} ${status ? html`<span class="status ${message.status}">${status}</span>` : nothing}
        ${
          unreadable && unreadable.reason !== 'sign-in-required'
            ? // While an attempt runs the button stays, aria-disabled rather than disabled, so a keyboard
              // member who just pressed it keeps focus on it.
              html`<button
                type="button"
                class="small"
                tabindex=${tab}
                aria-label="Retry decrypting this message"
                aria-disabled=${unreadable.state === 'decrypting' ? 'true' : 'false'}
                @click=${unreadable.state === 'decrypting' ? undefined : act('retry')}
              >
                Retry
              </button>`
            : nothing
        }
        ${
          message.status === 'failed' && message.retryable === false
            ? // Sending it again cannot work (too large): say why, and offer only to remove it.
              html`<span class="send-error">${message.sendError ?? ''}</span
                ><button type="button" class="small" tabindex=${tab} @click=${act('cancel')}>Remove</button>`
            : message.status === 'failed'
              ? html`<button type="button" class="small" tabindex=${tab} @click=${act('retry')}>Retry</button
                  ><button type="button" class="small" tabindex=${tab} @click=${act('cancel')}>Cancel</button>`
              : nothing
        }
      </div>
      ${message.reactions.length && !message.redacted ? renderReactions(message, tab, onAction) : nothing}
      ${showReceipts && message.readBy.length ? renderReceipts(message.readBy) : nothing}
      ${canAct && (showActions || menu !== 'none') ? renderActions(message, tab, menu, act, onAction) : nothing}
    </article>
  `;
}

/**
 * Why an encrypted message cannot be read, in a short sentence that names the sender (the headline,
 * "Waiting for the keys to this message" or "Unable to decrypt this message", is the item's body).
 */
export function undecryptableReason(message: MessageItem): string {
  const device = message.own ? 'Your other device' : `${message.sender.displayName}'s device`;
  switch (message.undecryptable?.reason) {
    case undefined:
    case 'decrypting':
      return '';
    case 'encryption-not-started':
      return 'This browser is starting its encryption; the message shows in a moment.';
    case 'sign-in-required':
      return 'Sign in to read encrypted messages.';
    case 'keys-not-received':
      return `${device} has not sent this browser the keys yet. They usually arrive within seconds; if not, press Retry.`;
    case 'sent-before-sign-in':
      return 'This message was sent before you signed in on this browser, and your account has no key backup. Read it on a device that was signed in then, and set up recovery (Security) so that new browsers can read your history.';
    case 'backup-locked':
      return 'This message was sent before you signed in on this browser. Verify this browser from another session or enter your recovery key (Security) to read it.';
    case 'backup-searching':
      return 'It was sent before this browser signed in, and your key backup does not hold its keys yet.';
    case 'withheld-unverified':
      return `${device} does not share keys with unverified devices, and this browser is not verified.`;
    case 'withheld':
      return `${device} refused to share the keys to this message.`;
    case 'unknown-index':
      return `This browser only holds the keys to later messages from ${message.sender.displayName}.`;
    case 'sent-before-joining':
      return 'It was sent before you joined the room.';
    case 'untrusted-sender':
      return 'It was sent from a device that cannot be trusted.';
    case 'other':
      return 'Something went wrong while decrypting it.';
  }
}

/**
 * An encrypted message this browser cannot read (yet), as a muted placeholder: the headline (the
 * item's body, never content) and why. The article around it is the same as a readable message's,
 * so when the keys arrive the same element fills in, keeping its place and focus.
 */
function renderUnreadable(message: MessageItem): TemplateResult {
  const reason = undecryptableReason(message);
  return html`<span class="body undecryptable-text">${message.body}</span>${
      reason ? html`<span class="undecryptable-reason">${reason}</span>` : nothing
    }`;
}

/** Why a message's sender cannot be trusted, in words; undefined when nothing is wrong ("without nagging"). */
export function trustWarning(message: MessageItem): string | undefined {
  switch (message.trust) {
    case 'unverified-device':
      return message.own
        ? 'Sent from one of your other devices that you have not verified'
        : `Sent from a device ${message.sender.displayName} has not verified`;
    case 'identity-changed':
      return `${message.sender.displayName}'s identity changed since you verified them`;
    default:
      return undefined;
  }
}

/** A small shield beside the time, only when something is wrong with the sender's device or identity. */
function renderTrustShield(message: MessageItem): TemplateResult | typeof nothing {
  const warning = trustWarning(message);
  if (!warning) return nothing;
  return html`<span class="trust ${message.trust ?? ''}" part="trust-warning" role="img" aria-label=${warning} title=${warning}
    ><svg viewBox="0 0 16 16" aria-hidden="true">
      <path d="M8 1 2 3.5V8c0 3.3 2.6 6.2 6 7 3.4-.8 6-3.7 6-7V3.5L8 1Zm-.75 4h1.5v4.5h-1.5V5Zm0 5.5h1.5V12h-1.5v-1.5Z" /></svg
  ></span>`;
}

function renderReactions(message: MessageItem, tab: number, onAction: (action: MessageAction) => void): TemplateResult {
  return html`<div class="reactions" part="reactions" role="group" aria-label="Reactions">
    ${message.reactions.map(
      (reaction) =>
        html`<button
          type="button"
          class="reaction"
          tabindex=${tab}
          aria-pressed=${reaction.ownEventId ? 'true' : 'false'}
          aria-label=${reactionLabel(reaction)}
          title=${reactionLabel(reaction)}
          ?disabled=${message.eventId === undefined}
          @click=${() => onAction({ type: 'react', message, key: reaction.key })}
        >
          <span aria-hidden="true">${reaction.key}</span> <span aria-hidden="true">${reaction.count}</span>
        </button>`,
    )}
  </div>`;
}

function renderReceipts(readBy: readonly MemberInfo[]): TemplateResult {
  const shown = readBy.slice(0, 3);
  const more = readBy.length - shown.length;
  const label = `Seen by ${listNames(readBy.map((m) => m.displayName))}`;
  return html`<div class="receipts" part="receipts" title=${label}>
    <span class="visually-hidden">${label}</span>
    ${shown.map((m) => html`<span class="receipt" aria-hidden="true" style=${styleProperties({ '--_avatar-bg': avatarColour(m.userId) })}>${initials(m)}</span>`)}
    ${more > 0 ? html`<span class="receipt more" aria-hidden="true">+${more}</span>` : nothing}
  </div>`;
}

interface Tool {
  readonly icon: keyof typeof ICONS;
  readonly label: string;
  readonly keys: string;
  readonly action: 'react-menu' | 'reply' | 'edit' | 'confirm-delete';
}

/** The toolbar's buttons for a message; the tile keeps room for as many as there are. */
function toolsOf(message: MessageItem): readonly Tool[] {
  const tools: Tool[] = [
    { icon: 'react', label: 'React', keys: '+', action: 'react-menu' },
    { icon: 'reply', label: 'Reply', keys: 'R', action: 'reply' },
  ];
  if (message.own) {
    tools.push({ icon: 'edit', label: 'Edit', keys: 'E', action: 'edit' });
    tools.push({ icon: 'delete', label: 'Delete', keys: 'Delete', action: 'confirm-delete' });
  }
  return tools;
}

function renderActions(
  message: MessageItem,
  tab: number,
  menu: TileMenu,
  act: (type: 'reply' | 'edit' | 'delete' | 'confirm-delete' | 'react-menu' | 'close-menu' | 'toggle-expanded') => () => void,
  onAction: (action: MessageAction) => void,
): TemplateResult {
  if (menu === 'react') {
    return html`<div class="actions open" part="actions" role="group" aria-label="Pick a reaction">
      ${QUICK_REACTIONS.map(
        (key) =>
          html`<button
            type="button"
            class="quick"
            aria-label=${`React with ${key}`}
            @click=${() => onAction({ type: 'react', message, key })}
          >
            ${key}
          </button>`,
      )}
      <button type="button" @click=${act('close-menu')}>Close</button>
    </div>`;
  }
  if (menu === 'confirm-delete') {
    return html`<div class="actions open" part="actions" role="group" aria-label="Delete this message?">
      <span>Delete this message?</span>
      <button type="button" class="danger" @click=${act('delete')}>Delete message</button>
      <button type="button" @click=${act('close-menu')}>Keep</button>
    </div>`;
  }
  return html`<div class="actions" part="actions" role="group" aria-label="Message actions">
    ${toolsOf(message).map(
      (tool) =>
        html`<button
          type="button"
          class="tool"
          tabindex=${tab}
          aria-keyshortcuts=${tool.keys}
          title=${`${tool.label} (${tool.keys})`}
          @click=${act(tool.action)}
        >
          ${icon(tool.icon)}<span class="visually-hidden">${tool.label}</span>
        </button>`,
    )}
  </div>`;
}
