/**
 * What the timeline shows of state changes, the same for every path that builds one (the engine's
 * `computeTimeline` and the light read's `plainTimeline`), so a post's discussion keeps its look when
 * the light read hands over to the engine. Pure: plain event facts in, lines as data out (the elements word
 * them in the reader's language); no SDK.
 *
 * - A room's set-up is not shown: the creator's first run of state events (creation, their own join,
 *   power levels, join rules, history visibility, guest access, encryption, name, topic, avatar, aliases,
 *   the post binding, the power they give back right after) ends at the first event that is not one of
 *   them. What the creator changes after anyone else did anything is shown as a change.
 * - Some state is never shown: the creation itself, history visibility, guest access, aliases, server
 *   ACLs, the post binding, and power level changes that move nobody's level.
 * - Consecutive membership changes become one line ("Alice and 3 others joined", "Bob joined and left"),
 *   as groups of members and what they did (the elements word it), with each change kept as its own line
 *   for an expanded or accessible view.
 */
import { POST_BINDING_EVENT } from '../posts/posts.ts';
import { asNumber, asObject, asString, type Json } from './json.ts';
import type {
  MemberLine,
  MembershipGroup,
  MembershipStep,
  MembershipStepKind,
  MembershipTransition,
  PowerLevelChange,
  PowerRole,
  RoomLine,
} from './timeline-types.ts';

/** A state event as the rules read it, whichever path parsed it. */
export interface StateChange {
  readonly type: string;
  readonly sender: string;
  readonly stateKey: string;
  readonly content: Json;
  /** `unsigned.prev_content`, when the server sent it. */
  readonly prevContent: Json | undefined;
}

/** How a path names members: the same disambiguation rules in both (text-rules.ts). */
export interface MemberNames {
  /** The member's name as shown now. */
  name(userId: string): string;
  /** A name carried by an event (a membership's `displayname`), made safe the same way; the member's name when undefined. */
  nameFrom(userId: string, raw: string | undefined): string;
}

// ---------------------------------------------------------------------------------------------
// Set-up

/**
 * Follows a room's set-up through its events, oldest first: `take()` says whether each event belongs to
 * it. When the creation is not among the loaded events (only the latest are), a run of state events from
 * one sender at the very start of what is loaded still counts when each is the first of its kind in the
 * room (no `prev_content`) or power levels: that is the tail of a set-up, never a member's later change,
 * which replaces earlier state. Memberships there are never taken: they may be anyone's join.
 */
export class SetupRun {
  #open = true;
  #creator: string | undefined;
  #sawCreate = false;

  /** `stateKey` undefined: not a state event. `replacesState`: the server sent a `prev_content` / `replaces_state`. */
  take(type: string, sender: string, stateKey: string | undefined, membership: string | undefined, replacesState: boolean): boolean {
    if (type === 'm.room.create' && stateKey === '') {
      this.#open = true;
      this.#sawCreate = true;
      this.#creator = sender;
      return true;
    }
    if (!this.#open) return false;
    if (stateKey === undefined) return this.#close();
    this.#creator ??= sender;
    if (sender !== this.#creator) return this.#close();
    if (type === 'm.room.member') {
      if (this.#sawCreate && stateKey === sender && membership === 'join') return true;
      return this.#close();
    }
    if (!this.#sawCreate && replacesState && type !== 'm.room.power_levels') return this.#close();
    return true;
  }

  #close(): false {
    this.#open = false;
    return false;
  }
}

/** State never shown as a line: it says how the room works, not what happened in the discussion. */
const NEVER_SHOWN: ReadonlySet<string> = new Set([
  'm.room.create',
  'm.room.history_visibility',
  'm.room.guest_access',
  'm.room.canonical_alias',
  'm.room.aliases',
  'm.room.server_acl',
  POST_BINDING_EVENT,
]);

// ---------------------------------------------------------------------------------------------
// Lines for state changes

function powerRole(level: number, usersDefault: number): PowerRole {
  if (level === usersDefault) return { role: 'default', level };
  return { role: level === 100 ? 'admin' : level === 50 ? 'moderator' : 'custom', level };
}

function powerMap(content: Json | undefined): Map<string, number> {
  const users = new Map<string, number>();
  const raw = asObject(content?.['users']);
  if (raw) {
    for (const [userId, level] of Object.entries(raw)) {
      const n = asNumber(level);
      if (n !== undefined) users.set(userId, n);
    }
  }
  return users;
}

function powerLevelsLine(actor: string, content: Json, prev: Json | undefined, names: MemberNames): RoomLine | null {
  const usersDefault = asNumber(content['users_default']) ?? 0;
  const prevDefault = asNumber(prev?.['users_default']) ?? 0;
  const before = powerMap(prev);
  const after = powerMap(content);
  const changes: PowerLevelChange[] = [];
  for (const userId of new Set([...before.keys(), ...after.keys()])) {
    const from = before.get(userId) ?? prevDefault;
    const to = after.get(userId) ?? usersDefault;
    if (from !== to) changes.push({ member: names.name(userId), from: powerRole(from, prevDefault), to: powerRole(to, usersDefault) });
  }
  // Permissions of actions (who may redact, change the topic…) mean nothing to the people reading.
  return changes.length === 0 ? null : { kind: 'power-levels-changed', actor, changes };
}

/** The line of a room change (not a membership: see `membershipChange`); `null` to skip; `undefined` for malformed. */
export function stateLine(change: StateChange, names: MemberNames): RoomLine | null | undefined {
  const { content, prevContent: prev } = change;
  if (NEVER_SHOWN.has(change.type)) return null;
  const actor = names.name(change.sender);
  switch (change.type) {
    case 'm.room.name': {
      const name = content['name'];
      if (name !== undefined && typeof name !== 'string') return undefined;
      return name ? { kind: 'room-renamed', actor, name } : { kind: 'room-name-removed', actor };
    }
    case 'm.room.topic': {
      const topic = content['topic'];
      if (topic !== undefined && typeof topic !== 'string') return undefined;
      return topic ? { kind: 'topic-changed', actor, topic } : { kind: 'topic-removed', actor };
    }
    case 'm.room.avatar':
      return { kind: asString(content['url']) ? 'room-avatar-changed' : 'room-avatar-removed', actor };
    case 'm.room.encryption':
      return { kind: 'encryption-enabled', actor };
    case 'm.room.power_levels':
      return powerLevelsLine(actor, content, prev, names);
    case 'm.room.join_rules': {
      const rule = asString(content['join_rule']);
      if (rule === undefined) return undefined;
      return { kind: rule === 'public' ? 'room-made-public' : rule === 'invite' ? 'room-made-invite-only' : 'join-rule-changed', actor };
    }
    case 'm.room.tombstone':
      return { kind: 'room-replaced', actor };
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Membership changes

/** One membership change: its own line, and what the summary of a run of them needs. */
export interface MembershipChange {
  readonly userId: string;
  /** The member's name after this change; `null` for a guest who chose none (counted in summaries, never named). */
  readonly name: string | null;
  readonly line: MemberLine;
  readonly transition: MembershipTransition;
}

/**
 * A guest: Synapse refuses all-numeric localparts to registrations, keeping them for guest accounts.
 * Guests are counted in summaries, not named: their ids say nothing about who reads.
 */
export function isGuestId(userId: string): boolean {
  return /^@\d+:/u.test(userId);
}

/** A membership change as a line and a transition; `null` when nothing visible changed; `undefined` for malformed. */
export function membershipChange(change: StateChange, names: MemberNames): MembershipChange | null | undefined {
  const { content, prevContent: prev, stateKey: target, sender } = change;
  const membership = asString(content['membership']);
  if (membership === undefined) return undefined;
  const prevMembership = asString(prev?.['membership']);
  // Synapse names a guest after its number: "a guest" says more than "1 joined".
  const guest = isGuestId(target);
  const localpart = target.slice(1, target.indexOf(':'));
  const nameOf = (raw: string | undefined): string | null =>
    guest && (raw === undefined || raw.trim() === '' || raw === localpart) ? null : names.nameFrom(target, raw);
  const name = nameOf(asString(content['displayname']) ?? asString(prev?.['displayname']));
  const actor = names.name(sender);
  const self = sender === target;
  // A reason is shown for what someone decided (left, invited, removed…), not for joining or renaming.
  const reason = membership === 'join' ? undefined : asString(content['reason']) || undefined;
  const made = (transition: MembershipTransition, kind: MemberLine['kind'], member = name, newName?: string | null): MembershipChange => ({
    userId: target,
    name,
    line: { kind, member, actor, ...(newName ? { newName } : {}), ...(reason ? { reason } : {}) },
    transition,
  });
  switch (membership) {
    case 'join': {
      if (prevMembership !== 'join') return made('joined', 'joined');
      const oldName = asString(prev?.['displayname']);
      const newName = asString(content['displayname']);
      if (oldName !== newName) {
        if (newName === undefined) return made('renamed', 'display-name-removed', nameOf(oldName));
        if (oldName === undefined) return made('renamed', 'display-name-set', nameOf(undefined), name);
        return made('renamed', 'display-name-changed', nameOf(oldName), name);
      }
      if (prev?.['avatar_url'] !== content['avatar_url']) return made('avatar', 'avatar-changed');
      return null;
    }
    case 'invite':
      return made('invited', 'invited');
    case 'ban':
      return made('banned', 'banned');
    case 'knock':
      return made('knocked', 'knocked');
    case 'leave':
      if (self) return prevMembership === 'invite' ? made('rejected', 'rejected-invitation') : made('left', 'left');
      if (prevMembership === 'ban') return made('unbanned', 'unbanned');
      if (prevMembership === 'invite') return made('withdrawn', 'invitation-withdrawn');
      return made('removed', 'removed');
    default:
      return undefined;
  }
}

/** What one member did during a run, as steps: joined; joined and left; left and rejoined, 2 times. */
function steps(transitions: readonly MembershipTransition[]): MembershipStep[] {
  const kept: MembershipTransition[] = [];
  for (const t of transitions) {
    const last = kept[kept.length - 1];
    // Setting a name or avatar while joining is part of joining; several changes of a name are one.
    if ((t === 'renamed' || t === 'avatar') && (last === 'joined' || last === t)) continue;
    kept.push(t);
  }
  const kinds: MembershipStepKind[] = [];
  for (let i = 0; i < kept.length; i++) {
    const pair = PAIRS[`${kept[i] ?? ''} ${kept[i + 1] ?? ''}`];
    if (pair) i += 1;
    kinds.push(pair ?? (kept[i] as MembershipTransition));
  }
  const counted: MembershipStep[] = [];
  for (let i = 0; i < kinds.length;) {
    let times = 1;
    while (kinds[i + times] === kinds[i]) times += 1;
    counted.push({ kind: kinds[i] as MembershipStepKind, times });
    i += times;
  }
  return counted;
}

/** Two changes in a row that read as one step. */
const PAIRS: Readonly<Record<string, MembershipStepKind>> = {
  'joined left': 'joined-and-left',
  'left joined': 'left-and-rejoined',
  'invited joined': 'invited-and-joined',
};

/**
 * One line for consecutive membership changes, as data the elements word in the reader's language: members who
 * did the same are one group, groups in order of first appearance ("Alice, Bob and 9 others joined, Carol left");
 * guests who chose no name are counted, never named.
 */
export function membershipGroups(changes: readonly MembershipChange[]): MembershipGroup[] {
  const people = new Map<string, { name: string | null; guest: boolean; transitions: MembershipTransition[] }>();
  for (const change of changes) {
    const person = people.get(change.userId);
    if (person) {
      person.name = change.name;
      person.transitions.push(change.transition);
    } else people.set(change.userId, { name: change.name, guest: change.name === null, transitions: [change.transition] });
  }
  const groups = new Map<string, { steps: MembershipStep[]; names: string[]; guests: number }>();
  for (const person of people.values()) {
    const did = steps(person.transitions);
    const key = did.map((step) => `${step.kind} ${String(step.times)}`).join(',');
    const group = groups.get(key) ?? { steps: did, names: [], guests: 0 };
    groups.set(key, group);
    if (person.guest || person.name === null) group.guests += 1;
    else group.names.push(person.name);
  }
  return [...groups.values()];
}
