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
  readonly creator?: string | undefined;
  readonly roomVersion?: string | undefined;
  /** Anything but strings is ignored (the event's content is as a client sent it). */
  readonly additionalCreators?: readonly unknown[] | undefined;
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
  const creators = new Set(
    creatorsPrivileged(creation.roomVersion)
      ? [creator, ...(creation.additionalCreators ?? [])].filter((id): id is string => typeof id === 'string' && id !== '')
      : [],
  );
  const event = typeof content === 'object' && content !== null && !Array.isArray(content);
  const c = (event ? content : {}) as Record<string, unknown>;
  const notifications = c['notifications'];
  const room = typeof notifications === 'object' && notifications !== null ? (notifications as Record<string, unknown>)['room'] : undefined;
  return {
    // Without a power-levels event the creator has 100, everyone else the defaults.
    users: event ? levelMap(c['users']) : new Map(creator ? [[creator, ADMIN_LEVEL]] : []),
    creators,
    usersDefault: levelOf(c['users_default']) ?? DEFAULTS.usersDefault,
    events: levelMap(c['events']),
    eventsDefault: levelOf(c['events_default']) ?? DEFAULTS.eventsDefault,
    // Without a power-levels event, state events need 0, not 50.
    stateDefault: levelOf(c['state_default']) ?? (event ? DEFAULTS.stateDefault : 0),
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
