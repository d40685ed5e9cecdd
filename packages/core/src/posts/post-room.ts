/**
 * A post's discussion room: the alias is resolved and the room's binding checked before anything is
 * shown; a room that does not exist yet is created by the first message (messages typed before are
 * kept across reloads, see lazy-room.ts). A world-readable room the reader is not in is read from
 * outside (peek.ts), so that reading announces nobody; the first message joins it. Once the member is
 * in the room and it is bound to the post, everything is the ordinary room model's (`RoomSession.openRoom`).
 * Finding the room and checking its binding: post-room-binding.ts.
 * Part of the engine chunk: it drives the session's MatrixClient, whose errors it reads by shape.
 */
import { EventTimeline } from 'matrix-js-sdk';
import type { RoomSession } from '../rooms/room-session.ts';
import { describeFailure, errorShape } from '../rooms/errors.ts';
import { LazyRoom, type Located } from '../rooms/lazy-room.ts';
import { LOADING } from '../rooms/shared-model.ts';
import { creatorStepDown, postRoomAlias, postRoomCreateRequest, type BindingVerdict, type PostRoomTarget } from './posts.ts';
import {
  awaitCompanion,
  BINDING_POLL_MS,
  BINDING_WAIT_MS,
  bindingVerdict,
  guestAccessOf,
  isRoomMember,
  readBinding,
  resolvePostAlias,
} from './post-room-binding.ts';
import { RoomPeek, type PeekAccount } from '../sync/peek.ts';
import { companionFor, type SiteCompanion } from './companion.ts';
import { noteJoined } from '../rooms/room-model.ts';
import { OmniError, type OmniErrorInfo, type RoomSnapshot, type ThreadHandle } from '../types.ts';
import { OutsideThread } from '../threads/outside-thread.ts';
import { noteVisitorThreadRead } from '../threads/visitor-reads.ts';

export const MISMATCH_MESSAGE = "This discussion's address points to another room.";
/** A guest on a post whose room only its members may read (e.g. an `open` post whose room was made members-only). */
export const MEMBERS_ONLY_MESSAGE = 'Only members can read this discussion. Sign in to read it and take part.';
export const UNAVAILABLE_MESSAGE = "This discussion is not available right now: the site's chat service is not answering.";

/** The post's alias on the member's homeserver, or why the post id cannot have one. */
function aliasOf(session: RoomSession, post: PostRoomTarget): { alias: string } | { problem: string } {
  const own = session.info.userId;
  try {
    return {
      alias: postRoomAlias(post.id, {
        serverName: own.slice(own.indexOf(':') + 1),
        ...(post.aliasTemplate ? { template: post.aliasTemplate } : {}),
      }),
    };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

/** One model per post per session, shared by every element showing the post. */
export class PostRoomModel extends LazyRoom {
  readonly #post: PostRoomTarget;
  readonly #alias: string | undefined;
  readonly #aliasProblem: string | undefined;
  /** The room read from outside while the member has not written in it. */
  #peek: RoomPeek | undefined;
  /** A guest may join the room read from outside (its `m.room.guest_access` is `can_join`). */
  #guestMayJoin = false;
  /** The site's companion, when the homeserver has one: it alone creates and binds post rooms. */
  #companion: SiteCompanion | undefined;

  constructor(session: RoomSession, post: PostRoomTarget, onDispose: () => void) {
    const alias = aliasOf(session, post);
    super(session, 'alias' in alias ? alias.alias : undefined, onDispose);
    this.#post = post;
    this.#alias = 'alias' in alias ? alias.alias : undefined;
    this.#aliasProblem = 'problem' in alias ? alias.problem : undefined;
  }

  get #client(): RoomSession['client'] {
    return this.session.client;
  }

  protected decorate(): Partial<RoomSnapshot> {
    return this.#alias ? { alias: this.#alias } : {};
  }

  protected absentState(): Partial<RoomSnapshot> {
    const guest = this.session.info.guest === true;
    const named = {
      ...(this.#post.title ? { name: this.#post.title } : {}),
      ...(this.#post.url ? { topic: this.#post.url } : {}),
    };
    if (this.#peek) {
      const canSend = !guest || this.#guestMayJoin;
      return { ...named, encrypted: false, canSend, ...(canSend ? {} : { cannotSendReason: 'sign-in-to-take-part' as const }) };
    }
    return {
      ...named,
      encrypted: this.#post.open !== true,
      canSend: !guest,
      ...(guest ? { cannotSendReason: 'sign-in-to-start' as const } : {}),
    };
  }

  override dispose(): void {
    this.#peek?.stop();
    this.#peek = undefined;
    super.dispose();
  }

  protected override paginateOutside(limit?: number): Promise<boolean> {
    return this.#peek ? this.#peek.paginateBackwards(limit) : Promise.resolve(false);
  }

  protected override openOutsideThread(rootId: string): ThreadHandle | undefined {
    const peek = this.#peek;
    if (!peek) return undefined;
    // The summaries under the roots count what came after the read point the reader just moved.
    const onRead = (root: string, readTs: number): void => {
      if (noteVisitorThreadRead(peek.roomId, root, readTs) && this.#peek === peek)
        this.showOutside({ roomId: peek.roomId, ...peek.view() });
    };
    return new OutsideThread(this.#peekAccount(), peek.roomId, rootId, () => peek.memberEvents, onRead);
  }

  protected refuseSend(snapshot: RoomSnapshot): string | undefined {
    return snapshot.status === 'mismatch' ? MISMATCH_MESSAGE : undefined;
  }

  protected async locate(): Promise<Located> {
    if (this.#aliasProblem !== undefined) {
      this.fail({ code: 'bad-room', message: this.#aliasProblem });
      return 'settled';
    }
    // The look-up requests are ordinary requests: they overlap the first sync instead of waiting for it
    // (the room model watches the room before that sync completes, so it carries the room).
    const synced = this.session.whenSynced();
    synced.catch(() => undefined);
    const [companion, resolved] = await Promise.all([
      companionFor(this.session.info.homeserverUrl, this.#post).catch(() => undefined),
      resolvePostAlias(this.#client, this.#alias),
    ]);
    this.#companion = companion;
    const roomId =
      resolved ??
      (companion
        ? await awaitCompanion({
            isDisposed: () => this.isDisposed(),
            unavailable: () => this.fail({ code: 'discussion-unavailable', message: UNAVAILABLE_MESSAGE }),
            resolve: () => resolvePostAlias(this.#client, this.#alias),
          })
        : undefined);
    if (this.isDisposed()) return 'settled';
    if (roomId === undefined) {
      if (!this.session.info.guest) await synced;
      return 'absent';
    }
    const guest = this.session.info.guest === true;
    // Whether the reader is in the room already, its binding, and (in case they are not) its latest
    // messages read from outside, all at once.
    const peek = new RoomPeek(
      this.#peekAccount(),
      roomId,
      (view) => {
        if (this.#peek === peek) this.showOutside({ roomId, ...view });
      },
      (error) => {
        if (this.#peek === peek) this.#outsideGone(error);
      },
    );
    // Stopped on every way out but one: the room is shown from outside.
    let outsideShown = false;
    try {
      const [member, binding, outside, guestAccess] = await Promise.all([
        isRoomMember(this.#client, roomId, this.session.info.userId),
        readBinding(this.#client, roomId),
        peek.read().then(
          () => undefined,
          (error: unknown) => (error instanceof Error ? error : new Error('The discussion cannot be read.')),
        ),
        guest ? guestAccessOf(this.#client, roomId) : undefined,
      ]);
      if (this.isDisposed()) return 'settled';
      if (member) {
        await synced;
        return await this.#open(roomId, { waitForBinding: false });
      }
      const forbidden = binding === 'forbidden' || (outside instanceof OmniError && outside.code === 'forbidden');
      if (outside !== undefined && !forbidden) throw outside;
      if (forbidden) {
        // Only its members may read the room: a member joins to check its binding; a guest is asked to sign in.
        if (guest) {
          this.fail({ code: 'forbidden', message: MEMBERS_ONLY_MESSAGE });
          return 'settled';
        }
        await synced;
        return await this.#open(roomId, { waitForBinding: false });
      }
      if (bindingVerdict(binding, this.#post.id, this.#companion) !== 'verified') {
        this.#publishMismatch(roomId);
        return 'settled';
      }
      this.#guestMayJoin = (guestAccess as { guest_access?: unknown } | undefined)?.guest_access === 'can_join';
      this.#peek = peek;
      outsideShown = true;
      peek.follow();
      this.showOutside({ roomId, ...peek.view() });
      return 'absent';
    } finally {
      if (!outsideShown) peek.stop();
    }
  }

  /** The session's account, for reading rooms from outside (its token read at each request: it may be refreshed). */
  #peekAccount(): PeekAccount {
    const client = this.#client;
    const { homeserverUrl, userId } = this.session.info;
    return {
      homeserverUrl,
      userId,
      get accessToken(): string {
        return client.getAccessToken() ?? '';
      },
    };
  }

  /** The room read from outside stopped being readable (its history visibility changed). */
  #outsideGone(error: OmniError): void {
    if (this.#peek === undefined || this.isDisposed()) return;
    this.#peek = undefined;
    this.showOutside(undefined);
    this.fail(this.session.info.guest ? { code: 'forbidden', message: MEMBERS_ONLY_MESSAGE } : error);
  }

  /**
   * Checks the room's binding: the room to show when it names this post, otherwise a mismatch is shown.
   * A room that is not world-readable can only be checked by a member: the member joins, and leaves
   * again when the room turns out to belong elsewhere.
   */
  async #open(roomId: string, options: { waitForBinding: boolean }): Promise<Located> {
    const deadline = Date.now() + (options.waitForBinding ? BINDING_WAIT_MS : 0);
    let joinedToCheck = false;
    let verdict: BindingVerdict;
    for (;;) {
      const read = await readBinding(this.#client, roomId);
      if (read === 'forbidden' && !joinedToCheck) {
        await this.#client.joinRoom(roomId, { viaServers: [roomId.slice(roomId.indexOf(':') + 1)] });
        joinedToCheck = true;
        continue;
      }
      verdict = read === 'forbidden' ? 'unbound' : bindingVerdict(read, this.#post.id, this.#companion);
      // The alias of a room being created exists before the room's state does.
      if (verdict !== 'unbound' || Date.now() >= deadline || this.isDisposed()) break;
      await new Promise((resolve) => setTimeout(resolve, BINDING_POLL_MS));
    }
    if (this.isDisposed()) return 'settled';
    if (verdict !== 'verified') {
      if (joinedToCheck) await this.#client.leave(roomId).catch(() => undefined);
      this.#publishMismatch(roomId);
      return 'settled';
    }
    return { roomId };
  }

  #publishMismatch(roomId: string): void {
    this.publish({
      ...LOADING,
      status: 'mismatch',
      roomId,
      cannotSendReason: 'post-mismatch',
      error: { code: 'binding-mismatch', message: MISMATCH_MESSAGE },
    });
  }

  protected override onReady(roomId: string): void {
    void this.#stepDown(roomId);
  }

  /**
   * The creator needs power 100 while Synapse writes the room's first state; afterwards they are an
   * ordinary member unless the site made them a moderator. Checked on every open, so an interrupted
   * step-down is finished later.
   */
  async #stepDown(roomId: string): Promise<void> {
    const own = this.session.info.userId;
    try {
      // Only the creator is lowered: a member the moderators promoted keeps their level.
      const creator = this.createdHere
        ? own
        : this.#client
            .getRoom(roomId)
            ?.getLiveTimeline()
            .getState(EventTimeline.FORWARDS)
            ?.getStateEvents('m.room.create', '')
            ?.getSender();
      if (creator !== own) return;
      const levels = (await this.#client.getStateEvent(roomId, 'm.room.power_levels', '')) as Record<string, unknown>;
      const lowered = creatorStepDown(levels, own, this.#post);
      if (lowered) await this.#client.sendStateEvent(roomId, 'm.room.power_levels' as never, lowered as never, '');
    } catch (error) {
      console.warn('[omni] could not step down from the power the room creation needed', error);
    }
  }

  protected async createRoom(): Promise<Located> {
    const peek = this.#peek;
    if (peek) {
      // The room exists and was read from outside: the first message joins it.
      await this.#client.joinRoom(peek.roomId, { viaServers: [peek.roomId.slice(peek.roomId.indexOf(':') + 1)] });
      noteJoined(this.session, peek.roomId);
      peek.stop();
      this.#peek = undefined;
      return this.isDisposed() ? 'settled' : { roomId: peek.roomId };
    }
    const own = this.session.info.userId;
    try {
      const { room_id: roomId } = await this.#client.createRoom(postRoomCreateRequest(this.#post, this.#alias ?? '', own));
      if (this.isDisposed()) return 'settled';
      this.createdHere = true;
      await this.#stepDown(roomId);
      return { roomId };
    } catch (error) {
      const shape = errorShape(error);
      if (shape.errcode !== 'M_ROOM_IN_USE' && shape.httpStatus !== 409) throw error;
      // Another member created it first: their room is the discussion, and the message goes there.
      // Its alias exists a moment before its first events do, so joining may fail at first.
      const deadline = Date.now() + BINDING_WAIT_MS;
      for (;;) {
        try {
          const roomId = await resolvePostAlias(this.#client, this.#alias);
          if (roomId === undefined) throw error;
          return await this.#open(roomId, { waitForBinding: true });
        } catch (again) {
          if (this.isDisposed()) return 'settled';
          if (Date.now() >= deadline) throw again;
          await new Promise((resolve) => setTimeout(resolve, BINDING_POLL_MS));
        }
      }
    }
  }

  protected describe(error: unknown): OmniErrorInfo {
    if (this.#peek) {
      return describeFailure(error, {
        busy: (seconds) => `The homeserver is busy: you join the discussion in ${seconds} s. Your message is kept.`,
        refused: (reason) => `You cannot join this discussion${reason}. Your message is kept.`,
      });
    }
    return describeFailure(error, {
      busy: (seconds) => `The homeserver is busy starting discussions: yours starts in ${seconds} s. Your message is kept.`,
      refused: (reason) => `This homeserver does not let you start the discussion${reason}. Your message is kept.`,
    });
  }
}
