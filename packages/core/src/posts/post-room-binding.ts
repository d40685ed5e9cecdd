/**
 * How post-room.ts finds a post's room and checks that the room belongs to the post: the alias look-up, the
 * wait for the site's companion to create the room, membership, and the binding state event read and judged.
 * Part of the engine chunk: it asks the session's MatrixClient, whose errors it reads by shape.
 */
import { EventTimeline, Method } from 'matrix-js-sdk';
import type { RoomSession } from '../rooms/room-session.ts';
import { errorShape } from '../rooms/errors.ts';
import { stateFromWholeRoom } from '../rooms/outside-state.ts';
import { POST_BINDING_EVENT, verifyBinding, type BindingVerdict } from './posts.ts';
import { companionRetryMs, type SiteCompanion } from './companion.ts';

type Client = RoomSession['client'];

/** A room's binding as read: its content and who sent it (undefined when the room has none). */
export interface BindingRead {
  readonly content: unknown;
  readonly sender: string | undefined;
}

/** A room whose alias was just created may not have its state yet: how long its binding is awaited. */
export const BINDING_WAIT_MS = 8_000;
export const BINDING_POLL_MS = 400;

/** The room `alias` points to, or undefined when nobody wrote about the post yet. */
export async function resolvePostAlias(client: Client, alias: string | undefined): Promise<string | undefined> {
  try {
    const { room_id: roomId } = await client.getRoomIdForAlias(alias ?? '');
    return roomId;
  } catch (error) {
    if (errorShape(error).errcode === 'M_NOT_FOUND') return undefined;
    throw error;
  }
}

/** What waiting for the companion needs of the room model. */
export interface CompanionWait {
  isDisposed(): boolean;
  /** Tells the member the discussion is unavailable for now (each attempt). */
  unavailable(): void;
  resolve(): Promise<string | undefined>;
}

/**
 * With a companion, a post alias that resolves to nothing means the companion did not answer the
 * homeserver (or the site has no such post): asked again with backoff, the member told meanwhile, and
 * never created by this client, which the homeserver refuses anyway (the namespace is the companion's).
 */
export async function awaitCompanion(wait: CompanionWait): Promise<string | undefined> {
  for (let attempt = 0; !wait.isDisposed(); attempt += 1) {
    wait.unavailable();
    await new Promise((resolve) => setTimeout(resolve, companionRetryMs(attempt)));
    if (wait.isDisposed()) return undefined;
    const roomId = await wait.resolve().catch(() => undefined);
    if (roomId !== undefined) return roomId;
  }
  return undefined;
}

/** Whether a binding names the post `postId`, and (with a companion) was sent by the companion's bot. */
export function bindingVerdict(read: BindingRead | undefined, postId: string, companion: SiteCompanion | undefined): BindingVerdict {
  const verdict = verifyBinding(read?.content, postId);
  if (verdict === 'verified' && companion && read?.sender !== companion.bot) return 'mismatch';
  return verdict;
}

/** Whether the member `userId` is in the room (the scoped sync may not have brought it yet: the server says). */
export async function isRoomMember(client: Client, roomId: string, userId: string): Promise<boolean> {
  if (client.getRoom(roomId)?.getMyMembership() === 'join') return true;
  try {
    const content = (await client.getStateEvent(roomId, 'm.room.member', userId)) as Record<string, unknown>;
    return content['membership'] === 'join';
  } catch {
    return false;
  }
}

/**
 * The binding's content, undefined when the room has none, or 'forbidden' when only members may read
 * it. A room the scoped sync already brought has its binding in the store (it is part of the
 * subscription's required state, see sync.ts): no request then.
 */
export async function readBinding(client: Client, roomId: string): Promise<BindingRead | 'forbidden' | undefined> {
  const room = client.getRoom(roomId);
  if (room?.getMyMembership() === 'join') {
    const stored = room.getLiveTimeline().getState(EventTimeline.FORWARDS)?.getStateEvents(POST_BINDING_EVENT, '');
    if (stored) return { content: stored.getContent(), sender: stored.getSender() };
  }
  try {
    // The whole event (`format=event`), so that its sender can be checked against the companion's bot.
    const path = `/rooms/${encodeURIComponent(roomId)}/state/${encodeURIComponent(POST_BINDING_EVENT)}/`;
    const event = await client.http.authedRequest<{ content?: unknown; sender?: unknown }>(Method.Get, path, { format: 'event' });
    // A homeserver that ignores `format=event` answers the content alone.
    return 'content' in event && typeof event.sender === 'string'
      ? { content: event.content, sender: event.sender }
      : { content: event, sender: undefined };
  } catch (error) {
    const { errcode, httpStatus } = errorShape(error);
    if (errcode === 'M_NOT_FOUND') return undefined;
    if (errcode === 'M_FORBIDDEN' || httpStatus === 403) {
      // Some homeservers refuse one state event to a reader who never joined yet serve the whole state.
      const whole = await stateFromWholeRoom(
        () => client.http.authedRequest(Method.Get, `/rooms/${encodeURIComponent(roomId)}/state`),
        POST_BINDING_EVENT,
      );
      if (whole.status === 'found')
        return { content: whole.event.content, sender: typeof whole.event.sender === 'string' ? whole.event.sender : undefined };
      return whole.status === 'absent' ? undefined : 'forbidden';
    }
    throw error;
  }
}

/** The room's `m.room.guest_access` content as a reader from outside sees it; undefined when unreadable or absent. */
export async function guestAccessOf(client: Client, roomId: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await client.getStateEvent(roomId, 'm.room.guest_access', '')) as Record<string, unknown>;
  } catch {
    const whole = await stateFromWholeRoom(
      () => client.http.authedRequest(Method.Get, `/rooms/${encodeURIComponent(roomId)}/state`),
      'm.room.guest_access',
    );
    return whole.status === 'found' ? (whole.event.content as Record<string, unknown>) : undefined;
  }
}
