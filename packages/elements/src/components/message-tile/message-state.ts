import { msg, str } from '@lit/localize';
import { memberMessage } from '../../i18n/member-error.ts';
/**
 * What state a message is in, in words and in its meta line: sending or not sent (with Retry, Cancel or
 * Remove), encrypted and unreadable (with why and Retry), sent from a device or identity not to be trusted.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { MessageItem } from '@omnisocial/core';
import type { Act } from './message-actions.ts';

function statusText(message: MessageItem): string {
  if (message.held === 'pending' && !message.redacted) {
    return message.own ? msg("Waiting for a moderator's approval") : msg('Held for approval: only its author and moderators see it');
  }
  switch (message.status) {
    case 'queued':
      return msg('Waiting to send…');
    case 'sending':
      return msg('Sending…');
    case 'failed':
      return msg('Not sent');
    case 'sent':
      return '';
  }
}

/** The send state in words, while the message is not sent. */
export function renderSendStatus(message: MessageItem): TemplateResult | typeof nothing {
  const status = statusText(message);
  const kind = message.held === 'pending' && !message.redacted ? 'held' : message.status;
  return status ? html`<span class="status ${kind}">${status}</span>` : nothing;
}

/** What the member can do about a message that was not sent. */
export function renderSendFailure(message: MessageItem, tab: number, act: Act): TemplateResult | typeof nothing {
  return message.status === 'failed' && message.retryable === false
    ? // Sending it again cannot work (too large): say why, and offer only to remove it.
      html`<span class="send-error">${memberMessage({ code: 'too-large', message: message.sendError }, '')}</span
        ><button type="button" class="small" tabindex=${tab} @click=${act('cancel')}>
          ${msg('Remove', { id: 'send-failure-remove' })}
        </button>`
    : message.status === 'failed'
      ? html`<button type="button" class="small" tabindex=${tab} @click=${act('retry')}>${msg('Retry')}</button
          ><button type="button" class="small" tabindex=${tab} @click=${act('cancel')}>${msg('Cancel')}</button>`
      : message.upload
        ? html`<button type="button" class="small" tabindex=${tab} @click=${act('cancel')}>${msg('Cancel upload')}</button>`
        : nothing;
}

/**
 * What an encrypted message this browser cannot read says instead of its content (core leaves its body empty):
 * "Waiting for the keys to this message", "Unable to decrypt this message", "Decrypting…" while a Retry runs.
 */
export function undecryptableHeadline(message: MessageItem): string {
  switch (message.undecryptable?.state) {
    case undefined:
      return '';
    case 'decrypting':
      return msg('Decrypting…');
    case 'waiting':
      return msg('Waiting for the keys to this message');
    case 'failed':
      return msg('Unable to decrypt this message');
  }
}

/** Why an encrypted message cannot be read, in a short sentence that names the sender (after its headline). */
export function undecryptableReason(message: MessageItem): string {
  const name = message.sender.displayName;
  switch (message.undecryptable?.reason) {
    case undefined:
    case 'decrypting':
      return '';
    case 'encryption-not-started':
      return msg('This browser is starting its encryption; the message shows in a moment.');
    case 'sign-in-required':
      return msg('Sign in to read encrypted messages.');
    case 'keys-not-received':
      return message.own
        ? msg('Your other device has not sent this browser the keys yet. They usually arrive within seconds; if not, press Retry.')
        : msg(str`${name}'s device has not sent this browser the keys yet. They usually arrive within seconds; if not, press Retry.`);
    case 'sent-before-sign-in':
      return msg(
        'This message was sent before you signed in on this browser, and your account has no key backup. Read it on a device that was signed in then, and set up recovery (Security) so that new browsers can read your history.',
      );
    case 'backup-locked':
      return msg(
        'This message was sent before you signed in on this browser. Verify this browser from another session or enter your recovery key (Security) to read it.',
      );
    case 'backup-searching':
      return msg('It was sent before this browser signed in, and your key backup does not hold its keys yet.');
    case 'withheld-unverified':
      return message.own
        ? msg('Your other device does not share keys with unverified devices, and this browser is not verified.')
        : msg(str`${name}'s device does not share keys with unverified devices, and this browser is not verified.`);
    case 'withheld':
      return message.own
        ? msg('Your other device refused to share the keys to this message.')
        : msg(str`${name}'s device refused to share the keys to this message.`);
    case 'unknown-index':
      return msg(str`This browser only holds the keys to later messages from ${name}.`);
    case 'sent-before-joining':
      return msg('It was sent before you joined the room.');
    case 'untrusted-sender':
      return msg('It was sent from a device that cannot be trusted.');
    case 'other':
      return msg('Something went wrong while decrypting it.');
  }
}

/**
 * An encrypted message this browser cannot read (yet), as a muted placeholder: the headline (never
 * content) and why. The article around it is the same as a readable message's,
 * so when the keys arrive the same element fills in, keeping its place and focus.
 */
export function renderUnreadable(message: MessageItem): TemplateResult {
  const reason = undecryptableReason(message);
  return html`<span class="body undecryptable-text">${undecryptableHeadline(message)}</span>${
      reason ? html`<span class="undecryptable-reason">${reason}</span>` : nothing
    }`;
}

/** Retry decrypting a message this browser cannot read, unless signing in is what it needs. */
export function renderDecryptRetry(message: MessageItem, tab: number, act: Act): TemplateResult | typeof nothing {
  const unreadable = message.undecryptable;
  return unreadable && unreadable.reason !== 'sign-in-required'
    ? // While an attempt runs the button stays, aria-disabled rather than disabled, so a keyboard
      // member who just pressed it keeps focus on it.
      html`<button
        type="button"
        class="small"
        tabindex=${tab}
        aria-label=${msg('Retry decrypting this message')}
        aria-disabled=${unreadable.state === 'decrypting' ? 'true' : 'false'}
        @click=${unreadable.state === 'decrypting' ? undefined : act('retry')}
      >
        ${msg('Retry')}
      </button>`
    : nothing;
}

/** Why a message's sender cannot be trusted, in words; undefined when nothing is wrong ("without nagging"). */
export function trustWarning(message: MessageItem): string | undefined {
  switch (message.trust) {
    case 'unverified-device':
      return message.own
        ? msg('Sent from one of your other devices that you have not verified')
        : msg(str`Sent from a device ${message.sender.displayName} has not verified`);
    case 'identity-changed':
      return msg(str`${message.sender.displayName}'s identity changed since you verified them`);
    default:
      return undefined;
  }
}

/**
 * "Shared by Alice" on a message whose keys a member shared with this newcomer (MSC4268): the reader has
 * only that member's word for who wrote it, and the proposal asks that they be told.
 */
export function renderSharedBy(message: MessageItem): TemplateResult | typeof nothing {
  return message.sharedBy ? html`<span class="shared-by">${msg(str`Shared by ${message.sharedBy}`)}</span>` : nothing;
}

/** A small shield beside the time, only when something is wrong with the sender's device or identity. */
export function renderTrustShield(message: MessageItem): TemplateResult | typeof nothing {
  const warning = trustWarning(message);
  if (!warning) return nothing;
  return html`<span class="trust ${message.trust ?? ''}" part="trust-warning" role="img" aria-label=${warning} title=${warning}
    ><svg viewBox="0 0 16 16" aria-hidden="true">
      <path d="M8 1 2 3.5V8c0 3.3 2.6 6.2 6 7 3.4-.8 6-3.7 6-7V3.5L8 1Zm-.75 4h1.5v4.5h-1.5V5Zm0 5.5h1.5V12h-1.5v-1.5Z" /></svg
  ></span>`;
}
