/**
 * The content an attachment's message becomes once its file (and, for images, a thumbnail) is uploaded,
 * encrypted first where the room is. Loaded when a file is sent (sdk-transport.ts), not with the engine.
 */
import { fileType, type Content } from './attachment-content.ts';
import { encryptAttachment, encryptedFile } from './encrypt.ts';
import { describeImage, type ImageDescription } from './image-info.ts';
import { uploadMedia } from './upload.ts';

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
  if (content['msgtype'] === 'm.image') {
    const image = await describeImage(upload.file);
    if (image) Object.assign(info, await imageInfo(upload, image, filename));
    else content['msgtype'] = 'm.file';
  }
  upload.signal?.throwIfAborted();
  const where = await put(upload, upload.file, mimetype, filename, upload.onProgress);
  return { ...content, info, ...where };
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
