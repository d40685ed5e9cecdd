/**
 * Media through authenticated media (`/_matrix/client/v1/media/…`, Matrix 1.11): every request
 * carries the member's access token, so the bytes are fetched here and handed to the UI as blob URLs
 * (an `<img src>` cannot send a token). Encrypted attachments are verified and decrypted client-side.
 *
 * Nothing here requests a URL that is not built from a well-formed `mxc://` URI and the session's
 * own homeserver, so a message can never make the page fetch from a third party.
 */
import type { EncryptedFile } from '../timeline/timeline-types.ts';
import { authenticatedMediaUnreachable, legacyMediaBase, mediaApi } from './media-api.ts';
import type { MediaRequest } from '../types.ts';

export type MediaErrorCode = 'bad-mxc' | 'bad-encryption' | 'bad-hash' | 'not-found' | 'refused-type' | 'http' | 'network' | 'stopped';

/** Why media could not be shown; the UI falls back (initials, "Media unavailable"). */
export class MediaError extends Error {
  readonly code: MediaErrorCode;
  constructor(code: MediaErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MediaError';
    this.code = code;
  }
}

export interface MxcParts {
  readonly serverName: string;
  readonly mediaId: string;
}

// Server name per the spec's grammar: DNS name, IPv4 or bracketed IPv6, optional port. Media id: `[A-Za-z0-9_-]+`.
const MXC = /^mxc:\/\/((?:[A-Za-z0-9-]+\.)*[A-Za-z0-9-]+|\[[0-9A-Fa-f:.]{2,45}\])(?::(\d{1,5}))?\/([A-Za-z0-9_-]+)$/u;

/** Splits `mxc://server/media-id`; anything else (another scheme, a path, a query, a bad port) throws. */
export function parseMxc(uri: string): MxcParts {
  const match = typeof uri === 'string' && uri.length <= 512 ? MXC.exec(uri) : null;
  const host = match?.[1];
  const port = match?.[2];
  const mediaId = match?.[3];
  if (!match || host === undefined || mediaId === undefined || (port !== undefined && Number(port) > 65535)) {
    throw new MediaError(
      'bad-mxc',
      `"${typeof uri === 'string' ? uri.slice(0, 80) : typeof uri}" is not a valid mxc:// URI (mxc://server/media-id).`,
    );
  }
  return { serverName: port === undefined ? host : `${host}:${port}`, mediaId };
}

/** Image types a blob URL may carry: raster formats only (an SVG opened from a blob URL runs script in the page's origin). */
export const SAFE_IMAGE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/apng',
  'image/bmp',
]);

/** `image/PNG; charset=x` → `image/png`. */
function essence(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * The type the blob URL gets, or undefined when the bytes must not be used as asked: images must be
 * a safe raster type, audio and video their own kind; files are always `application/octet-stream`,
 * so opening one downloads it instead of rendering it in the page's origin.
 */
export function blobType(kind: MediaRequest['kind'], contentType: string | null | undefined): string | undefined {
  const type = essence(contentType);
  switch (kind) {
    case 'image':
      return SAFE_IMAGE_TYPES.has(type) ? type : undefined;
    case 'video':
    case 'audio':
      return type.startsWith(`${kind}/`) ? type : undefined;
    case 'file':
      return 'application/octet-stream';
  }
}

// ---------------------------------------------------------------------------------------------
// Encrypted attachments (spec: "Sending encrypted attachments", EncryptedFile)

function base64Bytes(value: string): Uint8Array<ArrayBuffer> {
  // Unpadded base64 (iv, hashes) or base64url (the JWK `k`), padded or not.
  const standard = value.replace(/-/gu, '+').replace(/_/gu, '/').replace(/=+$/u, '');
  if (!/^[A-Za-z0-9+/]*$/u.test(standard) || standard.length % 4 === 1) throw new Error('not base64');
  const binary = atob(standard + '='.repeat((4 - (standard.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The `file` of an encrypted attachment when it is well-formed (types only; `decryptAttachment` checks the rest). */
export function parseEncryptedFile(value: unknown): EncryptedFile | undefined {
  const file = asRecord(value);
  const key = asRecord(file?.['key']);
  const hashes = asRecord(file?.['hashes']);
  const url = file?.['url'];
  const iv = file?.['iv'];
  const k = key?.['k'];
  const sha256 = hashes?.['sha256'];
  const v = file?.['v'];
  if (typeof url !== 'string' || !url.startsWith('mxc://') || typeof iv !== 'string' || typeof k !== 'string') return undefined;
  if (typeof sha256 !== 'string' || (v !== undefined && typeof v !== 'string')) return undefined;
  const alg = key?.['alg'];
  const kty = key?.['kty'];
  const ops = key?.['key_ops'];
  return {
    url,
    key: {
      k,
      ...(typeof alg === 'string' ? { alg } : {}),
      ...(typeof kty === 'string' ? { kty } : {}),
      ...(Array.isArray(ops) ? { key_ops: ops.filter((op): op is string => typeof op === 'string') } : {}),
    },
    iv,
    hashes: { sha256 },
    ...(typeof v === 'string' ? { v } : {}),
  };
}

/**
 * Verifies the ciphertext against `hashes.sha256` (before anything is decrypted) and decrypts it
 * with AES-256-CTR. `v2` attachments use a 64-bit counter; `v1` (and unversioned) ones, from older
 * clients, the whole 128-bit block.
 */
export async function decryptAttachment(ciphertext: ArrayBuffer | Uint8Array<ArrayBuffer>, file: EncryptedFile): Promise<ArrayBuffer> {
  const subtle = globalThis.crypto.subtle;
  let key: Uint8Array<ArrayBuffer>;
  let iv: Uint8Array<ArrayBuffer>;
  let expected: Uint8Array<ArrayBuffer>;
  try {
    key = base64Bytes(file.key.k);
    iv = base64Bytes(file.iv);
    expected = base64Bytes(file.hashes.sha256);
  } catch (error) {
    throw new MediaError('bad-encryption', 'The attachment’s key, iv or hash is not valid base64.', { cause: error });
  }
  if (file.key.alg !== undefined && file.key.alg !== 'A256CTR') {
    throw new MediaError('bad-encryption', `Unsupported attachment cipher ${file.key.alg}.`);
  }
  if (file.key.kty !== undefined && file.key.kty !== 'oct')
    throw new MediaError('bad-encryption', 'The attachment key is not a symmetric key.');
  if (key.length !== 32 || iv.length !== 16 || expected.length !== 32) {
    throw new MediaError('bad-encryption', 'The attachment’s key, iv or hash has the wrong length.');
  }
  if (file.v !== undefined && file.v !== 'v1' && file.v !== 'v2')
    throw new MediaError('bad-encryption', `Unsupported attachment version ${file.v}.`);
  const data = ciphertext instanceof Uint8Array ? ciphertext : new Uint8Array(ciphertext);
  const digest = new Uint8Array(await subtle.digest('SHA-256', data));
  if (!digest.every((byte, i) => byte === expected[i])) {
    throw new MediaError('bad-hash', 'The attachment does not match its SHA-256 hash: it was altered or is not the file that was sent.');
  }
  const cryptoKey = await subtle.importKey('raw', key, { name: 'AES-CTR' }, false, ['decrypt']);
  return subtle.decrypt({ name: 'AES-CTR', counter: iv, length: file.v === 'v2' ? 64 : 128 }, cryptoKey, data);
}

// ---------------------------------------------------------------------------------------------
// The loader

export interface MediaLoaderOptions {
  /** The client-server API base URL, without a trailing slash. */
  readonly baseUrl: string;
  /** The current access token (it may change when tokens are refreshed). */
  readonly accessToken: () => string | null | undefined;
  /** Defaults to the global `fetch`; the engine passes its token-refreshing one. */
  readonly fetch?: typeof fetch;
  /**
   * The homeserver's `/versions` body (the engine passes js-sdk's cached one): where it advertises no
   * authenticated media, media loads through the older `/_matrix/media/v3`. Without it, authenticated media.
   */
  readonly serverVersions?: () => Promise<unknown>;
  /** Blob URLs kept at most (least recently used first out, and revoked). */
  readonly maxEntries?: number;
  /** Bytes of blobs kept at most; the entry just loaded always stays. */
  readonly maxBytes?: number;
  /** How long a failure is remembered before the same media is requested again. */
  readonly failureTtlMs?: number;
}

interface Entry {
  readonly promise: Promise<string>;
  url?: string;
  bytes: number;
  failedAt?: number;
}

/** A stable key for one request: same media, same use, same size → same blob URL. */
export function mediaRequestKey(request: MediaRequest): string {
  const size = request.thumbnail ? `${request.thumbnail.width}x${request.thumbnail.height}${request.thumbnailOnly ? '!' : ''}` : 'full';
  return [request.kind, request.mxc, size, request.encryption?.hashes.sha256 ?? '', request.mimetype ?? ''].join('|');
}

/**
 * One per session: turns media requests into blob URLs. Concurrent requests for the same media share
 * one fetch; results are cached in a bounded LRU whose evicted blob URLs are revoked; failures are
 * remembered for a while so a broken avatar is not requested on every render.
 */
export class MediaLoader {
  readonly #options: MediaLoaderOptions;
  readonly #fetch: typeof fetch;
  readonly #entries = new Map<string, Entry>();
  readonly #abort = new AbortController();
  #bytes = 0;

  constructor(options: MediaLoaderOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Blob URLs held now. */
  get size(): number {
    let count = 0;
    for (const entry of this.#entries.values()) if (entry.url !== undefined) count += 1;
    return count;
  }

  /** Resolves to a blob URL, or rejects with a `MediaError` (the UI then shows its fallback). */
  load(request: MediaRequest): Promise<string> {
    if (this.#abort.signal.aborted) return Promise.reject(new MediaError('stopped', 'The session has ended.'));
    const key = mediaRequestKey(request);
    const known = this.#entries.get(key);
    const ttl = this.#options.failureTtlMs ?? 30_000;
    if (known && (known.failedAt === undefined || Date.now() - known.failedAt < ttl)) {
      // Most recently used goes last.
      this.#entries.delete(key);
      this.#entries.set(key, known);
      return known.promise;
    }
    if (known) this.#entries.delete(key);
    const entry: Entry = {
      bytes: 0,
      promise: this.#fetchBlob(request).then(
        (blob) => {
          if (this.#abort.signal.aborted) throw new MediaError('stopped', 'The session has ended.');
          const url = URL.createObjectURL(blob);
          entry.url = url;
          entry.bytes = blob.size;
          this.#bytes += blob.size;
          this.#evict(entry);
          return url;
        },
        (error: unknown) => {
          entry.failedAt = Date.now();
          throw error instanceof MediaError ? error : new MediaError('network', 'The media could not be loaded.', { cause: error });
        },
      ),
    };
    // Callers handle the rejection; the cached promise itself must not count as unhandled.
    entry.promise.catch(() => undefined);
    this.#entries.set(key, entry);
    return entry.promise;
  }

  /** Revokes every blob URL and refuses further loads (sign-out, session stopped). */
  clear(): void {
    this.#abort.abort();
    for (const entry of this.#entries.values()) if (entry.url !== undefined) URL.revokeObjectURL(entry.url);
    this.#entries.clear();
    this.#bytes = 0;
  }

  #evict(keep: Entry): void {
    const maxEntries = this.#options.maxEntries ?? 300;
    const maxBytes = this.#options.maxBytes ?? 96 * 1024 * 1024;
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= maxEntries && this.#bytes <= maxBytes) break;
      // In-flight entries are not evictable yet; the one just loaded is in use.
      if (entry === keep || (entry.url === undefined && entry.failedAt === undefined)) continue;
      this.#entries.delete(key);
      if (entry.url !== undefined) {
        URL.revokeObjectURL(entry.url);
        this.#bytes -= entry.bytes;
      }
    }
  }

  async #fetchBlob(request: MediaRequest): Promise<Blob> {
    const { serverName, mediaId } = parseMxc(request.mxc);
    const path = `${encodeURIComponent(serverName)}/${encodeURIComponent(mediaId)}`;
    // Authenticated media where the homeserver advertises it, the older media API where it does not.
    const api = await mediaApi(this.#options.baseUrl, this.#options.serverVersions);
    try {
      return await this.#fetchFrom(api.base, path, request);
    } catch (error) {
      // A server may advertise authenticated media yet refuse the browser's CORS preflight for it (Dendrite
      // 0.13.8 answers it 401), which looks like a network failure: the older API tells the two apart.
      if (!api.authenticated || !(error instanceof MediaError) || error.code !== 'network' || this.#abort.signal.aborted) throw error;
      const blob = await this.#fetchFrom(legacyMediaBase(this.#options.baseUrl), path, request).catch(() => {
        throw error;
      });
      authenticatedMediaUnreachable(this.#options.baseUrl);
      return blob;
    }
  }

  async #fetchFrom(base: string, path: string, request: MediaRequest): Promise<Blob> {
    // A server cannot thumbnail what it cannot read: encrypted media is always downloaded whole.
    const thumbnail = request.encryption ? undefined : request.thumbnail;
    if (thumbnail) {
      const query = new URLSearchParams({
        width: String(Math.max(1, Math.round(thumbnail.width))),
        height: String(Math.max(1, Math.round(thumbnail.height))),
        method: 'scale',
      });
      try {
        return await this.#get(`${base}/thumbnail/${path}?${query}`, request);
      } catch (error) {
        // Some images have no thumbnail (too small, a format the server does not thumbnail): use the original.
        if (
          request.thumbnailOnly === true ||
          !(error instanceof MediaError) ||
          (error.code !== 'not-found' && error.code !== 'http' && error.code !== 'refused-type')
        ) {
          throw error;
        }
      }
    }
    return this.#get(`${base}/download/${path}`, request);
  }

  async #get(url: string, request: MediaRequest): Promise<Blob> {
    const token = this.#options.accessToken();
    let response: Response;
    try {
      response = await this.#fetch(url, {
        headers: token ? { Authorization: `Bearer ${token}` } : {},
        signal: this.#abort.signal,
        referrerPolicy: 'no-referrer',
      });
    } catch (error) {
      if (this.#abort.signal.aborted) throw new MediaError('stopped', 'The session has ended.', { cause: error });
      throw new MediaError('network', 'The media could not be loaded; check the connection.', { cause: error });
    }
    if (response.status === 404) {
      void response.body?.cancel();
      throw new MediaError('not-found', `The homeserver does not have ${request.mxc}.`);
    }
    if (!response.ok) {
      void response.body?.cancel();
      throw new MediaError('http', `The homeserver answered ${response.status} for ${request.mxc}.`);
    }
    if (request.encryption) {
      // The server sees ciphertext (`application/octet-stream`); the type is the sender's declared one.
      const type = blobType(request.kind, request.mimetype);
      if (type === undefined) throw refused(request, request.mimetype);
      const plain = await decryptAttachment(await response.arrayBuffer(), request.encryption);
      return new Blob([plain], { type });
    }
    const served = response.headers.get('Content-Type');
    const type = blobType(request.kind, served);
    if (type === undefined) {
      void response.body?.cancel();
      throw refused(request, served);
    }
    return new Blob([await response.arrayBuffer()], { type });
  }
}

function refused(request: MediaRequest, type: string | null | undefined): MediaError {
  return new MediaError('refused-type', `${request.mxc} is ${essence(type) || 'of no declared type'}, not usable as ${request.kind}.`);
}
