/**
 * The engine's adapter to the one timeline pipeline (pipeline.ts): js-sdk's events and room turned into
 * plain event JSON and the few facts only the engine knows — a local echo's send status and transaction
 * id, why an encrypted event cannot be read, the member's read marker, the other members' receipts, the
 * server's unread count. Nothing here decides what is shown: that is the pipeline's.
 */
import { EventStatus, NotificationCountType, ReceiptType, type MatrixEvent, type Room } from 'matrix-js-sdk';
import type { SendStatus } from './timeline-types.ts';
import { asObject, asString } from './json.ts';
import { undecryptableOf } from './undecryptable.ts';
import type { Reader, TimelineEvent } from './timeline-input.ts';

export function sendStatus(status: EventStatus | null): SendStatus {
  if (status === null || status === EventStatus.SENT) return 'sent';
  if (status === EventStatus.NOT_SENT || status === EventStatus.CANCELLED) return 'failed';
  if (status === EventStatus.QUEUED) return 'queued';
  return 'sending';
}

/**
 * One js-sdk event as the pipeline reads it. A readable encrypted event shows its decrypted type and
 * content; an unreadable one its wire form, whose relation is in the clear. `unsigned` is js-sdk's own
 * object (a local deletion marks it), read as it is at each build.
 */
export function timelineEvent(event: MatrixEvent): TimelineEvent {
  const undecryptable = undecryptableOf(event);
  const json: Record<string, unknown> = {
    type: undecryptable ? event.getWireType() : event.getType(),
    event_id: event.getId(),
    sender: event.getSender(),
    origin_server_ts: event.getTs(),
    content: undecryptable ? event.getWireContent() : event.getOriginalContent(),
    unsigned: event.getUnsigned(),
  };
  const stateKey = event.getStateKey();
  if (stateKey !== undefined) json['state_key'] = stateKey;
  const status = sendStatus(event.status);
  const txnId = event.getTxnId();
  return {
    json,
    ...(status !== 'sent' ? { status } : {}),
    ...(txnId !== undefined ? { txnId } : {}),
    ...(undecryptable ? { undecryptable } : {}),
  };
}

/** The room's live timeline then its pending local echoes, oldest first. */
export function roomEvents(room: Room): TimelineEvent[] {
  const live = room.getLiveTimeline().getEvents();
  const pending = room.getPendingEvents();
  const events = pending.length === 0 ? live : live.concat(pending);
  return events.map(timelineEvent);
}

/** The event the member's read marker is on: their fully-read marker, else their read receipt. */
export function readMarkerOf(room: Room, ownUserId: string): string | undefined {
  const fullyRead = asString(asObject(room.getAccountData('m.fully_read')?.getContent())?.['event_id']);
  return fullyRead ?? room.getReadReceiptForUserId(ownUserId, true, ReceiptType.Read)?.eventId;
}

/** The other joined members and their latest read receipts. */
export function readersOf(room: Room, ownUserId: string): Reader[] {
  const readers: Reader[] = [];
  for (const member of room.getMembers()) {
    if (member.membership !== 'join' || member.userId === ownUserId) continue;
    readers.push({ userId: member.userId, receiptEventId: room.getReadReceiptForUserId(member.userId, true, ReceiptType.Read)?.eventId });
  }
  return readers;
}

/** The server's count of unread messages (classic /sync; simplified sliding sync sends 0). */
export function serverUnread(room: Room): number {
  return room.getUnreadNotificationCount(NotificationCountType.Total);
}
