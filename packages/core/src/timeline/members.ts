/**
 * The member directory's naming rule, the same for every path (the engine reads members from js-sdk's room
 * state, the light read from member events): names that could impersonate someone get the user id
 * appended — two members sharing a name, a name that looks like a user id, a name carrying bidi overrides.
 * Pure: plain member records in, shown names out.
 */
import type { MemberInfo } from './timeline-types.ts';
import type { MemberNames } from './timeline-rules.ts';
import { BIDI, LOOKS_LIKE_USER_ID, nameKey, sanitiseName } from './text-rules.ts';
import { asObject, asString, type Json } from './json.ts';

/** One member as the directory reads them, from whichever state the path has. */
export interface MemberRecord {
  readonly userId: string;
  readonly membership: string | undefined;
  /** The display name as set (unsanitised); undefined when none. */
  readonly rawName: string | undefined;
  readonly avatarMxc: string | undefined;
}

/** Counts names among joined and invited members, and shows names by the shared rule. */
export class NameRule {
  readonly #counts = new Map<string, number>();

  constructor(members: Iterable<MemberRecord>) {
    for (const member of members) {
      if ((member.membership !== 'join' && member.membership !== 'invite') || member.rawName === undefined) continue;
      const key = nameKey(sanitiseName(member.rawName));
      this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    }
  }

  /** The name shown for `userId` carrying `raw`: the user id when there is none, with it appended when ambiguous. */
  shown(userId: string, raw: string | undefined): string {
    const name = raw === undefined ? '' : sanitiseName(raw);
    if (name === '' || name === userId) return userId;
    const ambiguous =
      (this.#counts.get(nameKey(name)) ?? 0) > 1 || LOOKS_LIKE_USER_ID.test(name) || (raw !== undefined && raw.replace(BIDI, '') !== raw);
    return ambiguous ? `${name} (${userId})` : name;
  }
}

/** A member's info: the previous build's object when nothing in it changed, so unchanged tiles keep theirs. */
export function memberInfo(
  userId: string,
  displayName: string,
  avatarMxc: string | undefined,
  previous: MemberInfo | undefined,
): MemberInfo {
  if (previous && previous.displayName === displayName && previous.avatarMxc === avatarMxc) return previous;
  return { userId, displayName, ...(avatarMxc ? { avatarMxc } : {}) };
}

/** Member records from plain `m.room.member` events, oldest first: a later event replaces an earlier one. */
export function memberRecords(events: readonly Json[]): Map<string, MemberRecord> {
  const members = new Map<string, MemberRecord>();
  for (const event of events) {
    const userId = asString(event['state_key']);
    if (event['type'] !== 'm.room.member' || userId === undefined) continue;
    const content = asObject(event['content']) ?? {};
    const avatar = asString(content['avatar_url']);
    members.set(userId, {
      userId,
      membership: asString(content['membership']),
      rawName: asString(content['displayname']),
      avatarMxc: avatar?.startsWith('mxc://') ? avatar : undefined,
    });
  }
  return members;
}

/**
 * Member infos for one build, by the naming rule: what every path's timeline names members with. `records`
 * are the members whose names count for ambiguity; `lookup` finds one member's record (undefined: not a
 * member, shown by user id); `previous` holds the last build's infos, reused when unchanged.
 */
export class Members implements MemberNames {
  readonly #lookup: (userId: string) => MemberRecord | undefined;
  readonly #previous: ReadonlyMap<string, MemberInfo>;
  readonly #current = new Map<string, MemberInfo>();
  readonly #rule: NameRule;

  constructor(
    records: Iterable<MemberRecord>,
    lookup: (userId: string) => MemberRecord | undefined,
    previous: ReadonlyMap<string, MemberInfo> = new Map(),
  ) {
    this.#lookup = lookup;
    this.#previous = previous;
    this.#rule = new NameRule(records);
  }

  /** The infos handed out by this build, to be the next build's `previous`. */
  get current(): Map<string, MemberInfo> {
    return this.#current;
  }

  get(userId: string): MemberInfo {
    const known = this.#current.get(userId);
    if (known) return known;
    const member = this.#lookup(userId);
    const info = memberInfo(userId, this.#rule.shown(userId, member?.rawName), member?.avatarMxc, this.#previous.get(userId));
    this.#current.set(userId, info);
    return info;
  }

  name(userId: string): string {
    return this.get(userId).displayName;
  }

  /** A name from an event (e.g. the `displayname` of a membership change), made safe the same way. */
  nameFrom(userId: string, raw: string | undefined): string {
    return raw === undefined ? this.get(userId).displayName : this.#rule.shown(userId, raw);
  }
}

/** The directory of plain member events (state, then the timeline's, which are newer). */
export function membersOf(memberEvents: readonly Json[]): Members {
  const records = memberRecords(memberEvents);
  return new Members(records.values(), (userId) => records.get(userId));
}
