/**
 * Encrypted history for newcomers (MSC4268, "sharing room keys for past messages").
 *
 * A member who joins an encrypted room whose history visibility is `shared` or `world_readable` can
 * read what was written before, once a member who holds the keys hands them over. js-sdk 43's Rust
 * crypto builds and sends such a key bundle (`CryptoApi.shareRoomHistoryWithUser`), but it only
 * imports one that comes from the member who *invited* the receiver, at join time (`MatrixClient.joinRoom`
 * marks the room as waiting for a bundle only when the member was invited). Post rooms and community
 * rooms are joined by address, without an invitation, so both halves are wired here:
 *
 * - **Sharing**: when this device sees somebody join a room it is in (a live membership event, less
 *   than a day old), the room is encrypted and its history visibility is `shared` or
 *   `world_readable`, it waits until the newcomer has a device signed by their cross-signing identity
 *   (the bundle only goes to such devices) and shares the room's history with them. Only megolm
 *   sessions created while the history was shared carry `shared_history`; the Rust crypto leaves the
 *   others out of the bundle.
 * - **Receiving**: a bundle is imported only when it arrives (Olm-encrypted, from a device its owner
 *   cross-signed — the Rust crypto checks this) for a room this member joined less than a day ago,
 *   from someone who is a member of that room, and at most `MAX_BUNDLES_PER_ROOM` times per room and
 *   page. The room is then marked as waiting for a bundle from that member, the way js-sdk marks it
 *   for an inviter, and js-sdk downloads and imports it. Messages read with these keys carry the
 *   sharer (`MatrixEvent.getKeyForwardingUser()`), since their authenticity rests on the sharer's word.
 *
 * See docs/encryption.md ("History for newcomers") for the threat model.
 */
import {
  ClientEvent,
  Method,
  RoomEvent,
  type MatrixClient,
  type MatrixEvent,
  type ReceivedToDeviceMessage,
  type Room,
} from 'matrix-js-sdk';

/** How long after joining a room a bundle is still taken, and a join still answered (js-sdk's own window). */
export const SHARED_HISTORY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Bundles taken per room and page: every online member may share, but a flood is not downloaded. */
export const MAX_BUNDLES_PER_ROOM = 5;
/** How long a sharer waits for a newcomer's device to be cross-signed before giving up. */
const SIGNED_DEVICE_WAIT_MS = 120_000;
const SIGNED_DEVICE_POLL_MS = 2_000;
/** How long a received bundle waits for the sync to bring the room it is about. */
const ROOM_WAIT_MS = 30_000;

const BUNDLE_TYPES = new Set(['m.room_key_bundle', 'io.element.msc4268.room_key_bundle']);
const SHAREABLE_VISIBILITY = new Set(['shared', 'world_readable']);

/**
 * The part of js-sdk's crypto backend that shares and imports key bundles. `CryptoApi` does not expose
 * it (it is `CryptoBackend`, which `invite` and `joinRoom` use), so it is looked up on the object that
 * `getCrypto()` returns (the Rust crypto backend itself) and its absence is reported.
 */
interface KeyBundles {
  shareRoomHistoryWithUser(roomId: string, userId: string): Promise<void>;
  markRoomAsPendingKeyBundle(roomId: string, inviter: string): Promise<void>;
  maybeAcceptKeyBundle(roomId: string, inviter: string): Promise<boolean>;
}

function keyBundles(client: MatrixClient): KeyBundles | undefined {
  const crypto = client.getCrypto() as Partial<KeyBundles> | undefined;
  const complete =
    typeof crypto?.shareRoomHistoryWithUser === 'function' &&
    typeof crypto.markRoomAsPendingKeyBundle === 'function' &&
    typeof crypto.maybeAcceptKeyBundle === 'function';
  if (!complete) console.warn('[omni] this version of js-sdk cannot share encrypted history');
  return complete ? (crypto as KeyBundles) : undefined;
}

/** Whether a history visibility lets members who join later read earlier messages. */
export function historyIsShared(visibility: unknown): boolean {
  return typeof visibility === 'string' && SHAREABLE_VISIBILITY.has(visibility);
}

/** Whether a membership event is somebody else's fresh join, worth answering with the room's history. */
export function isNewcomerJoin(event: MatrixEvent, ownUserId: string, now = Date.now()): boolean {
  if (event.getType() !== 'm.room.member' || !event.isState()) return false;
  const userId = event.getStateKey();
  if (!userId || userId === ownUserId) return false;
  if (event.getContent()['membership'] !== 'join' || event.getPrevContent()['membership'] === 'join') return false;
  return now - event.getTs() < SHARED_HISTORY_WINDOW_MS;
}

/** A member's membership event, straight from the server (the scoped sync loads members lazily). */
async function membershipOf(client: MatrixClient, roomId: string, userId: string): Promise<{ membership?: unknown; ts?: unknown }> {
  const path = `/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent(userId)}`;
  try {
    const event = await client.http.authedRequest<Record<string, unknown>>(Method.Get, path, { format: 'event' });
    const content = event['content'];
    if (typeof content === 'object' && content !== null) {
      return { membership: (content as Record<string, unknown>)['membership'], ts: event['origin_server_ts'] };
    }
    // A homeserver that ignores `format=event` answers the content alone, without a time.
    return { membership: event['membership'] };
  } catch {
    return {};
  }
}

/** The room's history visibility as the server has it (the scoped sync does not carry this state). */
async function historyVisibilityOf(client: MatrixClient, roomId: string): Promise<unknown> {
  try {
    const content = await client.getStateEvent(roomId, 'm.room.history_visibility', '');
    return (content as Record<string, unknown>)['history_visibility'];
  } catch {
    // No state event: the spec's default.
    return 'shared';
  }
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `userId` has a device signed by their own cross-signing identity, or the wait ends. */
async function waitForSignedDevice(client: MatrixClient, userId: string, stopped: () => boolean): Promise<boolean> {
  const crypto = client.getCrypto();
  if (!crypto) return false;
  const deadline = Date.now() + SIGNED_DEVICE_WAIT_MS;
  while (!stopped()) {
    const devices = (await crypto.getUserDeviceInfo([userId], true)).get(userId);
    for (const deviceId of devices?.keys() ?? []) {
      if ((await crypto.getDeviceVerificationStatus(userId, deviceId))?.signedByOwner) return true;
    }
    if (Date.now() >= deadline) return false;
    await delay(SIGNED_DEVICE_POLL_MS);
  }
  return false;
}

/** Resolves once the client has the room with this member joined in it, or false after `ROOM_WAIT_MS`. */
async function waitForJoinedRoom(client: MatrixClient, roomId: string): Promise<Room | undefined> {
  const deadline = Date.now() + ROOM_WAIT_MS;
  for (;;) {
    const room = client.getRoom(roomId);
    if (room?.getMyMembership() === 'join') return room;
    if (Date.now() >= deadline) return undefined;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        client.off(ClientEvent.Sync, done);
        resolve();
      };
      const timer = setTimeout(done, 1_000);
      client.on(ClientEvent.Sync, done);
    });
  }
}

export interface SharedHistory {
  /** Stops answering joins and taking bundles (the session ended). */
  stop(): void;
}

/**
 * Starts sharing history with newcomers and taking the history others share, for this client.
 * Call once, after Rust crypto started (crypto.ts does).
 */
export function startSharedHistory(client: MatrixClient): SharedHistory {
  const own = client.getSafeUserId();
  let stopped = false;
  const answered = new Set<string>();
  const taken = new Map<string, number>();
  // One share or import at a time: each claims Olm sessions and talks to the crypto store.
  let queue: Promise<unknown> = Promise.resolve();
  const failed = (error: unknown): void => {
    // Once the session has ended, the stopped client's refusals are expected, not failures.
    if (!stopped) console.warn('[omni] sharing encrypted history failed', error);
  };
  const enqueue = (work: () => Promise<unknown>): void => {
    queue = queue.then(work).catch(failed);
  };

  const onTimeline = (event: MatrixEvent, room: Room | undefined, toStartOfTimeline: boolean | undefined): void => {
    if (stopped || toStartOfTimeline || !room || !isNewcomerJoin(event, own)) return;
    const newcomer = event.getStateKey() as string;
    const key = `${room.roomId}\n${newcomer}\n${event.getId() ?? ''}`;
    if (answered.has(key)) return;
    answered.add(key);
    shareWith(room.roomId, newcomer).catch(failed);
  };

  const shareWith = async (roomId: string, newcomer: string): Promise<void> => {
    const bundles = keyBundles(client);
    if (!bundles || !(await client.getCrypto()?.isEncryptionEnabledInRoom(roomId))) return;
    // The visibility in force now, from the server: history that was never shared stays unshared
    // (its sessions lack `shared_history` anyway, so the bundle would not carry them).
    if (!historyIsShared(await historyVisibilityOf(client, roomId))) return;
    if (!(await waitForSignedDevice(client, newcomer, () => stopped))) return;
    if ((await membershipOf(client, roomId, newcomer)).membership !== 'join') return;
    enqueue(() => bundles.shareRoomHistoryWithUser(roomId, newcomer));
  };

  const onToDevice = ({ message, encryptionInfo }: ReceivedToDeviceMessage): void => {
    if (stopped || !BUNDLE_TYPES.has(message.type) || !encryptionInfo) return;
    const roomId: unknown = message.content['room_id'];
    const sharer = encryptionInfo.sender;
    if (typeof roomId !== 'string' || sharer === own || message.sender !== sharer) return;
    take(roomId, sharer).catch(failed);
  };

  const take = async (roomId: string, sharer: string): Promise<void> => {
    const importer = keyBundles(client);
    if (!importer) return;
    if (!(await waitForJoinedRoom(client, roomId)) || stopped) return;
    const [mine, theirs] = await Promise.all([membershipOf(client, roomId, own), membershipOf(client, roomId, sharer)]);
    if (mine.membership !== 'join' || theirs.membership !== 'join') return;
    if (typeof mine.ts !== 'number' || Date.now() - mine.ts > SHARED_HISTORY_WINDOW_MS) return;
    const count = taken.get(roomId) ?? 0;
    if (count >= MAX_BUNDLES_PER_ROOM) return;
    taken.set(roomId, count + 1);
    enqueue(async () => {
      await importer.markRoomAsPendingKeyBundle(roomId, sharer);
      await importer.maybeAcceptKeyBundle(roomId, sharer);
    });
  };

  client.on(RoomEvent.Timeline, onTimeline);
  client.on(ClientEvent.ReceivedToDeviceMessage, onToDevice);
  return {
    stop() {
      stopped = true;
      client.off(RoomEvent.Timeline, onTimeline);
      client.off(ClientEvent.ReceivedToDeviceMessage, onToDevice);
    },
  };
}
