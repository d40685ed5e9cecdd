/**
 * A moderator's commands (kick, ban, unban, mute, unmute, removing a member's recent messages) and any
 * member's report. The homeserver decides: what it refuses becomes an `OmniError` whose message a member
 * can read (the power levels may have changed since the menu was shown), never a crash. Loaded on the
 * first command (`RoomModel.moderate`), outside the engine chunk: most members never moderate. It imports
 * no module that imports matrix-js-sdk (errors are read by shape, the SDK's enum values are spelled out, the
 * room's levels come as an argument):
 * otherwise the bundler splits the SDK out of the engine chunk, which costs the engine more than this weighs.
 */
import type { EventType, Method, Room } from 'matrix-js-sdk';
import { OmniError, type ModerationCommand, type ModerationProgress } from '../types.ts';
import { mutedLevel, unmutedLevel, withUserLevel } from './member-actions.ts';
import type { PowerLevels } from './power-levels.ts';
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

/** What the session's MatrixClient rejects with, read by shape (a MatrixError has `errcode` or `httpStatus`). */
interface ErrorShape {
  readonly errcode?: string;
  readonly httpStatus?: number;
  readonly data?: { readonly retry_after_ms?: unknown };
}
const errorShape = (error: unknown): ErrorShape => (typeof error === 'object' && error !== null ? error : {});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The homeserver's refusal in words a member can act on; the server's own wording is kept for developers in `cause`. */
export function moderationError(error: unknown, kind: ModerationCommand['kind']): OmniError {
  if (error instanceof OmniError) return error;
  const verb = VERBS[kind];
  const { httpStatus, errcode } = errorShape(error);
  if (httpStatus !== undefined || errcode !== undefined) {
    if (httpStatus === 403 || errcode === 'M_FORBIDDEN') {
      return new OmniError('forbidden', `You are not allowed to ${verb} any more: your role in this room may have changed.`, {
        cause: error,
      });
    }
    if (httpStatus === 404 || errcode === 'M_NOT_FOUND') {
      return new OmniError('unknown', `Could not ${verb}: the message is no longer there.`, { cause: error });
    }
    if (httpStatus === 429 || errcode === 'M_LIMIT_EXCEEDED') {
      return new OmniError('rate-limited', `Could not ${verb} now: the server is busy. Try again in a moment.`, { cause: error });
    }
    return new OmniError('unknown', `Could not ${verb}: the server refused.`, { cause: error });
  }
  return new OmniError('network', `Could not ${verb}: check the connection and try again.`, { cause: error });
}

/** The room's power levels, parsed and as the event's content, read when a command needs them. */
export interface RoomLevels {
  readonly levels: PowerLevels;
  readonly content: unknown;
}

/** Runs one moderation command against the homeserver; see `RoomHandle.moderate`. */
export async function moderate(
  session: RoomSession,
  room: Room,
  readLevels: () => RoomLevels,
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
        await setMuted(session, room.roomId, readLevels(), command.userId, command.kind === 'mute');
        return one;
      case 'report':
        await client.http.authedRequest(
          // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- Method.Post's value, spelled out: see the module's comment.
          'POST' as Method.Post,
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

async function setMuted(
  session: RoomSession,
  roomId: string,
  { levels, content }: RoomLevels,
  userId: string,
  muted: boolean,
): Promise<void> {
  const next = withUserLevel(content, levels, userId, muted ? mutedLevel(levels) : unmutedLevel(levels));
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- EventType.RoomPowerLevels's value, spelled out: see the module's comment.
  await session.client.sendStateEvent(roomId, 'm.room.power_levels' as EventType.RoomPowerLevels, next, '');
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
      const shape = errorShape(error);
      if (shape.httpStatus === undefined && shape.errcode === undefined) throw error;
      if (shape.httpStatus === 403) throw error;
      const wait: unknown = shape.data?.retry_after_ms;
      if (shape.errcode !== 'M_LIMIT_EXCEEDED' || attempt >= MAX_ATTEMPTS) return false;
      await sleep(Math.min(typeof wait === 'number' ? wait : 1000 * attempt, MAX_RATE_LIMIT_WAIT_MS));
    }
  }
}
