/**
 * The local echoes a page draws itself for messages sent through the worker engine. The page gives each message
 * its transaction id and shows its echo at once, in the same task as the click; the engine then queues the message
 * under that id, so its own item (local echo, then remote echo) has the same key and takes the tile's place.
 *
 * An echo is shown in a room (or thread) while the worker's last snapshot of it holds no item with its key, and is
 * dropped once the worker has answered the send: by then the worker's snapshot holds the engine's item (the engine
 * publishes it inside `send()`, before the answer), or the send was refused and there is nothing to show. Every
 * handle of one room on the page shows the same echoes, as every handle of a main-thread engine shares one model.
 *
 * Light on purpose: the page's side of the worker imports no engine module (no matrix-js-sdk).
 */
import { messageContent, messageEcho, plainMessage, sizeRefusal } from '../format/content.ts';
import { fileEcho } from '../media/attachment-content.ts';
import type { NamedBlob } from '../media/upload.ts';
import type { MemberInfo, MessageItem, SendStatus, TimelineItem } from '../timeline/timeline-types.ts';
import type { OutgoingMessage, RoomMember, Unsubscribe } from '../types.ts';

/** What the page knows of a room or thread when a message is sent in it. */
export interface EchoContext {
  /** The items shown now (the worker's, with the echoes already drawn). */
  readonly items: readonly TimelineItem[];
  /** The signed-in member's user id. */
  readonly userId: string;
  /** The room's members, when the snapshot lists them (for a moderator). */
  readonly members?: readonly RoomMember[] | undefined;
  /** The room is encrypted: less content fits in an event. */
  readonly encrypted: boolean;
  /** The root of the thread the message is sent in. */
  readonly threadRoot?: string | undefined;
}

/**
 * The signed-in member as the room shows them: the sender of their latest message shown, else their entry in the
 * room's members, else their user id (the engine's own item brings the name when none of these is there).
 */
export function ownSender(context: Pick<EchoContext, 'items' | 'userId' | 'members'>): MemberInfo {
  for (let i = context.items.length - 1; i >= 0; i -= 1) {
    const item = context.items[i];
    if (item?.kind === 'message' && item.own && item.sender.userId === context.userId) return item.sender;
  }
  const member = context.members?.find((m) => m.userId === context.userId);
  if (member)
    return { userId: member.userId, displayName: member.displayName, ...(member.avatarMxc ? { avatarMxc: member.avatarMxc } : {}) };
  return { userId: context.userId, displayName: context.userId };
}

/**
 * The state the outbox gives a new message: `sending` when nothing of the member's waits before it, `queued` behind
 * a message still sending or waiting, or failed and not yet retried or cancelled (which holds the queue).
 */
export function newMessageStatus(items: readonly TimelineItem[]): SendStatus {
  const waiting = items.some(
    (item) =>
      item.kind === 'message' &&
      item.own &&
      (item.status === 'sending' || item.status === 'queued' || (item.status === 'failed' && item.retryable !== false)),
  );
  return waiting ? 'queued' : 'sending';
}

/**
 * The echo the engine will make of `message` sent under `txnId`, or undefined when the engine will refuse it as too
 * large (the page then draws nothing, and the refusal comes back from the worker).
 */
export function pageEcho(
  message: string | OutgoingMessage,
  txnId: string,
  options: { readonly replyTo?: string | undefined },
  context: EchoContext,
): MessageItem | undefined {
  const outgoing = typeof message === 'string' ? plainMessage(message) : message;
  if (sizeRefusal(messageContent(outgoing, options), context.encrypted)) return undefined;
  const echo = messageEcho(outgoing, txnId, ownSender(context), { replyTo: options.replyTo, threadRoot: context.threadRoot });
  return { ...echo, status: newMessageStatus(context.items) };
}

/**
 * The echo the engine will make of `file` sent under `txnId`: its name, type and size, its upload at 0 bytes (the
 * engine's next snapshot brings the picture of an image, which it draws in the worker); undefined for an empty file,
 * which the engine refuses.
 */
export function pageFileEcho(
  file: NamedBlob,
  txnId: string,
  options: { readonly caption?: string | undefined; readonly replyTo?: string | undefined },
  context: Pick<EchoContext, 'items' | 'userId' | 'members'>,
): MessageItem | undefined {
  if (file.size === 0) return undefined;
  const echo = fileEcho(file, txnId, ownSender(context), options);
  return { ...echo, upload: { sent: 0, total: file.size }, status: newMessageStatus(context.items) };
}

/** `items` with the echoes it does not hold yet after them, in the order they were sent; `items` itself when none. */
export function withEchoes(items: readonly TimelineItem[], echoes: readonly MessageItem[]): readonly TimelineItem[] {
  if (echoes.length === 0) return items;
  const held = new Set<string>();
  for (const item of items) if (item.kind === 'message') held.add(item.key);
  const missing = echoes.filter((echo) => !held.has(echo.key));
  return missing.length === 0 ? items : [...items, ...missing];
}

/** `snapshot` with `echoes` it does not hold yet after its items; the same object when there are none. */
export function snapshotWithEchoes<S extends { readonly items: readonly TimelineItem[] }>(snapshot: S, echoes: readonly MessageItem[]): S {
  const items = withEchoes(snapshot.items, echoes);
  return items === snapshot.items ? snapshot : { ...snapshot, items };
}

/** The page's echoes by room or thread (a scope: the same string for every handle of one room or thread). */
export class PageEchoes {
  readonly #echoes = new Map<string, MessageItem[]>();
  readonly #listeners = new Map<string, Set<() => void>>();

  /** The echoes of `scope`, oldest first. */
  of(scope: string): readonly MessageItem[] {
    return this.#echoes.get(scope) ?? [];
  }

  /** Hears each change of `scope`'s echoes. */
  watch(scope: string, listener: () => void): Unsubscribe {
    let listeners = this.#listeners.get(scope);
    if (!listeners) this.#listeners.set(scope, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.#listeners.delete(scope);
    };
  }

  /** Shows `echo` in `scope`; the function returned drops it (once the worker has answered the send, either way). */
  add(scope: string, echo: MessageItem): () => void {
    const echoes = this.#echoes.get(scope) ?? [];
    this.#echoes.set(scope, [...echoes, echo]);
    this.#changed(scope);
    return () => this.#remove(scope, echo.key);
  }

  #remove(scope: string, key: string): void {
    const echoes = this.#echoes.get(scope);
    if (!echoes?.some((echo) => echo.key === key)) return;
    const rest = echoes.filter((echo) => echo.key !== key);
    if (rest.length > 0) this.#echoes.set(scope, rest);
    else this.#echoes.delete(scope);
    this.#changed(scope);
  }

  #changed(scope: string): void {
    for (const listener of this.#listeners.get(scope) ?? []) listener();
  }
}
