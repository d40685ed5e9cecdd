/**
 * What a member may do in a room, computed from `m.room.power_levels` exactly as the Matrix spec's
 * authorization rules read it: per-user levels (`users`, else `users_default`), per-event-type levels
 * (`events`, else `events_default` for messages and `state_default` for state), and the levels of
 * `ban`, `kick`, `redact`, `invite` and `notifications.room`. Pure: plain JSON in, plain answers out,
 * so the rules are tested on fixtures without a homeserver.
 */

/** The spec's defaults for keys a power-levels event leaves out. */
const DEFAULTS = {
  ban: 50,
  kick: 50,
  redact: 50,
  invite: 0,
  eventsDefault: 0,
  stateDefault: 50,
  usersDefault: 0,
  notificationsRoom: 50,
} as const;

/** Levels at or above which a member is shown as an admin or a moderator (the levels every client names so). */
export const ADMIN_LEVEL = 100;
export const MODERATOR_LEVEL = 50;

/**
 * The level of a room creator where room versions 12 and later make creators all-powerful (above any
 * level `users` can give); a finite number, so snapshots stay plain JSON.
 */
export const CREATOR_LEVEL = Number.MAX_SAFE_INTEGER;

/** A power-levels event's content, every level resolved. */
export interface PowerLevels {
  readonly users: ReadonlyMap<string, number>;
  /** Room version 12 and later: the creators, above every level (`CREATOR_LEVEL`). */
  readonly creators: ReadonlySet<string>;
  readonly usersDefault: number;
  readonly events: ReadonlyMap<string, number>;
  readonly eventsDefault: number;
  readonly stateDefault: number;
  readonly ban: number;
  readonly kick: number;
  readonly redact: number;
  readonly invite: number;
  readonly notificationsRoom: number;
}

/** The kinds of role a member list shows. */
export type MemberRole = 'admin' | 'moderator' | 'member' | 'muted';

/** What the signed-in member may do in the room, as elements render it. */
export interface RoomPermissions {
  /** The member's own power level. */
  readonly level: number;
  readonly sendMessages: boolean;
  readonly redactOwn: boolean;
  /** Delete other members' messages. */
  readonly redactOthers: boolean;
  /** Kick, ban and unban members whose level is below theirs (the level of each action reached). */
  readonly kick: boolean;
  readonly ban: boolean;
  readonly unban: boolean;
  /** Change members' power levels (below their own): what muting and unmuting is. */
  readonly changePower: boolean;
  readonly invite: boolean;
  /** Mention the whole room (`@room`). */
  readonly notifyRoom: boolean;
}

/** An integer level: numbers, and the integer strings old room versions allowed; anything else is absent. */
function levelOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) return Number.parseInt(value.trim(), 10);
  return undefined;
}

function levelMap(value: unknown): Map<string, number> {
  const map = new Map<string, number>();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return map;
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    const level = levelOf(raw);
    if (level !== undefined) map.set(key, level);
  }
  return map;
}

/** The room's creation as it matters to power: who created it, with whom (`additional_creators`), in which version. */
export interface RoomCreation {
  readonly creator?: string;
  readonly roomVersion?: string;
  readonly additionalCreators?: readonly string[];
}

/** Room versions where creators hold unlimited power (12 and later, and the hydra test versions before them). */
export function creatorsPrivileged(roomVersion: string | undefined): boolean {
  if (!roomVersion) return false;
  if (roomVersion.startsWith('org.matrix.hydra')) return true;
  return /^\d+$/.test(roomVersion) && Number(roomVersion) >= 12;
}

/**
 * Reads a power-levels event's content. Without one (`undefined`), the spec gives the room's creator
 * 100 and everyone else 0, and every action needs 0 except ban, kick and redact (50). In room versions
 * 12 and later the creators are above every level, whatever `users` says.
 */
export function parsePowerLevels(content: unknown, creation: RoomCreation = {}): PowerLevels {
  const { creator } = creation;
  const creators = new Set<string>(
    creatorsPrivileged(creation.roomVersion) ? [...(creator ? [creator] : []), ...(creation.additionalCreators ?? [])] : [],
  );
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    return {
      users: new Map(creator ? [[creator, ADMIN_LEVEL]] : []),
      creators,
      usersDefault: 0,
      events: new Map(),
      eventsDefault: 0,
      stateDefault: 0,
      ban: DEFAULTS.ban,
      kick: DEFAULTS.kick,
      redact: DEFAULTS.redact,
      invite: DEFAULTS.invite,
      notificationsRoom: DEFAULTS.notificationsRoom,
    };
  }
  const c = content as Record<string, unknown>;
  const notifications = c['notifications'];
  const room = typeof notifications === 'object' && notifications !== null ? (notifications as Record<string, unknown>)['room'] : undefined;
  return {
    users: levelMap(c['users']),
    creators,
    usersDefault: levelOf(c['users_default']) ?? DEFAULTS.usersDefault,
    events: levelMap(c['events']),
    eventsDefault: levelOf(c['events_default']) ?? DEFAULTS.eventsDefault,
    stateDefault: levelOf(c['state_default']) ?? DEFAULTS.stateDefault,
    ban: levelOf(c['ban']) ?? DEFAULTS.ban,
    kick: levelOf(c['kick']) ?? DEFAULTS.kick,
    redact: levelOf(c['redact']) ?? DEFAULTS.redact,
    invite: levelOf(c['invite']) ?? DEFAULTS.invite,
    notificationsRoom: levelOf(room) ?? DEFAULTS.notificationsRoom,
  };
}

export function userLevel(levels: PowerLevels, userId: string): number {
  if (levels.creators.has(userId)) return CREATOR_LEVEL;
  return levels.users.get(userId) ?? levels.usersDefault;
}

/** The level needed to send an event of `type`: its own entry, else the default for messages or state. */
export function eventLevel(levels: PowerLevels, type: string, state: boolean): number {
  return levels.events.get(type) ?? (state ? levels.stateDefault : levels.eventsDefault);
}

/** The level needed to send a message (`m.room.message`). */
export function messageLevel(levels: PowerLevels): number {
  return eventLevel(levels, 'm.room.message', false);
}

export function permissionsOf(levels: PowerLevels, userId: string): RoomPermissions {
  const level = userLevel(levels, userId);
  const sendRedaction = level >= eventLevel(levels, 'm.room.redaction', false);
  const changePower = level >= eventLevel(levels, 'm.room.power_levels', true);
  const kick = level >= levels.kick;
  const ban = level >= levels.ban;
  return {
    level,
    sendMessages: level >= messageLevel(levels),
    redactOwn: sendRedaction,
    redactOthers: sendRedaction && level >= levels.redact,
    kick,
    ban,
    // Lifting a ban is a membership change by someone else: it needs the ban level and the kick level.
    unban: ban && kick,
    changePower,
    invite: level >= levels.invite,
    notifyRoom: level >= levels.notificationsRoom,
  };
}

/**
 * Whether `userId` is muted: ordinary members may write, and this one's level is below what a message
 * needs. A room where only moderators write does not mute its members; it is read-only for them.
 */
export function isMuted(levels: PowerLevels, userId: string): boolean {
  const needed = messageLevel(levels);
  return levels.usersDefault >= needed && userLevel(levels, userId) < needed;
}

export function roleOf(levels: PowerLevels, userId: string): MemberRole {
  const level = userLevel(levels, userId);
  if (level >= ADMIN_LEVEL) return 'admin';
  if (level >= MODERATOR_LEVEL) return 'moderator';
  return isMuted(levels, userId) ? 'muted' : 'member';
}

/** What `actor` may do to `target` (another member): each needs the action's level and a higher level than the target's. */
export interface ActionsOnMember {
  readonly kick: boolean;
  readonly ban: boolean;
  readonly unban: boolean;
  readonly mute: boolean;
  readonly unmute: boolean;
  /** Delete the member's messages. */
  readonly redact: boolean;
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
