/**
 * The direct invitations a session receives, for every `<omni-dm>` of the page that waits for one
 * (dm.ts). Part of the engine chunk: it drives the session's MatrixClient.
 */
import { RoomEvent } from 'matrix-js-sdk';
import type { MSC3575SlidingSyncRequest } from 'matrix-js-sdk/lib/sliding-sync.js';
import { errorShape } from '../rooms/errors.ts';
import type { RoomSession } from '../rooms/room-session.ts';
import type { Unsubscribe } from '../types.ts';

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

/** A connection of its own, so that watching for invitations never resets the engine's sliding sync. */
const INVITES_CONNECTION = 'omni-dm-invites';
/** How long the server may hold the invitations' long-poll open. */
const INVITES_POLL_MS = 30_000;
/** The wait before asking again after the invitations' long-poll failed. */
const INVITES_RETRY_MS = 5_000;
/**
 * The direct invitations a session receives, live, for every `<omni-dm>` of the page that waits for
 * one. A classic sync brings invitations into the store. The scoped sliding sync brings none, so one
 * long-poll of its own (whatever the number of conversations waiting) lists them, and runs only while
 * a conversation waits: one that has no room yet, or whose other member has not joined (or joined
 * less than `SETTLED_LISTEN_MS` ago, while their own creation may still be under way).
 */
export class DirectInvites {
  readonly #session: RoomSession;
  readonly #listeners = new Set<(roomId: string, inviter: string) => void>();
  /** Invitations listed by the long-poll: room id → its stripped state. */
  readonly #listed = new Map<string, readonly StrippedState[]>();
  /** The long-poll's first answer (all invitations as they were then), while it runs. */
  #current: Promise<unknown> | undefined;
  #abort: AbortController | undefined;
  #unsupported = false;

  constructor(session: RoomSession) {
    this.#session = session;
    session.client.on(RoomEvent.MyMembership, (room, membership) => {
      const invitation = membership === 'invite' ? room.getMember(session.info.userId)?.events.member : undefined;
      const inviter = invitation?.getSender();
      if (!inviter || invitation?.getContent()['is_direct'] !== true) return;
      for (const listener of this.#listeners) listener(room.roomId, inviter);
    });
  }

  /** Pending direct invitations from `inviter`. */
  async from(inviter: string): Promise<string[]> {
    const own = this.#session.info.userId;
    const found = new Set<string>();
    for (const room of this.#session.client.getRooms()) {
      if (room.getMyMembership() !== 'invite') continue;
      const member = room.getMember(own);
      if (member?.events.member?.getSender() === inviter && member.events.member.getContent()['is_direct'] === true) found.add(room.roomId);
    }
    await (this.#current ?? this.#request(undefined, 0, undefined));
    for (const [roomId, state] of this.#listed) if (isDirectInviteFrom(state, own, inviter)) found.add(roomId);
    return [...found];
  }

  /** The member declined (or left) `roomId`: it is no invitation any more. */
  forget(roomId: string): void {
    this.#listed.delete(roomId);
  }

  /** Calls `listener` with each invitation that arrives, until unsubscribed. */
  listen(listener: (roomId: string, inviter: string) => void): Unsubscribe {
    this.#listeners.add(listener);
    if (this.#abort === undefined && !this.#unsupported) void this.#poll();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) {
        this.#abort?.abort();
        this.#abort = undefined;
        this.#current = undefined;
      }
    };
  }

  async #request(pos: string | undefined, timeout: number, signal: AbortSignal | undefined): Promise<string | undefined> {
    const request = {
      conn_id: INVITES_CONNECTION,
      ...(pos === undefined ? {} : { pos, timeout }),
      lists: { invites: { ranges: [[0, 99]], timeline_limit: 0, required_state: [], filters: { is_invite: true } } },
    } as unknown as MSC3575SlidingSyncRequest;
    try {
      const response = await this.#session.client.slidingSync(request, undefined, signal);
      const own = this.#session.info.userId;
      // A new connection lists every pending invitation: whatever was listed before may have been answered since.
      if (pos === undefined) this.#listed.clear();
      // Synapse leaves `rooms` out of a response with no room in it.
      const rooms = response.rooms as Record<string, unknown> | undefined;
      for (const [roomId, data] of Object.entries(rooms ?? {})) {
        const state = (data as { invite_state?: readonly StrippedState[] }).invite_state;
        if (!state) continue;
        const fresh = !this.#listed.has(roomId);
        this.#listed.set(roomId, state);
        const inviter = inviterOf(state, own);
        if (fresh && inviter !== undefined && isDirectInviteFrom(state, own, inviter))
          for (const listener of this.#listeners) listener(roomId, inviter);
      }
      return response.pos;
    } catch (error) {
      const { errcode, httpStatus } = errorShape(error);
      // A homeserver without sliding sync: its classic sync puts invitations in the store (and tells the listeners).
      if (errcode === 'M_UNRECOGNIZED' || httpStatus === 404) {
        this.#unsupported = true;
        return undefined;
      }
      throw error;
    }
  }

  async #poll(): Promise<void> {
    const abort = new AbortController();
    this.#abort = abort;
    // Read through a call: the checks after each `await` must not be narrowed away.
    const stopped = (): boolean => abort.signal.aborted || this.#unsupported;
    let pos: string | undefined;
    while (!stopped()) {
      try {
        const answer = this.#request(pos, INVITES_POLL_MS, abort.signal);
        if (pos === undefined) this.#current = answer.catch(() => undefined);
        pos = await answer;
        if (pos === undefined && !stopped()) await delay(INVITES_RETRY_MS);
      } catch {
        if (stopped()) return;
        // The connection expired or the server is away: start the connection again in a moment.
        pos = undefined;
        await delay(INVITES_RETRY_MS);
      }
    }
  }
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Who invited `own`, from an invitation's stripped state. */
function inviterOf(state: readonly StrippedState[], own: string): string | undefined {
  const event = state.find((e) => e.type === 'm.room.member' && e.state_key === own);
  return typeof event?.sender === 'string' ? event.sender : undefined;
}

const invitesBySession = new WeakMap<RoomSession, DirectInvites>();
/** The session's one watcher of direct invitations. */
export function directInvites(session: RoomSession): DirectInvites {
  let invites = invitesBySession.get(session);
  if (!invites) invitesBySession.set(session, (invites = new DirectInvites(session)));
  return invites;
}
