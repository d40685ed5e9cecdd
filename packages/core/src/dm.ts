/**
 * A direct conversation with one other member (`SessionHandle.openDirectRoom`): the room is found in
 * the member's `m.direct` account data (a room they are in, or one they are invited to, which they
 * join), or among the invitations the other member sent; otherwise the first message creates it, as
 * a trusted private chat with encryption on (messages typed before are kept across reloads, see
 * lazy-room.ts). Once the room is known, everything is the ordinary room model's
 * (`EngineSession.openRoom`). Part of the engine chunk: it drives the session's MatrixClient.
 */
import type { MSC3575SlidingSyncRequest } from 'matrix-js-sdk/lib/sliding-sync.js';
import type { EngineSession } from './engine.ts';
import { describeFailure, errorShape, LazyRoom, type Located } from './lazy-room.ts';
import type { MemberInfo } from './timeline-types.ts';
import type { OmniErrorInfo, RoomSnapshot } from './types.ts';

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

/** A stripped state event of an invitation, as sync gives it. */
interface StrippedState {
  readonly type?: unknown;
  readonly state_key?: unknown;
  readonly sender?: unknown;
  readonly content?: unknown;
}

/** Whether an invitation's stripped state says `inviter` invited `own` to a direct chat. */
export function isDirectInviteFrom(state: readonly StrippedState[], own: string, inviter: string): boolean {
  return state.some((event) => {
    if (event.type !== 'm.room.member' || event.state_key !== own || event.sender !== inviter) return false;
    const content = (event.content ?? {}) as Record<string, unknown>;
    return content['membership'] === 'invite' && content['is_direct'] === true;
  });
}

/** A connection of its own, so the one-off look-up for invitations never resets the engine's sliding sync. */
const INVITES_CONNECTION = 'omni-dm-invites';

/** One model per other member per session, shared by every element showing the conversation. */
export class DirectRoomModel extends LazyRoom {
  readonly #userId: string;
  #member: MemberInfo;

  constructor(session: EngineSession, userId: string, onDispose: () => void) {
    super(session, `dm:${userId}`, onDispose);
    this.#userId = userId;
    this.#member = { userId, displayName: userId };
  }

  get #client(): EngineSession['client'] {
    return this.session.client;
  }

  protected decorate(): Partial<RoomSnapshot> {
    return { directWith: this.#member };
  }

  protected absentState(): Partial<RoomSnapshot> {
    return { name: this.#member.displayName, encrypted: true, canSend: true };
  }

  protected refuseSend(snapshot: RoomSnapshot): string | undefined {
    return snapshot.status === 'error' ? (snapshot.error?.message ?? 'This conversation cannot be shown.') : undefined;
  }

  protected describe(error: unknown): OmniErrorInfo {
    return describe(error);
  }

  protected async locate(): Promise<Located> {
    const own = this.session.info.userId;
    const problem = directUserProblem(this.#userId, own);
    if (problem) {
      this.fail({ code: 'bad-user', message: problem });
      return 'settled';
    }
    if (this.session.info.guest) {
      this.fail({ code: 'guest-forbidden', message: 'Sign in with an account to send direct messages.' });
      return 'settled';
    }
    await this.session.whenSynced();
    // DMs are always encrypted: crypto starts while the room is looked up (after the first sync,
    // since starting it restarts the sync loop).
    this.session.ensureCrypto().catch(() => undefined);
    const [profile, roomId] = await Promise.all([this.#profile(), this.#findRoom()]);
    if (profile === 'unknown' && roomId === undefined) {
      this.fail({ code: 'unknown-user', message: `There is no user ${this.#userId} on their homeserver.` });
      return 'settled';
    }
    return roomId === undefined ? 'absent' : { roomId };
  }

  /** The other member's profile (their name in the header), or 'unknown' when the homeserver has no such user. */
  async #profile(): Promise<'found' | 'unknown' | 'unavailable'> {
    try {
      const profile = await this.#client.getProfileInfo(this.#userId);
      const name = typeof profile.displayname === 'string' ? profile.displayname.trim() : '';
      this.#member = {
        userId: this.#userId,
        displayName: name || this.#userId,
        ...(typeof profile.avatar_url === 'string' && profile.avatar_url.startsWith('mxc://') ? { avatarMxc: profile.avatar_url } : {}),
      };
      return 'found';
    } catch (error) {
      // Some homeservers hide profiles of users who share no room with the member: that is no proof of absence.
      // Synapse answers 404 for a local user without a profile row (`M_UNKNOWN`), not only `M_NOT_FOUND`.
      const { errcode, httpStatus } = errorShape(error);
      return errcode === 'M_NOT_FOUND' || httpStatus === 404 ? 'unknown' : 'unavailable';
    }
  }

  /** The DM room with the other member, joining it when the member was only invited. */
  async #findRoom(): Promise<string | undefined> {
    const direct = await this.#readDirect();
    // The newest entry first: after a lost creation race the latest room is the conversation.
    for (const roomId of directRoomsWith(direct, this.#userId).reverse()) {
      const membership = await this.#membership(roomId);
      if (membership === 'join') return roomId;
      if (membership === 'invite') {
        await this.#client.joinRoom(roomId);
        return roomId;
      }
    }
    const invited = await this.#findInvite();
    if (invited === undefined) return undefined;
    await this.#client.joinRoom(invited);
    // The invitee lists the room too, so that their other devices and clients find it.
    await this.#recordDirect(invited).catch((error: unknown) => {
      console.warn('[omni] could not record the direct room in m.direct', error);
    });
    return invited;
  }

  async #readDirect(): Promise<unknown> {
    try {
      return await this.#client.getAccountDataFromServer(DIRECT_EVENT as never);
    } catch (error) {
      if (errorShape(error).errcode === 'M_NOT_FOUND') return undefined;
      throw error;
    }
  }

  async #membership(roomId: string): Promise<string | undefined> {
    const stored = this.#client.getRoom(roomId)?.getMyMembership();
    if (stored === 'join' || stored === 'invite') return stored;
    try {
      const content = (await this.#client.getStateEvent(roomId, 'm.room.member', this.session.info.userId)) as Record<string, unknown>;
      return typeof content['membership'] === 'string' ? content['membership'] : undefined;
    } catch {
      // An invited member may not read the room's state: the invitation shows in sync instead.
      return this.#client.getRoom(roomId)?.getMyMembership();
    }
  }

  /**
   * A pending direct invitation from the other member. A classic sync has every invitation in the
   * store; the scoped sliding sync has none, so the server is asked once on a connection of its own.
   */
  async #findInvite(): Promise<string | undefined> {
    const own = this.session.info.userId;
    for (const room of this.#client.getRooms()) {
      if (room.getMyMembership() !== 'invite') continue;
      const member = room.getMember(own);
      if (member?.events.member?.getSender() === this.#userId && member.events.member.getContent()['is_direct'] === true) {
        return room.roomId;
      }
    }
    const request = {
      conn_id: INVITES_CONNECTION,
      lists: {
        invites: {
          ranges: [[0, 99]],
          timeline_limit: 0,
          required_state: [],
          filters: { is_invite: true },
        },
      },
    } as unknown as MSC3575SlidingSyncRequest;
    try {
      const response = await this.#client.slidingSync(request);
      // Synapse leaves `rooms` out of a response with no room in it.
      const rooms = response.rooms as Record<string, unknown> | undefined;
      for (const [roomId, data] of Object.entries(rooms ?? {})) {
        const state = (data as { invite_state?: readonly StrippedState[] }).invite_state ?? [];
        if (isDirectInviteFrom(state, own, this.#userId)) return roomId;
      }
    } catch (error) {
      const { errcode, httpStatus } = errorShape(error);
      // A homeserver without sliding sync: its classic sync already put invitations in the store.
      if (errcode === 'M_UNRECOGNIZED' || httpStatus === 404) return undefined;
      throw error;
    }
    return undefined;
  }

  async #recordDirect(roomId: string): Promise<void> {
    const direct = await this.#readDirect();
    if (directRoomsWith(direct, this.#userId).includes(roomId)) return;
    await this.#client.setAccountData(DIRECT_EVENT as never, withDirectRoom(direct, this.#userId, roomId) as never);
  }

  protected async createRoom(): Promise<Located> {
    // The other member must exist: an invitation to nobody would leave an empty encrypted room behind.
    const profile = await this.#profile();
    if (profile === 'unknown') {
      this.fail({ code: 'unknown-user', message: `There is no user ${this.#userId} on their homeserver.` });
      return 'settled';
    }
    const { room_id: roomId } = await this.#client.createRoom(directRoomCreateRequest(this.#userId) as never);
    if (this.isDisposed()) return 'settled';
    this.createdHere = true;
    await this.#recordDirect(roomId).catch((error: unknown) => {
      console.warn('[omni] could not record the direct room in m.direct', error);
    });
    return { roomId };
  }
}

function describe(error: unknown): OmniErrorInfo {
  return describeFailure(error, {
    busy: (seconds) => `The homeserver is busy: your conversation starts in ${seconds} s. Your message is kept.`,
    refused: (reason) => `The homeserver does not let you start this conversation${reason}. Your message is kept.`,
  });
}
