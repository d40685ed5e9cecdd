/**
 * A direct conversation with one other member (`SessionHandle.openDirectRoom`): the room is found in
 * the member's `m.direct` account data (a room they are in, or one they are invited to, which they
 * join), or among the invitations the other member sent; otherwise the first message creates it, as
 * a trusted private chat with encryption on (messages typed before are kept across reloads, see
 * lazy-room.ts). Once the room is known, everything is the ordinary room model's
 * (`RoomSession.openRoom`). Part of the engine chunk: it drives the session's MatrixClient.
 */
import type { RoomSession } from '../rooms/room-session.ts';
import { describeFailure, errorShape } from '../rooms/errors.ts';
import {
  DIRECT_EVENT,
  directRoomCreateRequest,
  directRoomsWith,
  directUserProblem,
  movedTxnId,
  preferredDirectRoom,
  withDirectRoom,
} from './direct-rules.ts';
import { directInvites } from './direct-invites.ts';
import { LazyRoom, type Located } from '../rooms/lazy-room.ts';
import type { StoredOutboxEntry } from '../outbox/outbox.ts';
import { roomOutbox } from '../outbox/sdk-transport.ts';
import type { MemberInfo } from '../timeline/timeline-types.ts';
import type { OmniErrorInfo, RoomSnapshot, Unsubscribe } from '../types.ts';

/** How long a conversation left behind may take to open and decrypt before its messages are moved. */
const MOVE_WAIT_MS = 20_000;
/** How often, and from how long a wait on, settling on one conversation is tried again after a failure. */
const CONVERGE_RETRIES = 5;
const CONVERGE_RETRY_MS = 2_000;
/** How long invitations are still listened for once the other member joined the conversation shown. */
const SETTLED_LISTEN_MS = 60_000;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One model per other member per session, shared by every element showing the conversation. */
export class DirectRoomModel extends LazyRoom {
  readonly #userId: string;
  #member: MemberInfo;
  /**
   * The conversations with the other member that are still open on both sides (each of them joined or
   * invited). Two exist when both started one at once; both sides then keep `preferredDirectRoom`.
   */
  readonly #rooms = new Set<string>();
  /** The room shown, once there is one. */
  #shown: string | undefined;
  #stopListening: Unsubscribe | undefined;
  /** Ends the listening once the conversation has been settled for `SETTLED_LISTEN_MS`. */
  #settling: ReturnType<typeof setTimeout> | undefined;
  /** Convergence runs one at a time, in the order asked. */
  #converging: Promise<void> = Promise.resolve();

  constructor(session: RoomSession, userId: string, onDispose: () => void) {
    super(session, `dm:${userId}`, onDispose);
    this.#userId = userId;
    this.#member = { userId, displayName: userId };
  }

  get #client(): RoomSession['client'] {
    return this.session.client;
  }

  override dispose(): void {
    clearTimeout(this.#settling);
    this.#stopListening?.();
    this.#stopListening = undefined;
    super.dispose();
  }

  protected decorate(): Partial<RoomSnapshot> {
    return { directWith: this.#member };
  }

  protected override publish(snapshot: RoomSnapshot): void {
    super.publish(snapshot);
    // Once the other member is in the room shown, a second conversation can only come from a creation that
    // was already under way on their side: listening stops after a while (a reload finds any later one).
    if (!this.#stopListening || this.#settling !== undefined || snapshot.status !== 'ready' || this.#shown === undefined) return;
    if (this.#rooms.size > 1 || this.#client.getRoom(this.#shown)?.getMember(this.#userId)?.membership !== 'join') return;
    this.#settling = setTimeout(() => {
      this.#settling = undefined;
      if (this.#rooms.size > 1) return;
      this.#stopListening?.();
      this.#stopListening = undefined;
    }, SETTLED_LISTEN_MS);
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
    // DMs are always encrypted: crypto starts while the first sync runs and the room is looked up (the
    // session restarts the sync loop for it only once the first sync has ended).
    this.session.ensureCrypto().catch(() => undefined);
    await this.session.whenSynced();
    // Listening first: an invitation sent while the rooms are looked up is not missed.
    this.#listen();
    const [profile, roomId] = await Promise.all([this.#profile(), this.#findRoom()]);
    if (profile === 'unknown' && roomId === undefined) {
      this.fail({ code: 'unknown-user', message: `There is no user ${this.#userId} on their homeserver.` });
      return 'settled';
    }
    if (roomId === undefined) return 'absent';
    this.#shown = roomId;
    // Conversations left behind (both members started one) are closed once this one shows.
    if (this.#rooms.size > 1) this.#converge();
    return { roomId };
  }

  #listen(): void {
    if (this.#stopListening || this.isDisposed()) return;
    this.#stopListening = directInvites(this.session).listen((roomId, inviter) => {
      if (inviter !== this.#userId || this.#rooms.has(roomId) || this.isDisposed()) return;
      this.#rooms.add(roomId);
      this.#converge();
    });
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

  /**
   * The conversation with the other member, joined: among the rooms `m.direct` lists for them and their
   * pending direct invitations, those both members are still in (joined or invited); of several (both
   * started one at once), the one both sides keep.
   */
  async #findRoom(): Promise<string | undefined> {
    const direct = await this.#readDirect();
    for (const roomId of directRoomsWith(direct, this.#userId)) {
      if (await this.#isOpenConversation(roomId)) this.#rooms.add(roomId);
    }
    for (const roomId of await directInvites(this.session).from(this.#userId)) this.#rooms.add(roomId);
    for (;;) {
      const chosen = preferredDirectRoom(this.#rooms);
      if (chosen === undefined) return undefined;
      try {
        await this.#join(chosen);
        return chosen;
      } catch (error) {
        // An invitation withdrawn meanwhile cannot be joined: the next room is the conversation.
        if (errorShape(error).httpStatus !== 403) throw error;
        this.#rooms.delete(chosen);
        directInvites(this.session).forget(chosen);
      }
    }
  }

  /** Whether the member is in `roomId` (joined or invited) and the other member too. */
  async #isOpenConversation(roomId: string): Promise<boolean> {
    const mine = await this.#membership(roomId, this.session.info.userId);
    if (mine === 'invite') return true;
    if (mine !== 'join') return false;
    const theirs = await this.#membership(roomId, this.#userId);
    return theirs === 'join' || theirs === 'invite';
  }

  /** Joins `roomId` if the member is only invited, and lists it in `m.direct` for their other devices and clients. */
  async #join(roomId: string): Promise<void> {
    if ((await this.#membership(roomId, this.session.info.userId)) !== 'join') await this.#client.joinRoom(roomId);
    await this.#recordDirect(roomId).catch((error: unknown) => {
      console.warn('[omni] could not record the direct room in m.direct', error);
    });
  }

  async #readDirect(): Promise<unknown> {
    try {
      return await this.#client.getAccountDataFromServer(DIRECT_EVENT as never);
    } catch (error) {
      if (errorShape(error).errcode === 'M_NOT_FOUND') return undefined;
      throw error;
    }
  }

  async #membership(roomId: string, userId: string): Promise<string | undefined> {
    const stored = this.#client.getRoom(roomId)?.getMember(userId)?.membership;
    if (stored === 'join' || stored === 'invite') return stored;
    try {
      const content = (await this.#client.getStateEvent(roomId, 'm.room.member', userId)) as Record<string, unknown>;
      return typeof content['membership'] === 'string' ? content['membership'] : undefined;
    } catch {
      // An invited member may not read the room's state: the invitation shows in sync instead.
      return userId === this.session.info.userId ? (this.#client.getRoom(roomId)?.getMyMembership() ?? undefined) : undefined;
    }
  }

  async #recordDirect(roomId: string): Promise<void> {
    const direct = await this.#readDirect();
    if (directRoomsWith(direct, this.#userId).includes(roomId)) return;
    await this.#client.setAccountData(DIRECT_EVENT as never, withDirectRoom(direct, this.#userId, roomId) as never);
  }

  /**
   * Settles on the conversation both members keep: shows it (joining it when only invited, live,
   * without a reload), moves the member's own messages out of any other one and leaves it. Each side
   * moves only what it wrote, so between them nothing written is lost.
   */
  #converge(attempt = 0): void {
    this.#converging = this.#converging
      .then(() => this.#convergeOnce())
      .catch((error: unknown) => {
        if (this.isDisposed()) return;
        console.warn('[omni] could not settle on one direct conversation', error);
        // A busy or unreachable homeserver: tried again, later each time, while two conversations remain.
        if (attempt >= CONVERGE_RETRIES) return;
        setTimeout(
          () => {
            if (!this.isDisposed() && this.#rooms.size > 1) this.#converge(attempt + 1);
          },
          CONVERGE_RETRY_MS * 2 ** attempt,
        );
      });
  }

  async #convergeOnce(): Promise<void> {
    // A room that arrives meanwhile (an invitation, this member's own creation) may be the one to keep:
    // after each step the choice is made again, so a room is left only while a smaller one is known.
    for (;;) {
      const chosen = preferredDirectRoom(this.#rooms);
      if (chosen === undefined || this.isDisposed()) return;
      if (this.#shown !== chosen) {
        await this.#join(chosen);
        if (this.isDisposed() || preferredDirectRoom(this.#rooms) !== chosen) continue;
        this.#shown = chosen;
        this.switchTo(chosen);
      }
      const other = [...this.#rooms].find((roomId) => roomId !== chosen);
      if (other === undefined) return;
      if ((await this.#membership(other, this.session.info.userId)) === 'join') await this.#moveOwnMessages(other, chosen);
      if (this.isDisposed()) return;
      if (preferredDirectRoom(this.#rooms) !== chosen) continue;
      // Leaving an invitation declines it.
      await this.#client.leave(other);
      directInvites(this.session).forget(other);
      this.#rooms.delete(other);
    }
  }

  /**
   * Sends the member's own messages of `from` again in `to`, through `to`'s outbox (encrypted like every
   * message there, stored until sent). The latest messages the room brings are enough: two conversations
   * exist only when both members started one at once. Each keeps a transaction id of its own, so a move
   * repeated by this device (left before leaving `from`) is stored once. Messages still on their way in
   * `from` after the wait (a slow homeserver, keys still being shared) leave its outbox for `to`'s.
   */
  async #moveOwnMessages(from: string, to: string): Promise<void> {
    const source = this.session.openRoom(from);
    const target = this.session.openRoom(to);
    try {
      await until(
        () =>
          source.snapshot.status === 'ready' &&
          // Sent (a message still on its way has no event to move yet) and readable.
          !source.snapshot.items.some((item) => item.kind === 'message' && item.own && (item.undecryptable || item.status !== 'sent')),
        MOVE_WAIT_MS,
      );
      // Sent once the room is loaded with its encryption state and crypto runs, never in the clear.
      await until(() => target.snapshot.status === 'ready', MOVE_WAIT_MS);
      if (target.snapshot.status !== 'ready') throw new Error('the conversation kept did not open');
      if (this.isDisposed()) return;
      // Read and taken in one go, so that a message is either an event of `from` or still in its outbox.
      const entries = [...this.#sentMessages(from), ...roomOutbox(this.session, from).takeUnsent()];
      if (entries.length === 0) return;
      const outbox = roomOutbox(this.session, to);
      outbox.adopt(entries);
      await outbox.flushed();
    } finally {
      source.release();
      target.release();
    }
  }

  /** The member's own messages in `from`'s loaded timeline, as outbox entries for another room. */
  #sentMessages(from: string): StoredOutboxEntry[] {
    const own = this.session.info.userId;
    const room = this.#client.getRoom(from);
    // Sent but not yet back from sync, a message is still among the pending events, with its event id.
    const events = room ? [...room.getLiveTimeline().getEvents(), ...room.getPendingEvents()] : [];
    const seen = new Set<string>();
    return events.flatMap((event): StoredOutboxEntry[] => {
      const id = event.getId();
      if (!id || id.startsWith('~') || seen.has(id)) return [];
      seen.add(id);
      if (event.getSender() !== own || event.getType() !== 'm.room.message' || event.isRedacted()) return [];
      if (event.isDecryptionFailure() || event.getRelation()?.rel_type === 'm.replace') return [];
      // A reply or thread points at an event of the room left behind: the text goes, the relation does not.
      const content = { ...event.getContent() };
      delete content['m.relates_to'];
      return [
        { txnId: movedTxnId(id), request: { op: 'event', type: 'm.room.message', content }, createdAt: event.getTs(), status: 'queued' },
      ];
    });
  }

  protected async createRoom(): Promise<Located> {
    // Another conversation arrived meanwhile (the other member started one): the first message goes there.
    const known = preferredDirectRoom(this.#rooms);
    if (known !== undefined) {
      await this.#join(known);
      this.#shown = known;
      return { roomId: known };
    }
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
    this.#rooms.add(roomId);
    // The other member's conversation, started at the same time, may be the one both keep.
    if (this.#shown === undefined) this.#shown = roomId;
    if (this.#rooms.size > 1) this.#converge();
    return { roomId };
  }
}

/** Resolves once `condition` holds, or after `timeoutMs` whatever it says. */
async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await delay(100);
}

function describe(error: unknown): OmniErrorInfo {
  return describeFailure(error, {
    busy: (seconds) => `The homeserver is busy: your conversation starts in ${seconds} s. Your message is kept.`,
    refused: (reason) => `The homeserver does not let you start this conversation${reason}. Your message is kept.`,
  });
}
