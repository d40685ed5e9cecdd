/** Under a message: its reactions, and who has read up to it. */
import { html, nothing, type TemplateResult } from 'lit';
import type { MemberInfo, MessageItem, ReactionGroup } from '@omnisocial/core';
import { styleProperties } from '../../base/style-properties.ts';
import type { MessageAction } from './message-actions.ts';
import { avatarColour, initials, listNames } from './message-text.ts';

function reactionLabel(reaction: ReactionGroup): string {
  const who = listNames(reaction.senders);
  return `${reaction.key} ${reaction.count}: ${who || `${reaction.count} members`} reacted with ${reaction.key}${reaction.ownEventId ? ' (including you)' : ''}`;
}

export function renderReactions(message: MessageItem, tab: number, onAction: (action: MessageAction) => void): TemplateResult {
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

export function renderReceipts(readBy: readonly MemberInfo[]): TemplateResult {
  const shown = readBy.slice(0, 3);
  const more = readBy.length - shown.length;
  const label = `Seen by ${listNames(readBy.map((m) => m.displayName))}`;
  return html`<div class="receipts" part="receipts" title=${label}>
    <span class="visually-hidden">${label}</span>
    ${shown.map((m) => html`<span class="receipt" aria-hidden="true" style=${styleProperties({ '--_avatar-bg': avatarColour(m.userId) })}>${initials(m)}</span>`)}
    ${more > 0 ? html`<span class="receipt more" aria-hidden="true">+${more}</span>` : nothing}
  </div>`;
}
