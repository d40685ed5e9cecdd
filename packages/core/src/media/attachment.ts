/**
 * The content an attachment's message becomes once its file (and, for images, a thumbnail) is uploaded,
 * encrypted first where the room is. Loaded when a file is sent (sdk-transport.ts), not with the engine.
 */
import { fileType, type Content } from './attachment-content.ts';
import { encryptAttachment, encryptedFile } from './encrypt.ts';
import { judgedType, sniffType } from './file-type.ts';
import { describeImage, type ImageDescription } from './image-info.ts';
import { describePlayable } from './playable-info.ts';
import { attachmentKind, uploadMedia } from './upload.ts';

export interface AttachmentUpload {
  readonly baseUrl: string;
  readonly accessToken: string | undefined;
  readonly file: Blob;
  /** `attachmentContent()`'s content. */
  readonly content: Readonly<Content>;
  /** The room is encrypted: the server gets only ciphertext, and no file name or type. */
  readonly encrypt: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (sent: number, total: number) => void;
}

/** Uploads (encrypting first where asked) and resolves to where the bytes are: `url`, or `file`. */
async function put(
  upload: AttachmentUpload,
  data: Blob,
  mimetype: string,
  filename: string,
  onProgress?: (sent: number, total: number) => void,
): Promise<{ url: string } | { file: Content }> {
  const common = {
    baseUrl: upload.baseUrl,
    accessToken: upload.accessToken,
    ...(upload.signal ? { signal: upload.signal } : {}),
    ...(onProgress ? { onProgress } : {}),
  };
  if (!upload.encrypt) return { url: await uploadMedia({ ...common, body: data, contentType: mimetype, filename }) };
  const encrypted = await encryptAttachment(data, upload.signal ? { signal: upload.signal } : {});
  const url = await uploadMedia({ ...common, body: encrypted.data, contentType: 'application/octet-stream' });
  return { file: { ...encryptedFile(encrypted.info, url) } };
}

/**
 * Uploads an attachment and returns its final content. An `m.image` whose bytes do not decode as an
 * image (a `.png` that is really HTML) is sent as `m.file`, so no client tries to draw it.
 */
export async function uploadAttachment(upload: AttachmentUpload): Promise<Content> {
  const content: Content = { ...upload.content };
  const info: Content = { ...(content['info'] as Content | undefined) };
  const mimetype = typeof info['mimetype'] === 'string' ? info['mimetype'] : fileType(upload.file);
  const filename = typeof content['filename'] === 'string' ? content['filename'] : 'file';
  const judged = judgedType(mimetype, await sniffType(upload.file));
  if (content['msgtype'] !== 'm.file' && attachmentKind(judged) !== KIND_OF[String(content['msgtype'])]) {
    // The name or the browser claimed a picture or a recording the bytes are not: receivers must not play it.
    content['msgtype'] = 'm.file';
    info['mimetype'] = judged;
  }
  Object.assign(info, await describe(upload, content, filename));
  upload.signal?.throwIfAborted();
  const sentType = typeof info['mimetype'] === 'string' ? info['mimetype'] : mimetype;
  const where = await put(upload, upload.file, sentType, filename, upload.onProgress);
  return { ...content, info, ...where };
}

const KIND_OF: Readonly<Record<string, string>> = { 'm.image': 'image', 'm.video': 'video', 'm.audio': 'audio' };

/** The `info` an image, a video or a recording adds; an image that does not decode becomes `m.file`. */
async function describe(upload: AttachmentUpload, content: Content, filename: string): Promise<Content> {
  if (content['msgtype'] === 'm.image') {
    const image = await describeImage(upload.file);
    if (image) return imageInfo(upload, image, filename);
    content['msgtype'] = 'm.file';
    return {};
  }
  if (content['msgtype'] !== 'm.video' && content['msgtype'] !== 'm.audio') return {};
  const playable = await describePlayable(upload.file, content['msgtype'] === 'm.video' ? 'video' : 'audio');
  if (!playable) return {};
  const picture = playable.picture ? await imageInfo(upload, playable.picture, filename) : {};
  return { ...picture, ...(playable.duration !== undefined ? { duration: playable.duration } : {}) };
}

async function imageInfo(upload: AttachmentUpload, image: ImageDescription, filename: string): Promise<Content> {
  const info: Content = { w: image.width, h: image.height };
  if (image.blurhash) info['xyz.amorgan.blurhash'] = image.blurhash;
  const thumbnail = image.thumbnail;
  if (thumbnail) {
    const where = await put(upload, thumbnail.data, thumbnail.mimetype, `thumbnail-${filename}`);
    info['thumbnail_info'] = { w: thumbnail.width, h: thumbnail.height, mimetype: thumbnail.mimetype, size: thumbnail.data.size };
    if ('url' in where) info['thumbnail_url'] = where.url;
    else info['thumbnail_file'] = where.file;
  }
  return info;
}
