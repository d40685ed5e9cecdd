/**
 * What the room's state says about moderation, read from the SDK's room for the snapshot: the signed-in
 * member's permissions (power-levels.ts), the member list a moderator acts from (moderation-members.ts,
 * loaded when needed), and whether the member was removed, banned or muted.
 */
import { EventType, type MatrixEvent, type Room } from 'matrix-js-sdk';
import { liveState } from './room-state.ts';
import type { MemberStanding, RoomMember } from '../types.ts';
import type { MemberListReader } from './moderation-members.ts';
import { isMuted, parsePowerLevels, permissionsOf, type PowerLevels, type RoomPermissions } from './power-levels.ts';

/** The room's `m.room.power_levels` event, if it has one; read here so lazily loaded modules need nothing of the SDK's at run time. */
export function powerLevelsEvent(room: Room): MatrixEvent | undefined {
  return liveState(room)?.getStateEvents(EventType.RoomPowerLevels, '') ?? undefined;
}

/**
 * The room's power levels as the spec reads them: the creator's 100 when the room has no power-levels
 * event, and from room version 12 its creators above every level.
 */
export function roomPowerLevels(room: Room): PowerLevels {
  const state = liveState(room);
  const content = powerLevelsEvent(room)?.getContent();
  const create = state?.getStateEvents(EventType.RoomCreate, '');
  const createContent = create?.getContent() ?? {};
  const additional: unknown = createContent['additional_creators'];
  const version: unknown = createContent['room_version'];
  return parsePowerLevels(content, {
    creator: create?.getSender(),
    // A creation event without a version is a version 1 room.
    roomVersion: typeof version === 'string' ? version : '1',
    additionalCreators: Array.isArray(additional) ? additional : [],
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
 * The moderation part of a snapshot. The member list is built by moderation-members.ts, loaded the first time
 * the member may moderate (most members never do, so the engine chunk does not carry it); the snapshot has
 * no list until then, and `onMembersReady` asks for a new one once it can.
 */
export class ModerationReader {
  readonly #onMembersReady: () => void;
  #members: MemberListReader | undefined;
  #loading = false;

  constructor(onMembersReady: () => void) {
    this.#onMembersReady = onMembersReady;
  }

  /** `levels`: the room's power levels (`roomPowerLevels`), read once per snapshot. */
  read(room: Room, own: string, guest: boolean, levels: PowerLevels): ModerationView {
    const base = permissionsOf(levels, own);
    // A guest cannot kick, ban or change anything on Synapse, whatever the levels say.
    const permissions = guest ? { ...base, kick: false, ban: false, unban: false, changePower: false, redactOthers: false } : base;
    const standing = standingOf(room, own, levels);
    const view: { permissions: RoomPermissions; standing?: MemberStanding } = { permissions, ...(standing ? { standing } : {}) };
    if (!moderates(permissions) || room.getMyMembership() !== 'join') return view;
    const members = this.#memberList()?.read(room, own, levels, powerLevelsEvent(room)?.getId() ?? '');
    return members ? { ...view, members } : view;
  }

  #memberList(): MemberListReader | undefined {
    if (this.#members || this.#loading) return this.#members;
    this.#loading = true;
    import('./moderation-members.ts').then(
      ({ MemberListReader }) => {
        this.#members = new MemberListReader();
        this.#onMembersReady();
      },
      // The chunk could not be fetched (offline): the next snapshot tries again.
      () => (this.#loading = false),
    );
    return undefined;
  }
}
