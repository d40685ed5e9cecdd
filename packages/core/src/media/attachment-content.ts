/**
 * An attachment's message before its upload: the content queued at once (type, name, size, caption)
 * and its local echo. Light on purpose: the upload itself (attachment.ts) is loaded when a file is sent.
 */
import { echoOf } from '../format/content.ts';
import type { MemberInfo, MessageItem, MessageKind } from '../timeline/timeline-types.ts';
import { attachmentKind, type NamedBlob } from './upload.ts';

export type Content = Record<string, unknown>;

const MSGTYPES = { image: 'm.image', video: 'm.video', audio: 'm.audio', file: 'm.file' } as const;

/** The declared type of a file, or the generic one when the browser does not know it. */
export function fileType(file: Blob): string {
  return file.type || 'application/octet-stream';
}

/**
 * The message content of a file before it is uploaded: `body` is the caption when there is one (the
 * spec's media captions), else the file name; `filename` is always the name.
 */
export function attachmentContent(file: NamedBlob, caption?: string): Content {
  const text = caption?.trim();
  const name = file.name || 'file';
  return {
    msgtype: MSGTYPES[attachmentKind(fileType(file))],
    body: text ? text : name,
    filename: name,
    info: { mimetype: fileType(file), size: file.size },
    'm.mentions': {},
  };
}

const KINDS: Readonly<Record<string, MessageKind>> = { 'm.image': 'image', 'm.video': 'video', 'm.audio': 'audio', 'm.file': 'file' };

/**
 * The local echo of a file sent with `options` (a caption, a reply): what the outbox shows, and what the page of a
 * worker engine draws before the worker has the file (worker/page-echoes.ts).
 */
export function fileEcho(
  file: NamedBlob,
  key: string,
  sender: MemberInfo,
  options: { readonly caption?: string | undefined; readonly replyTo?: string | undefined },
): MessageItem {
  return {
    ...attachmentEcho(attachmentContent(file, options.caption), key, sender),
    ...(options.replyTo ? { replyTo: { eventId: options.replyTo } } : {}),
  };
}

/** The local echo of an attachment being sent: its name, type and size, and (outbox.ts) its progress. */
export function attachmentEcho(content: Readonly<Content>, key: string, sender: MemberInfo): MessageItem {
  const info = (content['info'] ?? {}) as { mimetype?: string; size?: number };
  const body = typeof content['body'] === 'string' ? content['body'] : '';
  const name = typeof content['filename'] === 'string' ? content['filename'] : body;
  return {
    ...echoOf({ msgtype: 'm.text', body, mentionedUserIds: [] }, key, sender),
    msgtype: KINDS[String(content['msgtype'])] ?? 'file',
    media: {
      mxc: '',
      name,
      ...(info.mimetype !== undefined ? { mimetype: info.mimetype } : {}),
      ...(info.size !== undefined ? { size: info.size } : {}),
    },
  };
}
