import { msg, str } from '@lit/localize';
/**
 * What a member can do with a message, and the tile's toolbar and inline menus (quick reactions, delete
 * confirmation, and "More": report, and a moderator's actions on the sender).
 */
import { html, nothing, svg, type TemplateResult } from 'lit';
import type { ActionsOnMember, MessageItem } from '@omnisocial/core';

/** Reactions offered by the quick-reaction menu. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢'] as const;

/** Actions that need nothing but the message. */
type PlainActionType =
  | 'reply'
  | 'thread'
  | 'edit'
  | 'delete'
  | 'confirm-delete'
  | 'react-menu'
  | 'more-menu'
  | 'close-menu'
  | 'retry'
  | 'cancel'
  | 'toggle-expanded';

/** A moderator's action on a message or its sender, or a report: each opens its confirmation. */
export type ModerationKind = 'delete' | 'report' | 'remove-messages' | 'mute' | 'unmute' | 'kick' | 'ban';

/**
 * What the signed-in member may do to a message of someone else, from the room's power levels: delete
 * it, report it, and act on its sender (`sender`, when they moderate).
 */
export interface TileModeration {
  readonly deleteOthers: boolean;
  readonly report: boolean;
  readonly sender?: ActionsOnMember;
}

/** What a member can do with a message, from its actions menu, keys or buttons. */
export type MessageAction =
  | {
      readonly type: PlainActionType;
      readonly message: MessageItem;
    }
  | { readonly type: 'react'; readonly message: MessageItem; readonly key: string }
  | { readonly type: 'moderate'; readonly message: MessageItem; readonly kind: ModerationKind }
  | { readonly type: 'jump'; readonly message: MessageItem; readonly eventId: string };

/** A click handler sending one of the plain actions for the tile's message. */
export type Act = (type: PlainActionType) => () => void;

/** Which inline menu of a tile is open. */
export type TileMenu = 'none' | 'react' | 'confirm-delete' | 'more';

const ICONS = {
  react: svg`<circle cx="8" cy="8" r="6.25" /><path d="M5.5 9.5c.6.9 1.5 1.4 2.5 1.4s1.9-.5 2.5-1.4M6 6.25h.01M10 6.25h.01" />`,
  reply: svg`<path d="M6.5 3.5 2.5 7.5l4 4M2.5 7.5H10a3.5 3.5 0 0 1 3.5 3.5V13" />`,
  edit: svg`<path d="M11 2.5 13.5 5 6 12.5 3 13l.5-3L11 2.5Z" />`,
  delete: svg`<path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.5 8.5h6l.5-8.5" />`,
  more: svg`<path d="M3.5 8h.01M8 8h.01M12.5 8h.01" stroke-width="2.5" />`,
  thread: svg`<path d="M2.5 3.5h11v7h-6l-3 2.5v-2.5h-2v-7ZM5 6h6M5 8h4" />`,
};

function icon(name: keyof typeof ICONS): TemplateResult {
  return html`<svg class="tool-icon" data-icon=${name} viewBox="0 0 16 16" aria-hidden="true">${ICONS[name]}</svg>`;
}

interface Tool {
  readonly icon: keyof typeof ICONS;
  readonly label: string;
  readonly keys: string;
  readonly action: 'react-menu' | 'reply' | 'thread' | 'edit' | 'confirm-delete' | 'more-menu' | 'moderate-delete';
}

/** The entries of the "More" menu for someone else's message, in the order shown. */
function moreEntries(moderation: TileModeration | undefined): readonly { kind: ModerationKind; label: string; danger?: boolean }[] {
  if (!moderation) return [];
  const sender = moderation.sender;
  const entries: { kind: ModerationKind; label: string; danger?: boolean }[] = [];
  if (moderation.report) entries.push({ kind: 'report', label: msg('Report…') });
  if (sender?.redact) entries.push({ kind: 'remove-messages', label: msg('Remove recent messages…'), danger: true });
  if (sender?.mute) entries.push({ kind: 'mute', label: msg('Mute…') });
  if (sender?.unmute) entries.push({ kind: 'unmute', label: msg('Unmute') });
  if (sender?.kick) entries.push({ kind: 'kick', label: msg('Remove from room…'), danger: true });
  if (sender?.ban) entries.push({ kind: 'ban', label: msg('Ban…'), danger: true });
  return entries;
}

/**
 * The toolbar's buttons for a message; the tile keeps room for as many as there are. `threads`: the
 * timeline opens threads (not inside a thread, where replies do not nest).
 */
export function toolsOf(message: MessageItem, moderation?: TileModeration, threads = false): readonly Tool[] {
  const tools: Tool[] = [
    { icon: 'react', label: msg('React'), keys: '+', action: 'react-menu' },
    { icon: 'reply', label: msg('Reply'), keys: 'R', action: 'reply' },
  ];
  if (threads && message.threadRoot === undefined)
    tools.push({ icon: 'thread', label: msg('Reply in thread'), keys: 'T', action: 'thread' });
  if (message.own) {
    tools.push({ icon: 'edit', label: msg('Edit'), keys: 'E', action: 'edit' });
    tools.push({ icon: 'delete', label: msg('Delete'), keys: 'Delete', action: 'confirm-delete' });
    return tools;
  }
  if (moderation?.deleteOthers) tools.push({ icon: 'delete', label: msg('Delete'), keys: 'Delete', action: 'moderate-delete' });
  if (moreEntries(moderation).length > 0) tools.push({ icon: 'more', label: msg('More actions'), keys: 'M', action: 'more-menu' });
  return tools;
}

export function renderActions(
  message: MessageItem,
  tab: number,
  menu: TileMenu,
  act: Act,
  onAction: (action: MessageAction) => void,
  moderation?: TileModeration,
  threads = false,
): TemplateResult {
  if (menu === 'more') {
    return html`<div
      class="actions open more"
      part="actions"
      role="group"
      aria-label=${msg(str`More actions for ${message.sender.displayName}'s message`)}
    >
      ${moreEntries(moderation).map(
        (entry) =>
          html`<button
            type="button"
            class=${entry.danger ? 'danger' : ''}
            @click=${() => onAction({ type: 'moderate', message, kind: entry.kind })}
          >
            ${entry.label}
          </button>`,
      )}
      <button type="button" @click=${act('close-menu')}>${msg('Close')}</button>
    </div>`;
  }
  if (menu === 'react') {
    return html`<div class="actions open" part="actions" role="group" aria-label=${msg('Pick a reaction')}>
      ${QUICK_REACTIONS.map(
        (key) =>
          html`<button
            type="button"
            class="quick"
            aria-label=${msg(str`React with ${key}`)}
            @click=${() => onAction({ type: 'react', message, key })}
          >
            ${key}
          </button>`,
      )}
      <button type="button" @click=${act('close-menu')}>${msg('Close')}</button>
    </div>`;
  }
  if (menu === 'confirm-delete') {
    return html`<div class="actions open" part="actions" role="group" aria-label=${msg('Delete this message?')}>
      <span>${msg('Delete this message?')}</span>
      <button type="button" class="danger" @click=${act('delete')}>${msg('Delete message')}</button>
      <button type="button" @click=${act('close-menu')}>${msg('Keep')}</button>
    </div>`;
  }
  return html`<div class="actions" part="actions" role="group" aria-label=${msg('Message actions')}>
    ${toolsOf(message, moderation, threads).map(
      (tool) =>
        html`<button
          type="button"
          class="tool"
          tabindex=${tab}
          aria-keyshortcuts=${tool.action === 'more-menu' || tool.action === 'moderate-delete' ? nothing : tool.keys}
          aria-haspopup=${tool.action === 'more-menu' ? 'true' : nothing}
          title=${tool.action === 'more-menu' || tool.action === 'moderate-delete' ? tool.label : `${tool.label} (${tool.keys})`}
          @click=${tool.action === 'moderate-delete' ? () => onAction({ type: 'moderate', message, kind: 'delete' }) : act(tool.action)}
        >
          ${icon(tool.icon)}<span class="visually-hidden">${tool.label}</span>
        </button>`,
    )}
  </div>`;
}
