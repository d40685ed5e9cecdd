import { msg, str } from '@lit/localize';
/** A moderator's member list: each member's roles, and the actions the moderator's power level allows on them. */
import { html, nothing, type TemplateResult } from 'lit';
import type { RoomMember } from '@omnisocial/core';
import type { ModerationKind } from '../message-tile/message-tile.ts';

const ROLE_NAMES = {
  admin: () => msg('Admin'),
  moderator: () => msg('Moderator'),
  muted: () => msg('Muted'),
  member: () => '',
} as const;

/** The badges a member carries: Admin, Moderator, Muted, Banned, Invited. */
export function rolesOf(member: RoomMember): readonly string[] {
  const roles: string[] = [];
  const role = ROLE_NAMES[member.role]();
  if (role) roles.push(role);
  if (member.membership === 'ban') roles.push(msg('Banned'));
  if (member.membership === 'invite') roles.push(msg('Invited'));
  return roles;
}

type MemberAction = ModerationKind | 'unban';

function actionsFor(member: RoomMember): readonly { kind: MemberAction; label: string; danger?: boolean }[] {
  const a = member.actions;
  if (member.membership === 'ban') return a.unban ? [{ kind: 'unban', label: msg('Unban') }] : [];
  const list: { kind: MemberAction; label: string; danger?: boolean }[] = [];
  if (a.mute) list.push({ kind: 'mute', label: msg('Mute') });
  if (a.unmute) list.push({ kind: 'unmute', label: msg('Unmute') });
  if (a.redact && member.membership === 'join') list.push({ kind: 'remove-messages', label: msg('Remove messages'), danger: true });
  if (a.kick) list.push({ kind: 'kick', label: msg('Remove', { id: 'member-remove' }), danger: true });
  if (a.ban) list.push({ kind: 'ban', label: msg('Ban', { id: 'member-ban' }), danger: true });
  return list;
}

/** The accessible name of an action's button: its visible label first (speech input says what it sees), then whom it is for. */
function fullLabel(kind: MemberAction, name: string): string {
  switch (kind) {
    case 'remove-messages':
      return msg(str`Remove messages of ${name}`);
    case 'kick':
      return msg(str`Remove ${name} from the room`);
    default:
      return kind === 'unban'
        ? msg(str`Unban ${name}`)
        : kind === 'unmute'
          ? msg(str`Unmute ${name}`)
          : kind === 'mute'
            ? msg(str`Mute ${name}`)
            : msg(str`Ban ${name}`);
  }
}

export function renderMemberList(members: readonly RoomMember[], act: (member: RoomMember, kind: MemberAction) => void): TemplateResult {
  return html`<ul class="member-list">
    ${members.map((member) => {
      const roles = rolesOf(member);
      const actions = actionsFor(member);
      return html`<li class="member" data-user-id=${member.userId}>
        <div class="member-who">
          <span class="member-name">${member.displayName}</span>
          <span class="member-id">${member.userId}</span>
          ${roles.length ? html`<span class="member-roles">${roles.map((role) => html`<span class="role" data-role=${role}>${role}</span>`)}</span>` : nothing}
        </div>
        ${
          actions.length
            ? html`<div class="member-actions" role="group" aria-label=${msg(str`Actions for ${member.displayName}`)}>
                ${actions.map(
                  (action) =>
                    html`<button
                      type="button"
                      class=${action.danger ? 'danger' : ''}
                      aria-label=${fullLabel(action.kind, member.displayName)}
                      @click=${() => act(member, action.kind)}
                    >
                      ${action.label}
                    </button>`,
                )}
              </div>`
            : nothing
        }
      </li>`;
    })}
  </ul>`;
}
