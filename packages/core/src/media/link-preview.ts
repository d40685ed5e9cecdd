/**
 * Link previews through the homeserver's preview API (`GET …/media/preview_url`, authenticated media where the
 * server advertises it, `/_matrix/media/v3` otherwise or when the newer path is unknown to it). The browser
 * never fetches the previewed page or its image: the homeserver does, and its answer is read here as data,
 * bounded and as plain text. Loaded with `import()` by the room model at the first link shown.
 */
import { legacyMediaBase, mediaApi } from './media-api.ts';
import { parseMxc, SAFE_IMAGE_TYPES } from './media.ts';
import type { LinkPreview } from '../types.ts';
import { ENCRYPTED_PREVIEWS_KEY, PLAIN_PREVIEWS_TYPE, ROOM_SETTINGS_TYPE, type RoomAccountData } from './link-preview-setting.ts';

/** A preview slower than this is given up: the card never shows and no spinner waits for it. */
export const PREVIEW_TIMEOUT_MS = 8_000;
/** Longest title, description and site name kept (in UTF-16 code units), cut with an ellipsis beyond. */
export const MAX_TITLE_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 500;
export const MAX_SITE_NAME_LENGTH = 80;
/** A preview answer larger than this is not read: Open Graph data is a few hundred bytes. */
export const MAX_PREVIEW_BYTES = 64 * 1024;
/** The homeserver's copy of an image larger than this (bytes or pixels) gets no thumbnail. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_IMAGE_PIXELS = 32 * 1024 * 1024;
/** Previews kept per session (their URLs and results, a few hundred bytes each). */
const MAX_CACHED = 500;

/** Characters that have no place in a one-paragraph text: controls, and bidirectional overrides and isolates. */
// eslint-disable-next-line no-control-regex
const UNWANTED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/gu;

/** A page's text as one bounded line of plain text (markup in it stays text: the renderer never parses it). */
export function previewText(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Bounded before any regular expression runs over it.
  const text = value
    .slice(0, max * 4)
    .replace(UNWANTED, '')
    .replace(/\s+/gu, ' ')
    .trim();
  if (text === '') return undefined;
  if (text.length <= max) return text;
  // Not inside a surrogate pair.
  const end = /[\uD800-\uDBFF]/u.test(text.charAt(max - 2)) ? max - 2 : max - 1;
  return `${text.slice(0, end).trimEnd()}…`;
}

function dimension(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 1_000_000 ? n : undefined;
}

function previewImage(body: Record<string, unknown>): LinkPreview['image'] {
  const mxc = body['og:image'];
  if (typeof mxc !== 'string') return undefined;
  try {
    parseMxc(mxc);
  } catch {
    // A page's own image URL (a homeserver that did not copy it) is never fetched from the browser.
    return undefined;
  }
  const type = body['og:image:type'];
  if (typeof type === 'string' && !SAFE_IMAGE_TYPES.has(type.split(';')[0]?.trim().toLowerCase() ?? '')) return undefined;
  const size = body['matrix:image:size'];
  if (typeof size === 'number' && size > MAX_IMAGE_BYTES) return undefined;
  const width = dimension(body['og:image:width']);
  const height = dimension(body['og:image:height']);
  if (width !== undefined && height !== undefined && width * height > MAX_IMAGE_PIXELS) return undefined;
  return { mxc, ...(width !== undefined ? { width } : {}), ...(height !== undefined ? { height } : {}) };
}

/**
 * The preview of `url` from the preview API's answer, or undefined when it has nothing to show (no title
 * and no description). Only Open Graph's title, description, site name and the homeserver's copy of the
 * image are read; the host comes from the URL, not from the page.
 */
export function parseLinkPreview(url: string, body: unknown): LinkPreview | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const og = body as Record<string, unknown>;
  const title = previewText(og['og:title'], MAX_TITLE_LENGTH);
  const description = previewText(og['og:description'], MAX_DESCRIPTION_LENGTH);
  if (title === undefined && description === undefined) return undefined;
  const siteName = previewText(og['og:site_name'], MAX_SITE_NAME_LENGTH);
  const image = previewImage(og);
  return {
    url,
    host: new URL(url).hostname,
    ...(title !== undefined ? { title } : {}),
    ...(description !== undefined && description !== title ? { description } : {}),
    ...(siteName !== undefined ? { siteName } : {}),
    ...(image ? { image } : {}),
  };
}

/** Reads at most `max` bytes of a body as text; undefined (and the rest cancelled) when it is larger. */
async function boundedText(response: Response, max: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('Content-Length') ?? '0');
  if (declared > max || !response.body) {
    void response.body?.cancel();
    return undefined;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > max) {
      void reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

export interface LinkPreviewLoaderOptions {
  readonly baseUrl: string;
  readonly accessToken: () => string | null | undefined;
  /** The homeserver's `/versions` body (js-sdk's cached `getVersions()`). */
  readonly serverVersions?: () => Promise<unknown>;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

/** Whether a response says the homeserver does not know the endpoint (rather than failing to preview). */
async function unknownEndpoint(response: Response): Promise<boolean> {
  if (response.status !== 404 && response.status !== 400 && response.status !== 405) return false;
  const text = await boundedText(response, 4_096).catch(() => undefined);
  try {
    return (JSON.parse(text ?? '{}') as { errcode?: unknown }).errcode === 'M_UNRECOGNIZED' || response.status === 405;
  } catch {
    return response.status === 404 || response.status === 405;
  }
}

/**
 * One per session: previews by URL. The same URL is asked once (later callers share the request and its
 * result, a failure included, for the session); each request is bounded in time and size. A homeserver
 * without previews (disabled, or not implemented) is asked once, then no more.
 */
export class LinkPreviewLoader {
  readonly #options: LinkPreviewLoaderOptions;
  readonly #fetch: typeof fetch;
  readonly #cache = new Map<string, Promise<LinkPreview | undefined>>();
  #unsupported = false;
  /** The legacy path, once the authenticated one proved unknown to the homeserver. */
  #legacy = false;

  constructor(options: LinkPreviewLoaderOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** The preview of `url`, or undefined when there is none to show. Never rejects. */
  preview(url: string): Promise<LinkPreview | undefined> {
    const cached = this.#cache.get(url);
    if (cached) return cached;
    if (this.#cache.size >= MAX_CACHED) {
      const oldest = this.#cache.keys().next();
      if (!oldest.done) this.#cache.delete(oldest.value);
    }
    const pending = this.#load(url).catch(() => undefined);
    this.#cache.set(url, pending);
    return pending;
  }

  async #load(url: string): Promise<LinkPreview | undefined> {
    if (this.#unsupported) return undefined;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.#options.timeoutMs ?? PREVIEW_TIMEOUT_MS);
    try {
      const api = await mediaApi(this.#options.baseUrl, this.#options.serverVersions);
      const bases =
        this.#legacy || !api.authenticated ? [legacyMediaBase(this.#options.baseUrl)] : [api.base, legacyMediaBase(this.#options.baseUrl)];
      for (const [index, base] of bases.entries()) {
        const last = index === bases.length - 1;
        let response: Response;
        try {
          response = await this.#get(`${base}/preview_url?${new URLSearchParams({ url })}`, abort.signal);
        } catch (error) {
          // A refused CORS preflight (Dendrite answers one for authenticated media 401) looks like a network error:
          // the older path tells the two apart, as media.ts does for downloads.
          if (last || abort.signal.aborted) throw error;
          continue;
        }
        if (response.ok) {
          const text = await boundedText(response, MAX_PREVIEW_BYTES);
          return text === undefined ? undefined : parseLinkPreview(url, JSON.parse(text));
        }
        if (!(await unknownEndpoint(response))) return undefined;
        if (last) this.#unsupported = true;
        else this.#legacy = true;
      }
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  #get(url: string, signal: AbortSignal): Promise<Response> {
    const token = this.#options.accessToken();
    return this.#fetch(url, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      signal,
      referrerPolicy: 'no-referrer',
    });
  }
}

const loaders = new WeakMap<object, LinkPreviewLoader>();

/** The session's loader, keyed by its client, so every room of a session shares one cache. */
export function linkPreviewLoader(session: object, options: () => LinkPreviewLoaderOptions): LinkPreviewLoader {
  let loader = loaders.get(session);
  if (!loader) {
    loader = new LinkPreviewLoader(options());
    loaders.set(session, loader);
  }
  return loader;
}

/** The room account data that records `enabled` (media/link-preview-setting.ts), keeping what else the member's settings event holds. */
export function linkPreviewsAccountData(
  enabled: boolean,
  encrypted: boolean,
  accountData: RoomAccountData,
): { readonly type: string; readonly content: Record<string, unknown> } {
  if (encrypted) {
    return { type: ROOM_SETTINGS_TYPE, content: { ...accountData(ROOM_SETTINGS_TYPE), [ENCRYPTED_PREVIEWS_KEY]: enabled } };
  }
  return { type: PLAIN_PREVIEWS_TYPE, content: { ...accountData(PLAIN_PREVIEWS_TYPE), disable: !enabled } };
}
