/**
 * A post's discussion room: the alias is resolved and the room's binding checked before anything is
 * shown; a room that does not exist yet is created by the first message (messages typed before are
 * kept across reloads, see lazy-room.ts). Once the room is known and bound to the post, everything is
 * the ordinary room model's (`EngineSession.openRoom`).
 * Part of the engine chunk: it drives the session's MatrixClient, whose errors it reads by shape.
 */
import { EventTimeline } from 'matrix-js-sdk';
import type { EngineSession } from './engine.ts';
import { describeFailure, EMPTY_SNAPSHOT, errorShape, LazyRoom, type Located } from './lazy-room.ts';
import {
  creatorStepDown,
  POST_BINDING_EVENT,
  postRoomAlias,
  postRoomCreateRequest,
  verifyBinding,
  type BindingVerdict,
  type PostRoomTarget,
} from './posts.ts';
import { noteJoined } from './room-model.ts';
import type { OmniErrorInfo, RoomHandle, RoomSnapshot } from './types.ts';

export const MISMATCH_MESSAGE = "This discussion's address points to another room.";

/** A room whose alias was just created may not have its state yet: how long its binding is awaited. */
const BINDING_WAIT_MS = 8_000;
const BINDING_POLL_MS = 400;

/** The post's alias on the member's homeserver, or why the post id cannot have one. */
function aliasOf(session: EngineSession, post: PostRoomTarget): { alias: string } | { problem: string } {
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

  constructor(session: EngineSession, post: PostRoomTarget, onDispose: () => void) {
    const alias = aliasOf(session, post);
    super(session, 'alias' in alias ? alias.alias : undefined, onDispose);
    this.#post = post;
    this.#alias = 'alias' in alias ? alias.alias : undefined;
    this.#aliasProblem = 'problem' in alias ? alias.problem : undefined;
  }

  get #client(): EngineSession['client'] {
    return this.session.client;
  }

  protected decorate(): Partial<RoomSnapshot> {
    return this.#alias ? { alias: this.#alias } : {};
  }

  protected absentState(): Partial<RoomSnapshot> {
    const guest = this.session.info.guest === true;
    return {
      ...(this.#post.title ? { name: this.#post.title } : {}),
      ...(this.#post.url ? { topic: this.#post.url } : {}),
      encrypted: this.#post.open !== true,
      canSend: !guest,
      ...(guest ? { cannotSendReason: 'Sign in to start the discussion.' } : {}),
    };
  }

  protected refuseSend(snapshot: RoomSnapshot): string | undefined {
    return snapshot.status === 'mismatch' ? MISMATCH_MESSAGE : undefined;
  }

  protected async locate(): Promise<Located> {
    if (this.#aliasProblem !== undefined) {
      this.fail({ code: 'bad-room', message: this.#aliasProblem });
      return 'settled';
    }
    // The join or the alias lookup is an ordinary request: it overlaps the first sync instead of waiting
    // for it (the room model watches the room before that sync completes, so it carries the room).
    const synced = this.session.whenSynced();
    synced.catch(() => undefined);
    if (this.session.info.guest) return this.#joinAsGuest();
    const roomId = await this.#resolveAlias();
    await synced;
    if (roomId === undefined) return 'absent';
    return this.#open(roomId, { waitForBinding: false });
  }

  /**
   * A guest reading an open post joins it to read it anyway: joining by alias is one request where
   * resolving the alias, reading the binding and the membership, then joining were four. The binding is
   * then checked in the room's state as the scoped sync brings it (sync.ts), before anything is shown,
   * and the guest leaves a room bound to another post.
   */
  async #joinAsGuest(): Promise<Located> {
    const alias = this.#alias ?? '';
    let roomId: string;
    try {
      ({ roomId } = await this.#client.joinRoom(alias, { viaServers: [alias.slice(alias.indexOf(':') + 1)] }));
    } catch (error) {
      if (errorShape(error).errcode === 'M_NOT_FOUND') return 'absent';
      // Not open to guests, or not reachable: the member's way says which.
      const found = await this.#resolveAlias();
      return found === undefined ? 'absent' : this.#open(found, { waitForBinding: false });
    }
    noteJoined(this.session, roomId);
    const handle = this.session.openRoom(roomId);
    await loaded(handle);
    const verdict = this.isDisposed() ? 'unbound' : verifyBinding(await this.#readBinding(roomId), this.#post.id);
    if (verdict === 'verified' && !this.isDisposed()) return { roomId, handle };
    handle.release();
    if (this.isDisposed()) return 'settled';
    await this.#client.leave(roomId).catch(() => undefined);
    this.#publishMismatch(roomId);
    return 'settled';
  }

  /** The room the alias points to, or undefined when nobody wrote about the post yet. */
  async #resolveAlias(): Promise<string | undefined> {
    try {
      const { room_id: roomId } = await this.#client.getRoomIdForAlias(this.#alias ?? '');
      return roomId;
    } catch (error) {
      if (errorShape(error).errcode === 'M_NOT_FOUND') return undefined;
      throw error;
    }
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
      const read = await this.#readBinding(roomId);
      if (read === 'forbidden' && !joinedToCheck) {
        await this.#client.joinRoom(roomId, { viaServers: [roomId.slice(roomId.indexOf(':') + 1)] });
        joinedToCheck = true;
        continue;
      }
      verdict = read === 'forbidden' ? 'unbound' : verifyBinding(read, this.#post.id);
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
      ...EMPTY_SNAPSHOT,
      status: 'mismatch',
      roomId,
      cannotSendReason: MISMATCH_MESSAGE,
      error: { code: 'binding-mismatch', message: MISMATCH_MESSAGE },
    });
  }

  /**
   * The binding's content, undefined when the room has none, or 'forbidden' when only members may read
   * it. A room the scoped sync already brought has its binding in the store (it is part of the
   * subscription's required state, see sync.ts): no request then.
   */
  async #readBinding(roomId: string): Promise<unknown> {
    const room = this.#client.getRoom(roomId);
    if (room?.getMyMembership() === 'join') {
      const stored = room.getLiveTimeline().getState(EventTimeline.FORWARDS)?.getStateEvents(POST_BINDING_EVENT, '');
      if (stored) return stored.getContent();
    }
    try {
      return await this.#client.getStateEvent(roomId, POST_BINDING_EVENT, '');
    } catch (error) {
      const { errcode, httpStatus } = errorShape(error);
      if (errcode === 'M_NOT_FOUND') return undefined;
      if (errcode === 'M_FORBIDDEN' || httpStatus === 403) return 'forbidden';
      throw error;
    }
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
          const roomId = await this.#resolveAlias();
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
    return describeFailure(error, {
      busy: (seconds) => `The homeserver is busy starting discussions: yours starts in ${seconds} s. Your message is kept.`,
      refused: (reason) => `This homeserver does not let you start the discussion${reason}. Your message is kept.`,
    });
  }
}

/** Resolves once the room model has shown the room, or said why it cannot. */
function loaded(handle: RoomHandle): Promise<void> {
  return new Promise<void>((resolve) => {
    if (handle.snapshot.status !== 'loading') {
      resolve();
      return;
    }
    const unsubscribe = handle.subscribe((snapshot) => {
      if (snapshot.status === 'loading') return;
      unsubscribe();
      resolve();
    });
  });
}
