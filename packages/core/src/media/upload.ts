/**
 * Sending files: the checks made before a byte leaves the browser (empty, unreadable, over the
 * homeserver's `m.upload.size`), the upload itself (`POST /_matrix/media/v3/upload`, with progress and
 * cancel), and the message content an uploaded file becomes (`url`, or `file` in encrypted rooms).
 */
import { SAFE_IMAGE_TYPES } from './media.ts';

export type UploadErrorCode = 'empty' | 'unreadable' | 'too-large' | 'not-accepted' | 'rate-limited' | 'network' | 'http' | 'aborted';

/** Why a file was refused or its upload failed, in words a member can act on. */
export class UploadError extends Error {
  readonly code: UploadErrorCode;
  /** HTTP status of a refused upload. */
  readonly status?: number;
  /** For `rate-limited`: how long the server asked to wait. */
  readonly retryAfterMs?: number;
  constructor(code: UploadErrorCode, message: string, details: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'UploadError';
    this.code = code;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}

/** A file as the browser gives it (`File`), or any blob with a name. */
export interface NamedBlob extends Blob {
  readonly name: string;
}

export type AttachmentKind = 'image' | 'video' | 'audio' | 'file';

/**
 * The message type a file is sent as. Only raster images are `m.image`: an SVG can carry script, so it
 * is a file that downloads, never an image drawn in a page.
 */
export function attachmentKind(mimetype: string): AttachmentKind {
  const type = mimetype.split(';')[0]?.trim().toLowerCase() ?? '';
  if (SAFE_IMAGE_TYPES.has(type)) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  return 'file';
}

/** Made on first use: the module loads before a room's first paint, and a formatter's first construction is not free. */
let megabytes: Intl.NumberFormat | undefined;

/** "4.2 MB", decimal as file managers show sizes. */
export function sizeText(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  megabytes ??= new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
  if (bytes < 1_000_000) return `${megabytes.format(bytes / 1000)} kB`;
  return `${megabytes.format(bytes / 1_000_000)} MB`;
}

/**
 * Refuses a file before anything is uploaded: an empty file, one over `maxBytes` (the homeserver's
 * `m.upload.size`, when known), or one the browser can no longer read (moved, deleted, a folder).
 */
export async function checkFile(file: NamedBlob, maxBytes: number | undefined): Promise<void> {
  const name = file.name || 'The file';
  if (file.size === 0) throw new UploadError('empty', `“${name}” is empty (0 bytes): there is nothing to send.`);
  if (maxBytes !== undefined && file.size > maxBytes) {
    throw new UploadError('too-large', `“${name}” is ${sizeText(file.size)}; this server accepts files up to ${sizeText(maxBytes)}.`);
  }
  try {
    await file.slice(0, 1).arrayBuffer();
  } catch (error) {
    throw new UploadError('unreadable', `“${name}” could not be read: it may have been moved or deleted. Attach it again.`, {
      cause: error,
    });
  }
}

const configs = new Map<string, { readonly at: number; readonly maxBytes: Promise<number | undefined> }>();
const CONFIG_TTL_MS = 10 * 60_000;

/**
 * The homeserver's largest upload (`GET /_matrix/client/v1/media/config`, `m.upload.size`), asked once
 * per homeserver every ten minutes; undefined when it does not say (the upload's 413 then decides).
 */
export function maxUploadBytes(
  baseUrl: string,
  accessToken: string | undefined,
  fetcher: typeof fetch = fetch,
): Promise<number | undefined> {
  const known = configs.get(baseUrl);
  if (known && Date.now() - known.at < CONFIG_TTL_MS) return known.maxBytes;
  const maxBytes = fetcher(`${baseUrl}/_matrix/client/v1/media/config`, {
    headers: accessToken ? { Authorization: `Bearer ${accessToken}` } : {},
  })
    .then(async (response) => {
      if (!response.ok) return undefined;
      const size = ((await response.json()) as Record<string, unknown>)['m.upload.size'];
      return typeof size === 'number' && size > 0 ? size : undefined;
    })
    .catch(() => {
      configs.delete(baseUrl);
      return undefined;
    });
  configs.set(baseUrl, { at: Date.now(), maxBytes });
  return maxBytes;
}

export interface UploadOptions {
  /** The client-server API base URL, without a trailing slash. */
  readonly baseUrl: string;
  readonly accessToken: string | undefined;
  readonly body: Blob;
  readonly contentType: string;
  /** Given to the server as `filename` (omitted for ciphertext: the server must not learn it). */
  readonly filename?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (sent: number, total: number) => void;
}

/**
 * Uploads through `POST /_matrix/media/v3/upload` and resolves to the `mxc://` URI. In a browser this
 * uses XMLHttpRequest, whose upload progress `fetch` cannot report; elsewhere `fetch`.
 */
export async function uploadMedia(options: UploadOptions): Promise<string> {
  const query = options.filename ? `?${new URLSearchParams({ filename: options.filename })}` : '';
  const url = `${options.baseUrl}/_matrix/media/v3/upload${query}`;
  if (options.signal?.aborted) throw new UploadError('aborted', 'The upload was cancelled.');
  return typeof XMLHttpRequest === 'undefined' ? uploadWithFetch(url, options) : uploadWithXhr(url, options);
}

function headers(options: UploadOptions): Record<string, string> {
  return {
    'Content-Type': options.contentType || 'application/octet-stream',
    ...(options.accessToken ? { Authorization: `Bearer ${options.accessToken}` } : {}),
  };
}

async function uploadWithFetch(url: string, options: UploadOptions): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: headers(options),
      body: options.body,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw new UploadError('aborted', 'The upload was cancelled.', { cause: error });
    throw new UploadError('network', 'The upload failed: check the connection.', { cause: error });
  }
  const text = await response.text().catch(() => '');
  options.onProgress?.(options.body.size, options.body.size);
  return answer(response.status, text, response.headers.get('Retry-After'));
}

function uploadWithXhr(url: string, options: UploadOptions): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(headers(options))) xhr.setRequestHeader(name, value);
    const abort = (): void => xhr.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    const done = (): void => options.signal?.removeEventListener('abort', abort);
    xhr.upload.onprogress = (event) => options.onProgress?.(event.loaded, event.lengthComputable ? event.total : options.body.size);
    xhr.onload = () => {
      done();
      try {
        resolve(answer(xhr.status, xhr.responseText, xhr.getResponseHeader('Retry-After')));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    xhr.onerror = () => {
      done();
      reject(new UploadError('network', 'The upload failed: check the connection.'));
    };
    xhr.onabort = () => {
      done();
      reject(new UploadError('aborted', 'The upload was cancelled.'));
    };
    xhr.send(options.body);
  });
}

/** The mxc URI of a successful answer, or the `UploadError` a refusal means. */
function answer(status: number, text: string, retryAfter: string | null): string {
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  const uri = body['content_uri'];
  if (status >= 200 && status < 300 && typeof uri === 'string' && uri.startsWith('mxc://')) return uri;
  if (status === 413 || body['errcode'] === 'M_TOO_LARGE') {
    throw new UploadError('too-large', 'The file is larger than this server accepts.', { status });
  }
  if (status === 429 || body['errcode'] === 'M_LIMIT_EXCEEDED') {
    const fromBody = typeof body['retry_after_ms'] === 'number' ? body['retry_after_ms'] : undefined;
    const fromHeader = retryAfter !== null && /^\d+$/u.test(retryAfter) ? Number(retryAfter) * 1000 : undefined;
    throw new UploadError('rate-limited', 'The server asked to wait before uploading again.', {
      status,
      retryAfterMs: fromBody ?? fromHeader ?? 5_000,
    });
  }
  const reason = typeof body['error'] === 'string' ? `: ${body['error']}` : '';
  throw new UploadError('http', `The server refused the upload (HTTP ${status})${reason}.`, { status });
}
