/**
 * What a message's content says, the same for every path: the one message-type table, attachments
 * (`mxc://` only), mentions, edits and the text a malformed event shows. Pure: content JSON in.
 */
import { parseEncryptedFile } from '../media/media.ts';
import type { MediaInfo, MediaThumbnail, MessageKind } from './timeline-types.ts';
import { stripReplyFallback } from './text-rules.ts';
import { asNumber, asObject, asString, type Json } from './json.ts';
import { bodyNamesUser } from './name-mentions.ts';
import { saysRoom } from '../rooms/room-mention.ts';

/** The message types shown as such; the spec asks clients to show the body of others as text. */
const MSGTYPES: ReadonlyMap<string, MessageKind> = new Map([
  ['m.text', 'text'],
  ['m.emote', 'emote'],
  ['m.notice', 'notice'],
  ['m.image', 'image'],
  ['m.file', 'file'],
  ['m.audio', 'audio'],
  ['m.video', 'video'],
]);
const MEDIA_KINDS: ReadonlySet<MessageKind> = new Set(['image', 'file', 'audio', 'video']);

/** Whether a wire `msgtype` is an attachment (image, file, audio, video). */
export function isAttachmentType(msgtype: string | undefined): boolean {
  const kind = msgtype === undefined ? undefined : MSGTYPES.get(msgtype);
  return kind !== undefined && MEDIA_KINDS.has(kind);
}

/** What one message's content says, after edits: parsed once per event and edit. */
export interface MessageContent {
  readonly msgtype: MessageKind;
  readonly body: string;
  readonly formattedBody?: string;
  readonly media?: MediaInfo;
  /** `m.mentions.user_ids` (an empty `m.mentions` is []); undefined when the sender's client sent none. */
  readonly mentions?: readonly string[];
  /** `m.mentions.room`: the message notifies the whole room (if its sender's level allows). */
  readonly mentionsRoom?: true;
}

/**
 * The attachment of an `m.image`/`m.file`/`m.audio`/`m.video`: a plain `mxc://` `url`, or an encrypted
 * `file` (spec: EncryptedFile). Anything else (an `https:` URL, a malformed `file`) gives no media, so
 * nothing is ever fetched from where a message points.
 */
function parseMedia(content: Json, body: string): MediaInfo | undefined {
  const encryption = parseEncryptedFile(content['file']);
  const url = encryption?.url ?? asString(content['url']);
  if (url === undefined || !url.startsWith('mxc://')) return undefined;
  const info = asObject(content['info']);
  const mimetype = asString(info?.['mimetype']);
  const size = asNumber(info?.['size']);
  const width = asNumber(info?.['w']);
  const height = asNumber(info?.['h']);
  const duration = asNumber(info?.['duration']);
  const thumbnail = parseThumbnail(info);
  const blurhash = asString(info?.['xyz.amorgan.blurhash']);
  return {
    mxc: url,
    name: asString(content['filename']) ?? body,
    ...(mimetype !== undefined ? { mimetype } : {}),
    ...(size !== undefined ? { size } : {}),
    ...(width !== undefined ? { width } : {}),
    ...(height !== undefined ? { height } : {}),
    ...(encryption ? { encryption } : {}),
    ...(thumbnail ? { thumbnail } : {}),
    ...(duration !== undefined ? { duration } : {}),
    // A blurhash is short; anything long is not one and is not decoded.
    ...(blurhash !== undefined && blurhash.length >= 6 && blurhash.length <= 100 ? { blurhash } : {}),
  };
}

function parseThumbnail(info: Json | undefined): MediaThumbnail | undefined {
  const encryption = parseEncryptedFile(info?.['thumbnail_file']);
  const url = encryption?.url ?? asString(info?.['thumbnail_url']);
  if (url === undefined || !url.startsWith('mxc://')) return undefined;
  const thumbInfo = asObject(info?.['thumbnail_info']);
  const mimetype = asString(thumbInfo?.['mimetype']);
  const width = asNumber(thumbInfo?.['w']);
  const height = asNumber(thumbInfo?.['h']);
  return {
    mxc: url,
    ...(encryption ? { encryption } : {}),
    ...(mimetype !== undefined ? { mimetype } : {}),
    ...(width !== undefined ? { width } : {}),
    ...(height !== undefined ? { height } : {}),
  };
}

/** Undefined when the content is malformed (no string body or msgtype). */
export function parseMessageContent(content: Json, stripFallback: boolean): MessageContent | undefined {
  const rawBody = asString(content['body']);
  const msgtypeRaw = asString(content['msgtype']);
  if (rawBody === undefined || msgtypeRaw === undefined) return undefined;
  // The spec asks clients to show the body of message types they do not know.
  const msgtype = MSGTYPES.get(msgtypeRaw) ?? 'text';
  const body = stripFallback ? stripReplyFallback(rawBody) : rawBody;
  const formatted = content['format'] === 'org.matrix.custom.html' ? asString(content['formatted_body']) : undefined;
  const media = MEDIA_KINDS.has(msgtype) ? parseMedia(content, rawBody) : undefined;
  const mentions = asObject(content['m.mentions']);
  const userIds = mentions?.['user_ids'];
  return {
    msgtype,
    body,
    ...(formatted !== undefined ? { formattedBody: formatted } : {}),
    ...(media ? { media } : {}),
    ...(mentions ? { mentions: Array.isArray(userIds) ? userIds.filter((id): id is string => typeof id === 'string') : [] } : {}),
    ...(mentions?.['room'] === true ? { mentionsRoom: true as const } : {}),
  };
}

/**
 * Whether a message mentions `userId`: by `m.mentions` when the sender's client sent it (intentional
 * mentions), otherwise by a pill (`matrix.to` link) to them in `formatted_body`, as older clients send, or by
 * their display name or localpart in the text (the legacy push rules, name-mentions.ts).
 */
export function mentionsUser(content: MessageContent, userId: string, displayName?: string): boolean {
  if (content.mentions) return content.mentions.includes(userId);
  const html = content.formattedBody;
  if (html !== undefined && (html.includes(`matrix.to/#/${userId}"`) || html.includes(`matrix.to/#/${encodeURIComponent(userId)}"`))) {
    return true;
  }
  return bodyNamesUser(content.body, userId, displayName);
}

/**
 * Whether a message says it notifies the whole room: `m.mentions.room`, or, from a client that sends no
 * `m.mentions`, `@room` in its text (the legacy `.m.rule.roomnotif`). Both highlight only when the sender's
 * level reaches the room's `notifications.room`, which the caller knows.
 */
export function mentionsRoom(content: MessageContent): boolean {
  return content.mentionsRoom === true || (content.mentions === undefined && saysRoom(content.body));
}

/** An edit candidate: the replacing event, loaded in the timeline or bundled by the server. */
export interface Edit {
  readonly eventId: string;
  readonly sender: string;
  readonly ts: number;
  readonly newContent: Json;
}

export function editFromBundle(value: unknown): Edit | undefined {
  const bundled = asObject(value);
  const eventId = asString(bundled?.['event_id']);
  const sender = asString(bundled?.['sender']);
  const ts = asNumber(bundled?.['origin_server_ts']);
  const newContent = asObject(asObject(bundled?.['content'])?.['m.new_content']);
  if (eventId === undefined || sender === undefined || ts === undefined || !newContent) return undefined;
  return { eventId, sender, ts, newContent };
}

/** The spec's order for edits: latest `origin_server_ts`, then the greatest event id. */
export function isLater(a: Edit, b: Edit | undefined): boolean {
  return !b || a.ts > b.ts || (a.ts === b.ts && a.eventId > b.eventId);
}
