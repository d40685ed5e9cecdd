/**
 * The member directory of a js-sdk room: the shared naming rule (members.ts) over the room's current
 * member state, with member infos reused from the previous build when unchanged.
 */
import type { Room, RoomMember } from 'matrix-js-sdk';
import type { MemberInfo } from './timeline-types.ts';
import type { MemberNames } from './timeline-rules.ts';
import { asObject, asString } from './json.ts';
import { memberInfo, NameRule, type MemberRecord } from './members.ts';

function rawName(member: RoomMember): string | undefined {
  const fromEvent = asString(asObject(member.events.member?.getDirectionalContent())?.['displayname']);
  return fromEvent ?? (member.rawDisplayName === member.userId ? undefined : member.rawDisplayName);
}

/**
 * Member infos for one build. Names that could impersonate someone get the user id appended:
 * two members sharing a name, a name that looks like a user id, a name carrying bidi overrides.
 */
export class MemberDirectory implements MemberNames {
  readonly #room: Room;
  readonly #previous: Map<string, MemberInfo>;
  readonly #current = new Map<string, MemberInfo>();
  readonly #rule: NameRule;

  constructor(room: Room, previous: Map<string, MemberInfo> = new Map()) {
    this.#room = room;
    this.#previous = previous;
    this.#rule = new NameRule(records(room.getMembers()));
  }

  /** The infos handed out by this build, to be the next build's `previous`. */
  get current(): Map<string, MemberInfo> {
    return this.#current;
  }

  get(userId: string): MemberInfo {
    const known = this.#current.get(userId);
    if (known) return known;
    const member = this.#room.getMember(userId);
    const raw = member ? rawName(member) : undefined;
    const info = memberInfo(userId, this.#rule.shown(userId, raw), member?.getMxcAvatarUrl(), this.#previous.get(userId));
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

/** js-sdk's members as the shared naming rule reads them (only what counting names needs). */
function* records(members: readonly RoomMember[]): Iterable<MemberRecord> {
  for (const member of members) {
    yield { userId: member.userId, membership: member.membership, rawName: rawName(member), avatarMxc: undefined };
  }
}
