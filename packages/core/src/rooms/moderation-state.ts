/**
 * What the room's state says about moderation, read from the SDK's room for the snapshot: the signed-in
 * member's permissions (power-levels.ts), the member list a moderator acts from, and whether the member
 * was removed, banned or muted.
 */
import { EventTimeline, EventType, type Room, type RoomState } from 'matrix-js-sdk';
import type { MemberStanding, RoomMember } from '../types.ts';
import { actionsOn, isMuted, parsePowerLevels, permissionsOf, roleOf, type PowerLevels, type RoomPermissions } from './power-levels.ts';

/** The longest member list a snapshot carries; a moderator of a larger room searches instead. */
const MAX_MEMBERS = 500;

const ROLE_ORDER = { admin: 0, moderator: 1, member: 2, muted: 3 } as const;

function liveState(room: Room): RoomState | undefined {
  return room.getLiveTimeline().getState(EventTimeline.FORWARDS) ?? undefined;
}

/**
 * The room's power levels as the spec reads them: the creator's 100 when the room has no power-levels
 * event, and from room version 12 its creators above every level.
 */
export function roomPowerLevels(room: Room): PowerLevels {
  const state = liveState(room);
  const content = state?.getStateEvents(EventType.RoomPowerLevels, '')?.getContent();
  const create = state?.getStateEvents(EventType.RoomCreate, '');
  const createContent = create?.getContent() ?? {};
  const additional: unknown = createContent['additional_creators'];
  const version: unknown = createContent['room_version'];
  return parsePowerLevels(content, {
    ...(create?.getSender() ? { creator: create.getSender() } : {}),
    // A creation event without a version is a version 1 room.
    roomVersion: typeof version === 'string' ? version : '1',
    ...(Array.isArray(additional) ? { additionalCreators: additional.filter((id): id is string => typeof id === 'string') } : {}),
  });
}

/** A reason given by a moderator, as text: trimmed, and only when there is one. */
function reasonOf(content: Record<string, unknown> | undefined): string | undefined {
  const reason = content?.['reason'];
  return typeof reason === 'string' && reason.trim() !== '' ? reason.trim() : undefined;
}

/** Why the member cannot take part, when a moderator removed, banned or muted them; undefined otherwise. */
export function standingOf(room: Room, own: string, levels: PowerLevels): MemberStanding | undefined {
  const membership = room.getMyMembership();
  const event = liveState(room)?.getStateEvents(EventType.RoomMember, own);
  const reason = reasonOf(event?.getContent());
  const withReason = reason ? { reason } : {};
  if (membership === 'ban') return { kind: 'banned', ...withReason };
  // Leaving by oneself is not being removed: only someone else's `leave` is a kick.
  if (membership === 'leave' && event && event.getSender() !== own) return { kind: 'removed', ...withReason };
  if (membership === 'join' && isMuted(levels, own)) return { kind: 'muted' };
  return undefined;
}

/** Whether the member may act on others at all: kick, ban, delete their messages or change their level. */
export function moderates(permissions: RoomPermissions): boolean {
  return permissions.kick || permissions.ban || permissions.redactOthers || permissions.changePower;
}

export interface ModerationView {
  readonly permissions: RoomPermissions;
  readonly members?: readonly RoomMember[];
  readonly standing?: MemberStanding;
}

/**
 * The moderation part of a snapshot. The member list is kept (same array) while the members and levels
 * did not change, so a moderator's open list does not render again on every message.
 */
export class ModerationReader {
  #key = '';
  #members: readonly RoomMember[] = [];

  read(room: Room, own: string, guest: boolean): ModerationView {
    const levels = roomPowerLevels(room);
    const base = permissionsOf(levels, own);
    // A guest cannot kick, ban or change anything on Synapse, whatever the levels say.
    const permissions = guest ? { ...base, kick: false, ban: false, unban: false, changePower: false, redactOthers: false } : base;
    const standing = standingOf(room, own, levels);
    const view: { permissions: RoomPermissions; standing?: MemberStanding } = { permissions, ...(standing ? { standing } : {}) };
    if (!moderates(permissions) || room.getMyMembership() !== 'join') return view;
    return { ...view, members: this.#membersOf(room, own, levels) };
  }

  #membersOf(room: Room, own: string, levels: PowerLevels): readonly RoomMember[] {
    const state = liveState(room);
    const members = room.getMembers().filter((m) => m.membership === 'join' || m.membership === 'invite' || m.membership === 'ban');
    const levelsId = state?.getStateEvents(EventType.RoomPowerLevels, '')?.getId() ?? '';
    const key = `${levelsId}|${members.map((m) => `${m.userId}:${m.membership ?? ''}:${m.name}`).join(',')}`;
    if (key === this.#key) return this.#members;
    const list = members.map((m): RoomMember => {
      const avatar = m.getMxcAvatarUrl();
      return {
        userId: m.userId,
        displayName: m.name || m.userId,
        ...(avatar ? { avatarMxc: avatar } : {}),
        role: roleOf(levels, m.userId),
        membership: m.membership === 'ban' ? 'ban' : m.membership === 'invite' ? 'invite' : 'join',
        actions: actionsOn(levels, own, m.userId),
      };
    });
    list.sort(
      (a, b) =>
        Number(a.membership === 'ban') - Number(b.membership === 'ban') ||
        ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
        a.displayName.localeCompare(b.displayName),
    );
    this.#key = key;
    this.#members = list.slice(0, MAX_MEMBERS);
    return this.#members;
  }
}
