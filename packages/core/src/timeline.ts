/**
 * Turns a room's events into timeline items, once per room change. Pure with respect to the SDK
 * room it reads: no listeners, no requests.
 */
import { EventStatus, type MatrixEvent, type Room } from 'matrix-js-sdk';
import type { MemberInfo, MessageItem, MessageKind, SendStatus, TimelineItem } from './timeline-types.ts';

const MSGTYPES: Record<string, MessageKind> = {
  'm.text': 'text',
  'm.emote': 'emote',
  'm.notice': 'notice',
  'm.image': 'image',
  'm.file': 'file',
  'm.audio': 'audio',
  'm.video': 'video',
};

export function buildTimeline(room: Room, ownUserId: string): TimelineItem[] {
  const items: TimelineItem[] = [];
  for (const event of [...room.getLiveTimeline().getEvents(), ...room.getPendingEvents()]) {
    const item = messageItem(event, room, ownUserId);
    if (item) items.push(item);
  }
  return items;
}

function member(room: Room, userId: string): MemberInfo {
  const m = room.getMember(userId);
  const avatar = m?.getMxcAvatarUrl();
  return { userId, displayName: m?.name ?? userId, ...(avatar ? { avatarMxc: avatar } : {}) };
}

function messageItem(event: MatrixEvent, room: Room, own: string): MessageItem | undefined {
  if (event.getType() !== 'm.room.message' || event.isRedacted()) return undefined;
  const content = event.getContent();
  const body = typeof content['body'] === 'string' ? content['body'] : undefined;
  if (body === undefined) return undefined;
  const sender = event.getSender() ?? '';
  const eventId = event.getId();
  return {
    kind: 'message',
    key: event.getTxnId() ?? eventId ?? '',
    ...(eventId && !eventId.startsWith('~') ? { eventId } : {}),
    sender: member(room, sender),
    own: sender === own,
    timestamp: event.getTs(),
    msgtype: MSGTYPES[String(content['msgtype'])] ?? 'text',
    body,
    edited: false,
    redacted: false,
    reactions: [],
    status: sendStatus(event.status),
    continuation: false,
    readBy: [],
  };
}

function sendStatus(status: EventStatus | null): SendStatus {
  if (status === null || status === EventStatus.SENT) return 'sent';
  if (status === EventStatus.NOT_SENT || status === EventStatus.CANCELLED) return 'failed';
  if (status === EventStatus.QUEUED) return 'queued';
  return 'sending';
}
