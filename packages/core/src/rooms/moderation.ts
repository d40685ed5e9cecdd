/**
 * A moderator's commands (kick, ban, unban, mute, unmute, removing a member's recent messages) and any
 * member's report. The homeserver decides: what it refuses becomes an `OmniError` whose message a member
 * can read (the power levels may have changed since the menu was shown), never a crash.
 */
import { EventTimeline, EventType, MatrixError, Method, type Room } from 'matrix-js-sdk';
import { OmniError, type ModerationCommand, type ModerationProgress } from '../types.ts';
import { mutedLevel, unmutedLevel, withUserLevel } from './power-levels.ts';
import { roomPowerLevels } from './moderation-state.ts';
import type { RoomSession } from './room-session.ts';

/** How many of a member's latest messages "Remove recent messages" deletes unless told otherwise. */
export const RECENT_MESSAGES = 50;

/** Events that are a member's messages: what removing their recent messages deletes. */
const MESSAGE_TYPES = new Set(['m.room.message', 'm.room.encrypted', 'm.sticker', 'm.reaction']);

/** Pauses between deletions, and the longest `retry_after_ms` honoured before giving up on one. */
const PACE_MS = 200;
const MAX_RATE_LIMIT_WAIT_MS = 30_000;
const MAX_ATTEMPTS = 5;

const VERBS: Record<ModerationCommand['kind'], string> = {
  kick: 'remove this member',
  ban: 'ban this member',
  unban: 'lift this ban',
  mute: 'mute this member',
  unmute: 'unmute this member',
  'remove-messages': "delete this member's messages",
  redact: 'delete this message',
  report: 'report this message',
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The homeserver's refusal in words a member can act on; the server's own wording is kept for developers in `cause`. */
export function moderationError(error: unknown, kind: ModerationCommand['kind']): OmniError {
  if (error instanceof OmniError) return error;
  const verb = VERBS[kind];
  if (error instanceof MatrixError) {
    if (error.httpStatus === 403 || error.errcode === 'M_FORBIDDEN') {
      return new OmniError('forbidden', `You are not allowed to ${verb} any more: your role in this room may have changed.`, {
        cause: error,
      });
    }
    if (error.httpStatus === 404 || error.errcode === 'M_NOT_FOUND') {
      return new OmniError('unknown', `Could not ${verb}: the message is no longer there.`, { cause: error });
    }
    if (error.httpStatus === 429 || error.errcode === 'M_LIMIT_EXCEEDED') {
      return new OmniError('rate-limited', `Could not ${verb} now: the server is busy. Try again in a moment.`, { cause: error });
    }
    return new OmniError('unknown', `Could not ${verb}: the server refused.`, { cause: error });
  }
  return new OmniError('network', `Could not ${verb}: check the connection and try again.`, { cause: error });
}

/** Runs one moderation command against the homeserver; see `RoomHandle.moderate`. */
export async function moderate(
  session: RoomSession,
  room: Room,
  command: ModerationCommand,
  onProgress?: (progress: ModerationProgress) => void,
): Promise<ModerationProgress> {
  const one: ModerationProgress = { done: 1, total: 1, failed: 0 };
  const client = session.client;
  try {
    switch (command.kind) {
      case 'kick':
        await client.kick(room.roomId, command.userId, command.reason);
        return one;
      case 'ban':
        await client.ban(room.roomId, command.userId, command.reason);
        return one;
      case 'unban':
        await client.unban(room.roomId, command.userId);
        return one;
      case 'mute':
      case 'unmute':
        await setMuted(session, room, command.userId, command.kind === 'mute');
        return one;
      case 'report':
        await client.http.authedRequest(
          Method.Post,
          `/rooms/${encodeURIComponent(room.roomId)}/report/${encodeURIComponent(command.eventId)}`,
          undefined,
          command.reason ? { reason: command.reason } : {},
        );
        return one;
      case 'redact':
        await client.redactEvent(room.roomId, command.eventId, undefined, command.reason ? { reason: command.reason } : undefined);
        return one;
      case 'remove-messages':
        return await removeRecentMessages(session, room, command, onProgress);
    }
  } catch (error) {
    throw moderationError(error, command.kind);
  }
}

async function setMuted(session: RoomSession, room: Room, userId: string, muted: boolean): Promise<void> {
  const levels = roomPowerLevels(room);
  const state = room.getLiveTimeline().getState(EventTimeline.FORWARDS);
  const content = state?.getStateEvents(EventType.RoomPowerLevels, '')?.getContent();
  const next = withUserLevel(content, levels, userId, muted ? mutedLevel(levels) : unmutedLevel(levels));
  await session.client.sendStateEvent(room.roomId, EventType.RoomPowerLevels, next, '');
}

/** The member's latest loaded messages that are still there, newest first. */
function recentMessagesOf(room: Room, userId: string, limit: number): string[] {
  const ids: string[] = [];
  const events = room.getLiveTimeline().getEvents();
  for (let i = events.length - 1; i >= 0 && ids.length < limit; i--) {
    const event = events[i];
    const id = event?.getId();
    if (!event || !id || id.startsWith('~') || event.getSender() !== userId || event.isRedacted() || event.isState()) continue;
    if (MESSAGE_TYPES.has(event.getWireType())) ids.push(id);
  }
  return ids;
}

/**
 * Deletes them one after the other: Synapse rate-limits redactions like messages, so each waits for the
 * previous one, a refusal for being too fast waits as long as the server asks, and a message the server
 * refuses to delete is counted as failed without stopping the rest. A refusal for lack of power stops it.
 */
async function removeRecentMessages(
  session: RoomSession,
  room: Room,
  command: Extract<ModerationCommand, { kind: 'remove-messages' }>,
  onProgress?: (progress: ModerationProgress) => void,
): Promise<ModerationProgress> {
  const ids = recentMessagesOf(room, command.userId, command.limit ?? RECENT_MESSAGES);
  let progress: ModerationProgress = { done: 0, total: ids.length, failed: 0 };
  onProgress?.(progress);
  for (const id of ids) {
    const ok = await redactPaced(session, room.roomId, id, command.reason);
    progress = { ...progress, done: progress.done + 1, failed: progress.failed + (ok ? 0 : 1) };
    onProgress?.(progress);
    await sleep(PACE_MS);
  }
  return progress;
}

async function redactPaced(session: RoomSession, roomId: string, eventId: string, reason: string | undefined): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await session.client.redactEvent(roomId, eventId, undefined, reason ? { reason } : undefined);
      return true;
    } catch (error) {
      if (!(error instanceof MatrixError)) throw error;
      if (error.httpStatus === 403) throw error;
      const wait: unknown = error.data.retry_after_ms;
      if (error.errcode !== 'M_LIMIT_EXCEEDED' || attempt >= MAX_ATTEMPTS) return false;
      await sleep(Math.min(typeof wait === 'number' ? wait : 1000 * attempt, MAX_RATE_LIMIT_WAIT_MS));
    }
  }
}
