/**
 * A direct conversation with one other member (`SessionHandle.openDirectRoom`): the room is found in
 * the member's `m.direct` account data (a room they are in, or one they are invited to, which they
 * join), or among the invitations the other member sent; otherwise the first message creates it, as
 * a trusted private chat with encryption on. Once the room is known, everything is the ordinary room
 * model's (`EngineSession.openRoom`). Part of the engine chunk: it drives the session's MatrixClient.
 */
import type { MSC3575SlidingSyncRequest } from 'matrix-js-sdk/lib/sliding-sync.js';
import type { EngineSession } from './engine.ts';
import type { MemberInfo, MessageItem } from './timeline-types.ts';
import type { MediaRequest, OmniErrorInfo, RoomHandle, RoomSnapshot, Unsubscribe } from './types.ts';

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

const EMPTY: RoomSnapshot = {
  status: 'loading',
  items: [],
  canSend: false,
  hasMoreBefore: false,
  paginating: false,
  typing: [],
  unreadCount: 0,
};

/** A connection of its own, so the one-off look-up for invitations never resets the engine's sliding sync. */
const INVITES_CONNECTION = 'omni-dm-invites';

interface MatrixErrorShape {
  errcode?: string;
  httpStatus?: number;
  data?: { error?: string };
}

function errorShape(error: unknown): MatrixErrorShape {
  return typeof error === 'object' && error !== null ? error : {};
}

interface PendingMessage {
  readonly key: string;
  readonly body: string;
  readonly replyTo?: string;
  readonly timestamp: number;
  status: 'sending' | 'failed';
}

let pendingCount = 0;

/** One model per other member per session, shared by every element showing the conversation. */
export class DirectRoomModel {
  readonly #session: EngineSession;
  readonly #userId: string;
  readonly #onDispose: () => void;
  readonly #listeners = new Set<(snapshot: RoomSnapshot) => void>();
  #snapshot: RoomSnapshot = EMPTY;
  #member: MemberInfo;
  #inner: RoomHandle | undefined;
  #innerUnsubscribe: Unsubscribe | undefined;
  #pending: PendingMessage[] = [];
  #creating: Promise<void> | undefined;
  #createdHere = false;
  #holders = 0;
  #disposed = false;

  constructor(session: EngineSession, userId: string, onDispose: () => void) {
    this.#session = session;
    this.#userId = userId;
    this.#member = { userId, displayName: userId };
    this.#onDispose = onDispose;
    void this.#start();
  }

  get snapshot(): RoomSnapshot {
    return this.#snapshot;
  }

  hold(): RoomHandle {
    this.#holders += 1;
    return new DirectRoomHolder(this);
  }

  subscribe(listener: (snapshot: RoomSnapshot) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  release(): void {
    this.#holders -= 1;
    if (this.#holders === 0) this.dispose();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#innerUnsubscribe?.();
    this.#inner?.release();
    this.#inner = undefined;
    this.#listeners.clear();
    this.#onDispose();
  }

  #isDisposed(): boolean {
    return this.#disposed;
  }

  get #client(): EngineSession['client'] {
    return this.#session.client;
  }

  #publish(snapshot: RoomSnapshot): void {
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener(snapshot);
  }

  #fail(error: OmniErrorInfo): void {
    this.#publish({ ...EMPTY, status: 'error', error, directWith: this.#member });
  }

  async #start(): Promise<void> {
    const own = this.#session.info.userId;
    const problem = directUserProblem(this.#userId, own);
    if (problem) {
      this.#fail({ code: 'bad-user', message: problem });
      return;
    }
    if (this.#session.info.guest) {
      this.#fail({ code: 'forbidden', message: 'Sign in with an account to send direct messages.' });
      return;
    }
    try {
      await this.#session.whenSynced();
      // DMs are always encrypted: crypto starts while the room is looked up (after the first sync,
      // since starting it restarts the sync loop).
      this.#session.ensureCrypto().catch(() => undefined);
      const [profile, roomId] = await Promise.all([this.#profile(), this.#findRoom()]);
      if (this.#isDisposed()) return;
      if (profile === 'unknown' && roomId === undefined) {
        this.#fail({ code: 'unknown-user', message: `There is no user ${this.#userId} on their homeserver.` });
        return;
      }
      if (roomId === undefined) {
        this.#publishAbsent();
        return;
      }
      this.#attach(roomId);
    } catch (error) {
      if (!this.#isDisposed()) this.#fail(describe(error));
    }
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
      const content = (await this.#client.getStateEvent(roomId, 'm.room.member', this.#session.info.userId)) as Record<string, unknown>;
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
    const own = this.#session.info.userId;
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

  /** From here on the ordinary room model shows the room; messages typed before it existed are sent. */
  #attach(roomId: string): void {
    if (this.#isDisposed() || this.#inner) return;
    const inner = this.#session.openRoom(roomId);
    this.#inner = inner;
    const forward = (snapshot: RoomSnapshot): void => {
      if (snapshot.status === 'ready') this.#flushPending(inner);
      const pendingItems = this.#pendingItems();
      this.#publish({
        ...snapshot,
        directWith: this.#member,
        ...(this.#createdHere ? { createdHere: true } : {}),
        ...(snapshot.status === 'loading' && this.#pending.length > 0 ? { status: 'creating' as const, canSend: true } : {}),
        items: pendingItems.length > 0 ? [...snapshot.items, ...pendingItems] : snapshot.items,
      });
    };
    this.#innerUnsubscribe = inner.subscribe(forward);
    forward(inner.snapshot);
  }

  #flushPending(inner: RoomHandle): void {
    const queued = this.#pending;
    if (queued.length === 0) return;
    this.#pending = [];
    for (const message of queued) void inner.send(message.body, message.replyTo ? { replyTo: message.replyTo } : undefined);
  }

  #publishAbsent(error?: OmniErrorInfo): void {
    this.#publish({
      ...EMPTY,
      status: 'absent',
      name: this.#member.displayName,
      directWith: this.#member,
      items: this.#pendingItems(),
      canSend: true,
      ...(error ? { error } : {}),
    });
  }

  #pendingItems(): MessageItem[] {
    const own = this.#session.info.userId;
    const sender: MemberInfo = { userId: own, displayName: own };
    return this.#pending.map((message) => ({
      kind: 'message',
      key: message.key,
      sender,
      own: true,
      timestamp: message.timestamp,
      msgtype: 'text',
      body: message.body,
      edited: false,
      redacted: false,
      ...(message.replyTo ? { replyTo: { eventId: message.replyTo } } : {}),
      reactions: [],
      status: message.status,
      continuation: false,
      readBy: [],
    }));
  }

  send(body: string, options: { replyTo?: string } = {}): Promise<void> {
    if (this.#inner && this.#snapshot.status === 'ready') return this.#inner.send(body, options);
    if (this.#snapshot.status === 'error')
      return Promise.reject(new Error(this.#snapshot.error?.message ?? 'This conversation cannot be shown.'));
    pendingCount += 1;
    this.#pending.push({
      key: `~dm-${pendingCount}-${Date.now()}`,
      body,
      ...(options.replyTo ? { replyTo: options.replyTo } : {}),
      timestamp: Date.now(),
      status: 'sending',
    });
    if (this.#inner) {
      // The room is being opened: the message goes out once it is ready.
      this.#publish({ ...this.#snapshot, items: [...this.#snapshot.items, ...this.#pendingItems().slice(-1)] });
      return Promise.resolve();
    }
    void this.#create();
    return Promise.resolve();
  }

  /** Creates the DM (once: later messages wait for the same creation). */
  #create(): Promise<void> {
    this.#creating ??= this.#createOnce().finally(() => {
      this.#creating = undefined;
    });
    this.#publish({ ...this.#snapshot, status: 'creating', items: this.#pendingItems(), canSend: true });
    return this.#creating;
  }

  async #createOnce(): Promise<void> {
    for (const message of this.#pending) message.status = 'sending';
    try {
      // The other member must exist: an invitation to nobody would leave an empty encrypted room behind.
      const profile = await this.#profile();
      if (profile === 'unknown') {
        this.#fail({ code: 'unknown-user', message: `There is no user ${this.#userId} on their homeserver.` });
        return;
      }
      const { room_id: roomId } = await this.#client.createRoom(directRoomCreateRequest(this.#userId) as never);
      if (this.#isDisposed()) return;
      this.#createdHere = true;
      await this.#recordDirect(roomId).catch((error: unknown) => {
        console.warn('[omni] could not record the direct room in m.direct', error);
      });
      this.#attach(roomId);
    } catch (error) {
      if (this.#isDisposed()) return;
      for (const message of this.#pending) message.status = 'failed';
      this.#publishAbsent(describe(error));
    }
  }

  retry(key: string): Promise<void> {
    if (this.#pending.some((message) => message.key === key)) return this.#inner ? Promise.resolve() : this.#create();
    return this.#inner ? this.#inner.retry(key) : Promise.resolve();
  }

  cancel(key: string): Promise<void> {
    const before = this.#pending.length;
    this.#pending = this.#pending.filter((message) => message.key !== key);
    if (this.#pending.length !== before) {
      if (this.#snapshot.status === 'absent') this.#publishAbsent(this.#pending.length > 0 ? this.#snapshot.error : undefined);
      else this.#publish({ ...this.#snapshot, items: this.#snapshot.items.filter((item) => item.key !== key) });
      return Promise.resolve();
    }
    return this.#inner ? this.#inner.cancel(key) : Promise.resolve();
  }

  /** The ordinary room model, for commands that need an existing room. */
  inner(): RoomHandle | undefined {
    return this.#inner;
  }

  loadMedia(request: MediaRequest): Promise<string> {
    return this.#session.loadMedia(request);
  }
}

function describe(error: unknown): OmniErrorInfo {
  const shape = errorShape(error);
  const reason = shape.data?.error;
  if (shape.httpStatus === 429 || shape.errcode === 'M_LIMIT_EXCEEDED') {
    return { code: 'rate-limited', message: 'The homeserver is busy; try again in a moment. Your message is kept.' };
  }
  if (shape.httpStatus === 403 || shape.errcode === 'M_FORBIDDEN') {
    return {
      code: 'creation-refused',
      message: `The homeserver does not let you start this conversation${reason ? ` (${reason})` : ''}. Your message is kept.`,
    };
  }
  if (shape.errcode !== undefined) return { code: 'unknown', message: reason ?? shape.errcode };
  return { code: 'network', message: 'The homeserver cannot be reached; check the connection.' };
}

/** One element's hold on a shared DM model; commands that need the room wait for it to exist. */
class DirectRoomHolder implements RoomHandle {
  #model: DirectRoomModel | undefined;
  readonly #unsubscribes = new Set<Unsubscribe>();

  constructor(model: DirectRoomModel) {
    this.#model = model;
  }

  get snapshot(): RoomSnapshot {
    return this.#model?.snapshot ?? EMPTY;
  }

  subscribe(listener: (snapshot: RoomSnapshot) => void): Unsubscribe {
    const unsubscribe = this.#model?.subscribe(listener) ?? (() => undefined);
    this.#unsubscribes.add(unsubscribe);
    return () => {
      this.#unsubscribes.delete(unsubscribe);
      unsubscribe();
    };
  }

  #held(): DirectRoomModel {
    if (!this.#model) throw new Error('This conversation was already released.');
    return this.#model;
  }

  #room(): RoomHandle | undefined {
    return this.#held().inner();
  }

  send = (body: string, options?: { replyTo?: string }): Promise<void> => this.#held().send(body, options);
  retry = (key: string): Promise<void> => this.#held().retry(key);
  cancel = (key: string): Promise<void> => this.#held().cancel(key);
  edit = (eventId: string, body: string): Promise<void> => this.#room()?.edit(eventId, body) ?? Promise.resolve();
  redact = (eventId: string, reason?: string): Promise<void> => this.#room()?.redact(eventId, reason) ?? Promise.resolve();
  toggleReaction = (eventId: string, key: string): Promise<void> => this.#room()?.toggleReaction(eventId, key) ?? Promise.resolve();
  paginateBackwards = (limit?: number): Promise<boolean> => this.#room()?.paginateBackwards(limit) ?? Promise.resolve(false);
  setTyping = (typing: boolean): void => this.#room()?.setTyping(typing);
  markRead = (eventId: string): void => this.#room()?.markRead(eventId);
  searchMembers = (query: string, limit?: number): Promise<readonly MemberInfo[]> =>
    this.#room()?.searchMembers(query, limit) ?? Promise.resolve([]);
  loadMedia = (request: MediaRequest): Promise<string> => this.#held().loadMedia(request);

  release(): void {
    for (const unsubscribe of this.#unsubscribes) unsubscribe();
    this.#unsubscribes.clear();
    this.#model?.release();
    this.#model = undefined;
  }
}
