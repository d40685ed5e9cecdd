import { msg, str } from '@lit/localize';
import { formatCount, plural } from '../../i18n/plural.ts';
/** Under a message: its reactions, and who has read up to it. */
import { html, nothing, type TemplateResult } from 'lit';
import type { MemberInfo, MessageItem, ReactionGroup } from '@omnisocial/core';
import { styleProperties } from '../../base/style-properties.ts';
import type { MessageAction } from './message-actions.ts';
import { avatarColour, initials, listNames } from './message-text.ts';

/** "3 members reacted with 👍" when the senders' names are not known. */
function membersReacted(total: number, key: string): string {
  const n = formatCount(total);
  return plural(total, {
    zero: () => msg(str`${n} members reacted with ${key}`, { id: 'reaction-members-zero' }),
    one: () => msg(str`${n} member reacted with ${key}`, { id: 'reaction-members-one' }),
    two: () => msg(str`${n} members reacted with ${key}`, { id: 'reaction-members-two' }),
    few: () => msg(str`${n} members reacted with ${key}`, { id: 'reaction-members-few' }),
    many: () => msg(str`${n} members reacted with ${key}`, { id: 'reaction-members-many' }),
    other: () => msg(str`${n} members reacted with ${key}`, { id: 'reaction-members-other' }),
  });
}

function reactionLabel(reaction: ReactionGroup): string {
  const who = listNames(reaction.senders);
  const count = formatCount(reaction.count);
  const text = who
    ? reaction.ownEventId
      ? msg(str`${who} reacted with ${reaction.key} (including you)`)
      : msg(str`${who} reacted with ${reaction.key}`)
    : membersReacted(reaction.count, reaction.key);
  return `${reaction.key} ${count}: ${text}`;
}

export function renderReactions(message: MessageItem, tab: number, onAction: (action: MessageAction) => void): TemplateResult {
  return html`<div class="reactions" part="reactions" role="group" aria-label=${msg('Reactions')}>
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

export function renderReceipts(readBy: readonly MemberInfo[]): TemplateResult {
  const shown = readBy.slice(0, 3);
  const more = readBy.length - shown.length;
  const label = msg(str`Seen by ${listNames(readBy.map((m) => m.displayName))}`);
  return html`<div class="receipts" part="receipts" title=${label}>
    <span class="visually-hidden">${label}</span>
    ${shown.map((m) => html`<span class="receipt" aria-hidden="true" style=${styleProperties({ '--_avatar-bg': avatarColour(m.userId) })}>${initials(m)}</span>`)}
    ${more > 0 ? html`<span class="receipt more" aria-hidden="true">+${more}</span>` : nothing}
  </div>`;
}
