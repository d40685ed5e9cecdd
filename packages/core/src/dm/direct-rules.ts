/** The rules of direct conversations, on plain data: `m.direct`, who may be the other member, which room both sides keep. */

/** The account data event listing a member's direct rooms: user id → room ids (spec, client-server API). */
export const DIRECT_EVENT = 'm.direct';

export type DirectRooms = Readonly<Record<string, readonly string[]>>;

/**
 * Why `userId` cannot be the other member of a DM, in words, or undefined when it can. The grammar is
 * the spec's (historical user ids included): `@localpart:server`, server with an optional port.
 */
export function directUserProblem(userId: string, ownUserId: string): string | undefined {
  const match = /^@([^:\s]+):([^\s/]+)$/u.exec(userId);
  if (!match || userId.length > 255) {
    return `"${userId}" is not a Matrix user id; use @username:server, for example @bob:example.org.`;
  }
  if (userId === ownUserId) return 'You cannot start a direct conversation with yourself.';
  return undefined;
}

/** The rooms `m.direct` lists for `userId`, newest last; anything malformed is ignored. */
export function directRoomsWith(content: unknown, userId: string): string[] {
  if (typeof content !== 'object' || content === null) return [];
  const rooms: unknown = (content as Record<string, unknown>)[userId];
  return Array.isArray(rooms) ? rooms.filter((room): room is string => typeof room === 'string' && room.startsWith('!')) : [];
}

/** `m.direct` with `roomId` listed for `userId` (last), keeping every other entry as it was. */
export function withDirectRoom(content: unknown, userId: string, roomId: string): Record<string, string[]> {
  const next: Record<string, string[]> = {};
  if (typeof content === 'object' && content !== null) {
    for (const [user, rooms] of Object.entries(content as Record<string, unknown>)) {
      if (Array.isArray(rooms)) next[user] = rooms.filter((room): room is string => typeof room === 'string');
    }
  }
  next[userId] = [...(next[userId] ?? []).filter((room) => room !== roomId), roomId];
  return next;
}

/** The `createRoom` body of a DM: trusted private chat, the other member invited, always encrypted. */
export function directRoomCreateRequest(userId: string): {
  is_direct: true;
  invite: string[];
  preset: 'trusted_private_chat';
  initial_state: { type: string; state_key: string; content: Record<string, unknown> }[];
} {
  return {
    is_direct: true,
    invite: [userId],
    preset: 'trusted_private_chat',
    initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
  };
}

/** Whichever of two direct rooms with the same member both sides keep: the same answer on each side. */
export function preferredDirectRoom(roomIds: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const roomId of roomIds) if (best === undefined || roomId < best) best = roomId;
  return best;
}

/** The transaction id of a message moved from a conversation left behind: the same on every attempt of this device. */
export function movedTxnId(eventId: string): string {
  return `omni-moved-${eventId.replace(/[^A-Za-z0-9._~-]/gu, '_')}`;
}
