/**
 * Whether a member sees link previews in a room, kept where Element keeps it so the choice follows them
 * between clients: in a plain room, room account data `org.matrix.room.preview_urls` `{ disable }` (on unless
 * disabled); in an encrypted room, `urlPreviewsEnabled_e2ee` in the room's `im.vector.web.settings` (off
 * unless enabled), because asking the homeserver for a preview tells it the URL the message carries.
 */

/** Room account data of a plain room: `{ "disable": true }` turns previews off. */
export const PLAIN_PREVIEWS_TYPE = 'org.matrix.room.preview_urls';
/** Room account data of Element's per-room settings; `urlPreviewsEnabled_e2ee: true` turns previews on in an encrypted room. */
export const ROOM_SETTINGS_TYPE = 'im.vector.web.settings';
export const ENCRYPTED_PREVIEWS_KEY = 'urlPreviewsEnabled_e2ee';

/** Reads a room's account data content of a type (undefined when the member has none). */
export type RoomAccountData = (type: string) => Record<string, unknown> | undefined;

/** Whether previews are on for the member, from the room's account data. */
export function linkPreviewsOn(encrypted: boolean, accountData: RoomAccountData): boolean {
  if (encrypted) return accountData(ROOM_SETTINGS_TYPE)?.[ENCRYPTED_PREVIEWS_KEY] === true;
  return accountData(PLAIN_PREVIEWS_TYPE)?.['disable'] !== true;
}
