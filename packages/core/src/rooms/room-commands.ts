/**
 * A ready room's commands that change it: sending, editing, deleting and reacting. Everything goes
 * through the room's outbox (outbox/outbox.ts, sent by outbox/sdk-transport.ts); a local echo is in the
 * outbox's items before a command returns.
 */
import { EventType, RelationType, type Room } from 'matrix-js-sdk';
import { editContent, messageContent, messageEcho, plainMessage, sizeRefusal } from '../format/content.ts';
import { attachmentContent, fileEcho } from '../media/attachment-content.ts';
import { checkFile, maxUploadBytes, UploadError, type NamedBlob } from '../media/upload.ts';
import type { Outbox } from '../outbox/outbox.ts';
import { dropSdkEcho } from '../outbox/sdk-transport.ts';
import type { MemberInfo, MessageItem } from '../timeline/timeline-types.ts';
import { OmniError, type AttachmentOptions, type OutgoingMessage, type SendOptions } from '../types.ts';
import type { RoomSession } from './room-session.ts';
import { roomPowerLevels } from './moderation-state.ts';
import { withRoomMention } from './room-mention.ts';

/** A ready room, its outbox and the session sending through it. */
export interface Sending {
  readonly session: RoomSession;
  readonly room: Room;
  readonly outbox: Outbox;
}

/**
 * Queues the message (plain text, or a message composed by `composeDraft()`) with its local echo,
 * formatted as it will be shown, under `options.txnId` when given. Refuses, before anything is queued, a
 * message larger than the homeserver accepts.
 */
export function sendMessage({ session, room, outbox }: Sending, message: string | OutgoingMessage, options: SendOptions): Promise<void> {
  const outgoing = typeof message === 'string' ? plainMessage(message) : message;
  const content = withRoomMention(messageContent(outgoing, options), roomPowerLevels(room), session.info.userId);
  const tooLarge = sizeRefusal(content, room.hasEncryptionStateEvent());
  if (tooLarge) return Promise.reject(tooLarge);
  const sender = ownSender(session, room);
  outbox.enqueue(
    { op: 'event', type: EventType.RoomMessage, content },
    (txnId): MessageItem => messageEcho(outgoing, txnId, sender, { replyTo: options.replyTo }),
    options.txnId !== undefined ? { txnId: options.txnId } : {},
  );
  return Promise.resolve();
}

export function ownSender(session: RoomSession, room: Room): MemberInfo {
  const own = session.info.userId;
  const member = room.getMember(own);
  const avatar = member?.getMxcAvatarUrl();
  return { userId: own, displayName: member?.name ?? own, ...(avatar ? { avatarMxc: avatar } : {}) };
}

/** The member-facing refusal of a file: `too-large` over the homeserver's limit, `bad-file` otherwise. */
function fileRefusal(error: unknown): OmniError {
  if (error instanceof UploadError)
    return new OmniError(error.code === 'too-large' ? 'too-large' : 'bad-file', error.message, { cause: error });
  return new OmniError('bad-file', 'The file could not be read.', { cause: error });
}

/**
 * Refuses, before anything is queued or uploaded, a file that is empty, unreadable or larger than the
 * homeserver accepts (`m.upload.size`).
 */
export async function checkAttachment(session: RoomSession, file: NamedBlob): Promise<void> {
  const max = await maxUploadBytes(session.info.homeserverUrl, session.client.getAccessToken() ?? undefined);
  try {
    await checkFile(file, max);
  } catch (error) {
    throw fileRefusal(error);
  }
}

/**
 * Queues a file with its local echo at once (so text sent after it waits behind it); the outbox uploads
 * it, encrypted where the room is, when its turn comes. An empty file is refused before it is queued.
 */
export function sendAttachment({ session, room, outbox }: Sending, file: NamedBlob, options: AttachmentOptions): Promise<void> {
  if (file.size === 0)
    return Promise.reject(fileRefusal(new UploadError('empty', `“${file.name}” is empty (0 bytes): there is nothing to send.`)));
  const content = {
    ...attachmentContent(file, options.caption),
    ...(options.replyTo ? { 'm.relates_to': { 'm.in_reply_to': { event_id: options.replyTo } } } : {}),
  };
  const sender = ownSender(session, room);
  outbox.enqueue(
    { op: 'attachment', content, encrypt: room.hasEncryptionStateEvent(), uploaded: false },
    (txnId): MessageItem => fileEcho(file, txnId, sender, options),
    { file, ...(options.txnId !== undefined ? { txnId: options.txnId } : {}) },
  );
  return Promise.resolve();
}

/** Replaces one of the member's messages (`m.replace`), composed like a new one. */
export function editMessage({ room, outbox }: Sending, eventId: string, message: string | OutgoingMessage): Promise<void> {
  const outgoing = typeof message === 'string' ? plainMessage(message) : message;
  const mentions: unknown = room.findEventById(eventId)?.getContent()['m.mentions'];
  const userIds: unknown =
    typeof mentions === 'object' && mentions !== null ? (mentions as Record<string, unknown>)['user_ids'] : undefined;
  const already = Array.isArray(userIds) ? userIds.filter((id): id is string => typeof id === 'string') : [];
  const content = editContent(eventId, outgoing, already);
  const tooLarge = sizeRefusal(content, room.hasEncryptionStateEvent());
  if (tooLarge) return Promise.reject(tooLarge);
  outbox.enqueue({ op: 'event', type: EventType.RoomMessage, content });
  return Promise.resolve();
}

/** Deletes an event; deleting a message that is not sent yet is cancelling it. */
export function redactEvent({ session, room, outbox }: Sending, eventId: string, reason?: string): Promise<void> {
  if (outbox.cancel(eventId)) {
    dropSdkEcho(session.client, room, (id) => id === eventId);
    return Promise.resolve();
  }
  outbox.enqueue({ op: 'redact', redacts: eventId, ...(reason ? { reason } : {}) });
  return Promise.resolve();
}

/** Adds the member's reaction `key` to an event, or takes it back (unsent: cancelled; sent: deleted). */
export function toggleReaction(sending: Sending, eventId: string, key: string): Promise<void> {
  const { session, room, outbox } = sending;
  const own = session.info.userId;
  const unsent = outbox.find((request) => {
    if (request.op !== 'event' || request.type !== 'm.reaction') return false;
    const relation = request.content['m.relates_to'] as { event_id?: unknown; key?: unknown } | undefined;
    return relation?.event_id === eventId && relation.key === key;
  });
  if (unsent !== undefined && outbox.cancel(unsent)) {
    dropSdkEcho(session.client, room, (id) => id === unsent);
    return Promise.resolve();
  }
  const existing = room
    .getLiveTimeline()
    .getEvents()
    .find((e) => {
      const relation = e.getRelation();
      return (
        e.getType() === 'm.reaction' && e.getSender() === own && !e.isRedacted() && relation?.event_id === eventId && relation.key === key
      );
    });
  const existingId = existing?.getId();
  if (existingId && !existingId.startsWith('~')) return redactEvent(sending, existingId);
  outbox.enqueue({
    op: 'event',
    type: 'm.reaction',
    content: { 'm.relates_to': { rel_type: RelationType.Annotation, event_id: eventId, key } },
  });
  return Promise.resolve();
}

/** Drops a message that is not sent yet (one in flight is redacted if the server stored it). */
export function cancelMessage({ session, room, outbox }: Sending, key: string): Promise<void> {
  if (outbox.cancel(key)) dropSdkEcho(session.client, room, (id) => id === key);
  return Promise.resolve();
}
