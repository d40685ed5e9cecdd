/**
 * What a moderator may do to each member and the levels muting sets, from the room's power levels
 * (power-levels.ts). Only a moderator's member list and commands need them, so they load with those
 * (moderation-members.ts, moderation.ts), outside the engine chunk.
 */
import {
  ADMIN_LEVEL,
  isMuted,
  messageLevel,
  MODERATOR_LEVEL,
  permissionsOf,
  userLevel,
  type ActionsOnMember,
  type MemberRole,
  type PowerLevels,
} from './power-levels.ts';

export function roleOf(levels: PowerLevels, userId: string): MemberRole {
  const level = userLevel(levels, userId);
  if (level >= ADMIN_LEVEL) return 'admin';
  if (level >= MODERATOR_LEVEL) return 'moderator';
  return isMuted(levels, userId) ? 'muted' : 'member';
}

export function actionsOn(levels: PowerLevels, actor: string, target: string): ActionsOnMember {
  const own = permissionsOf(levels, actor);
  const theirs = userLevel(levels, target);
  const above = actor !== target && own.level > theirs;
  const muted = isMuted(levels, target);
  // Changing a level needs the power-levels event's level, a target below the actor, and a new level not above the actor's.
  const mayChange = own.changePower && above;
  return {
    kick: own.kick && above,
    ban: own.ban && above,
    unban: own.unban && above,
    mute: mayChange && !muted && levels.usersDefault >= messageLevel(levels),
    unmute: mayChange && muted && unmutedLevel(levels) <= own.level,
    // Deleting one message of anyone's needs only the redact level; deleting a member's messages at once is an action on them.
    redact: own.redactOthers && above,
  };
}

/** The level a mute sets: just below what a message needs. */
export function mutedLevel(levels: PowerLevels): number {
  return messageLevel(levels) - 1;
}

/** The level an unmute restores: the room's default when that may write, else just what a message needs. */
export function unmutedLevel(levels: PowerLevels): number {
  return Math.max(levels.usersDefault, messageLevel(levels));
}

/**
 * The power-levels content with `userId` at `level`: its entry removed when that is the default, so
 * an unmuted member follows the room's default again. Every other key is kept as it was.
 */
export function withUserLevel(content: unknown, levels: PowerLevels, userId: string, level: number): Record<string, unknown> {
  const base = typeof content === 'object' && content !== null && !Array.isArray(content) ? (content as Record<string, unknown>) : {};
  const rawUsers = base['users'];
  const entries = typeof rawUsers === 'object' && rawUsers !== null && !Array.isArray(rawUsers) ? Object.entries(rawUsers) : [];
  const users = Object.fromEntries(entries.filter(([id]) => id !== userId));
  if (level !== levels.usersDefault) users[userId] = level;
  return { ...base, users };
}
