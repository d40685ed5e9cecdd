/**
 * What a room tells others about the member reading it, and finds for them: typing notices, the read
 * receipt and marker, and members matching a mention being typed.
 */
import { ReceiptType, type Room } from 'matrix-js-sdk';
import type { MemberInfo } from '../timeline/timeline-types.ts';
import { MemberDirectory } from '../timeline/timeline.ts';
import type { RoomSession } from './room-session.ts';
import { isBefore } from './room-state.ts';

const TYPING_TIMEOUT_MS = 5000;
const TYPING_RESEND_MS = 3500;

/** The member's typing notices in one room: a keystroke does not need a request each time. */
export class TypingNotices {
  readonly #session: RoomSession;
  /** When `m.typing: true` was last sent. */
  #sentAt = 0;

  constructor(session: RoomSession) {
    this.#session = session;
  }

  set(room: Room | null, typing: boolean): void {
    if (!room || room.getMyMembership() !== 'join') return;
    const now = Date.now();
    // Tell the server again only when its 5 s timeout is close to running out.
    if (typing && now - this.#sentAt < TYPING_RESEND_MS) return;
    this.#sentAt = typing ? now : 0;
    void this.#session.client.sendTyping(room.roomId, typing, TYPING_TIMEOUT_MS).catch(() => undefined);
  }

  /** The server ended the notice (a message was read or sent): the next keystroke says so again. */
  reset(): void {
    this.#sentAt = 0;
  }
}

/**
 * Moves the read receipt and the read marker (`m.fully_read`) to a loaded, sent event. Returns whether
 * it moved them (never backwards).
 */
export function markRead(session: RoomSession, room: Room | null, eventId: string): boolean {
  // Looked up in the live timeline itself: under sliding sync `findEventById` missed events the
  // timeline showed (seen in timeline.test.ts).
  const event = room
    ?.getLiveTimeline()
    .getEvents()
    .findLast((e) => e.getId() === eventId);
  if (!room || !event || eventId.startsWith('~') || room.getMyMembership() !== 'join') return false;
  const current: unknown = room.getAccountData('m.fully_read')?.getContent()['event_id'];
  // Never move the marker backwards: a tile scrolled into view late must not mark newer messages unread.
  if (typeof current === 'string' && isBefore(room, eventId, current)) return false;
  // A guest's read position serves only this visit: kept locally, it saves a request per room shown.
  if (session.info.guest) {
    room.addLocalEchoReceipt(session.info.userId, event, ReceiptType.Read);
    return true;
  }
  void session.client.setRoomReadMarkers(room.roomId, eventId, event).catch(() => undefined);
  return true;
}

/** Joined and invited members whose name or user id matches; names start-matches first. */
export function searchMembers(room: Room, own: string, query: string, limit: number): MemberInfo[] {
  const needle = query.trim().toLowerCase().replace(/^@/u, '');
  const directory = new MemberDirectory(room);
  const ranked: { info: MemberInfo; rank: number }[] = [];
  for (const member of room.getMembers()) {
    if ((member.membership !== 'join' && member.membership !== 'invite') || member.userId === own) continue;
    const info = directory.get(member.userId);
    const name = info.displayName.toLowerCase();
    const id = member.userId.toLowerCase();
    const rank = name.startsWith(needle) || id.startsWith(`@${needle}`) ? 0 : name.includes(needle) || id.includes(needle) ? 1 : -1;
    if (rank >= 0) ranked.push({ info, rank });
  }
  ranked.sort((a, b) => a.rank - b.rank || a.info.displayName.localeCompare(b.info.displayName));
  return ranked.slice(0, limit).map((r) => r.info);
}
