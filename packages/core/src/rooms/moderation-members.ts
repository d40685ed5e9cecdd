/**
 * A moderator's member list for the snapshot: the room's joined, invited and banned members with their
 * roles and what the signed-in member may do to each. Loaded by moderation-state.ts the first time the
 * member may moderate, outside the engine chunk. It imports no module that imports matrix-js-sdk (what it
 * needs of the room comes as arguments): otherwise the bundler splits the SDK out of the engine chunk, which
 * costs the engine more than this module weighs.
 */
import type { Room } from 'matrix-js-sdk';
import type { RoomMember } from '../types.ts';
import { actionsOn, roleOf } from './member-actions.ts';
import type { PowerLevels } from './power-levels.ts';

/** The longest member list a snapshot carries; a moderator of a larger room searches instead. */
const MAX_MEMBERS = 500;

const ROLE_ORDER = { admin: 0, moderator: 1, member: 2, muted: 3 } as const;

/** Keeps the list (same array) while the members and levels did not change, so an open list does not render again on every message. */
export class MemberListReader {
  #key = '';
  #members: readonly RoomMember[] = [];

  /** `levelsId`: the power-levels event's id, which changes with every change of levels. */
  read(room: Room, own: string, levels: PowerLevels, levelsId: string): readonly RoomMember[] {
    const members = room.getMembers().filter((m) => m.membership === 'join' || m.membership === 'invite' || m.membership === 'ban');
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
