/**
 * `@room`: a message whose text says `@room` mentions the whole room (`m.mentions.room`), so everyone's
 * `.m.rule.is_room_mention` push rule notifies them, but only when the sender's power level reaches the room's
 * `notifications.room` level (50 by default), as the homeserver checks it too. Below it the text stays text and
 * pings nobody (we always send `m.mentions`, so the legacy body-matching rule does not apply). Pure.
 */
import { permissionsOf, type PowerLevels } from './power-levels.ts';

const ROOM_MENTION = /(^|[^\p{L}\p{N}_])@room(?![\p{L}\p{N}_])/u;

/** Whether `body` says `@room` as a word. */
export function saysRoom(body: string): boolean {
  return ROOM_MENTION.test(body);
}

/** The content with `m.mentions.room` when the text says `@room` and the sender may notify the room. */
export function withRoomMention(content: Record<string, unknown>, levels: PowerLevels, senderId: string): Record<string, unknown> {
  const body = content['body'];
  if (typeof body !== 'string' || !saysRoom(body) || !permissionsOf(levels, senderId).notifyRoom) return content;
  const mentions = content['m.mentions'];
  return { ...content, 'm.mentions': { ...(typeof mentions === 'object' && mentions !== null ? mentions : {}), room: true } };
}
