/**
 * The member directory of a js-sdk room: js-sdk's room members read as the plain member records the
 * shared directory (members.ts) names by the one naming rule, with member infos reused from the
 * previous build when unchanged.
 */
import type { Room, RoomMember } from 'matrix-js-sdk';
import type { MemberInfo } from './timeline-types.ts';
import { asObject, asString } from './json.ts';
import { Members, type MemberRecord } from './members.ts';

function rawName(member: RoomMember): string | undefined {
  const fromEvent = asString(asObject(member.events.member?.getDirectionalContent())?.['displayname']);
  return fromEvent ?? (member.rawDisplayName === member.userId ? undefined : member.rawDisplayName);
}

/**
 * Member infos for one build. Names that could impersonate someone get the user id appended:
 * two members sharing a name, a name that looks like a user id, a name carrying bidi overrides.
 */
export class MemberDirectory extends Members {
  constructor(room: Room, previous: Map<string, MemberInfo> = new Map()) {
    super(records(room.getMembers()), (userId) => record(room.getMember(userId)), previous);
  }
}

function record(member: RoomMember | null): MemberRecord | undefined {
  if (!member) return undefined;
  return { userId: member.userId, membership: member.membership, rawName: rawName(member), avatarMxc: member.getMxcAvatarUrl() };
}

/** js-sdk's members as the naming rule counts them (only what counting names needs). */
function* records(members: readonly RoomMember[]): Iterable<MemberRecord> {
  for (const member of members) {
    yield { userId: member.userId, membership: member.membership, rawName: rawName(member), avatarMxc: undefined };
  }
}
