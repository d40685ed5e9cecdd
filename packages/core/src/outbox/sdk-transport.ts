/**
 * The outbox's transport through matrix-js-sdk, and each room's outbox. Messages are sent with our own
 * transaction ids through `client.sendEvent(roomId, type, content, txnId)`, so the SDK still encrypts
 * them for encrypted rooms, while ordering, retries, persistence and status are the outbox's
 * (outbox.ts): the SDK's own local echo of an attempt is hidden behind the outbox's item (same key) and
 * removed when an attempt fails, because a NOT_SENT echo would block every later send of the room.
 */
import { EventStatus, type MatrixClient, type MatrixEvent, type Room } from 'matrix-js-sdk';
import { classifySendFailure } from '../rooms/errors.ts';
import type { RoomSession } from '../rooms/room-session.ts';
import { Outbox, outboxStorage, type OutboxRequest, type OutboxTransport } from './outbox.ts';
import { classifyUploadFailure } from './outbox-upload.ts';
import { afterPaint } from './outbox-wait.ts';

/** One outbox per client per room, shared by the room's models and outliving them (sending goes on). */
const outboxes = new WeakMap<MatrixClient, Map<string, Outbox>>();

/**
 * The room's outbox, shared by the room's models and by whatever hands messages over to the room
 * (messages typed before a post room or DM existed, see lazy-room.ts).
 */
export function roomOutbox(session: Pick<RoomSession, 'client' | 'info'>, roomId: string): Outbox {
  const client = session.client;
  let byRoom = outboxes.get(client);
  if (!byRoom) {
    outboxes.set(client, (byRoom = new Map<string, Outbox>()));
    // The outbox is the queue: createClient() always installs the SDK's MatrixScheduler, which would
    // queue and retry room messages behind our back (and wedge its queue on a failure). Without it the
    // SDK sends each attempt straight away, after encrypting it where the room requires.
    client.scheduler = undefined;
  }
  let outbox = byRoom.get(roomId);
  if (!outbox) {
    outbox = new Outbox(sdkTransport(client, roomId), outboxStorage(session.info.userId, roomId));
    byRoom.set(roomId, outbox);
  }
  return outbox;
}

/**
 * Sends outbox entries through the SDK (which encrypts where the room requires it) with our txn ids.
 * The SDK remembers a transaction id once it has seen it in a room, so a later attempt of the same
 * entry resends the SDK's unsent echo (`resendEvent`, same txn id, same ciphertext) instead.
 */
export function sdkTransport(client: MatrixClient, roomId: string): OutboxTransport {
  return {
    async send(txnId: string, request: OutboxRequest): Promise<string> {
      // The member's Enter shows the local echo in the next frame; the request and the SDK's echo come after it.
      await afterPaint();
      const room = client.getRoom(roomId);
      // Unsent echoes of entries that are gone would make the SDK refuse this one ("blocked by other events").
      if (room) dropSdkEcho(client, room, (id) => id !== txnId);
      const echo = room?.getEventForTxnId(txnId);
      if (room && echo?.status === EventStatus.NOT_SENT) return (await client.resendEvent(echo, room)).event_id;
      if (request.op === 'redact') {
        return (await client.redactEvent(roomId, request.redacts, txnId, request.reason ? { reason: request.reason } : undefined)).event_id;
      }
      const type = request.op === 'attachment' ? 'm.room.message' : request.type;
      return (await client.sendEvent(roomId, type as never, request.content as never, txnId)).event_id;
    },
    // Encryption, image description and blurhash load with the first file sent, not with the engine.
    upload: async (request, file, control) =>
      (await import('../media/attachment.ts')).uploadAttachment({
        baseUrl: client.getHomeserverUrl().replace(/\/+$/u, ''),
        accessToken: client.getAccessToken() ?? undefined,
        file,
        content: request.content,
        encrypt: request.encrypt,
        signal: control.signal,
        onProgress: control.onProgress,
      }),
    classify: (error) => classifyUploadFailure(error) ?? classifySendFailure(error),
  };
}

/** Removes the SDK's unsent local echoes whose transaction id `which` selects. */
export function dropSdkEcho(client: MatrixClient, room: Room, which: (txnId: string | undefined) => boolean): void {
  let pending: MatrixEvent[];
  try {
    pending = room.getPendingEvents();
  } catch {
    return; // not in detached pending-event mode: nothing of ours is held there
  }
  for (const event of pending) {
    if (which(event.getTxnId()) && (event.status === EventStatus.NOT_SENT || event.status === EventStatus.QUEUED)) {
      client.cancelPendingEvent(event);
    }
  }
}
