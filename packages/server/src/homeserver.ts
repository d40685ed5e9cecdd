/**
 * The companion's requests to its homeserver's client-server API, as the application service: the
 * registration's `as_token` authenticates, and `user_id` makes a request on behalf of a user in the
 * service's namespace (the "identity assertion" of the application-service API).
 */

export class HomeserverError extends Error {
  readonly status: number;
  readonly errcode: string;
  /** How long the homeserver asks to wait before trying again (rate limits). */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, status: number, errcode: string, retryAfterMs?: number) {
    super(message);
    this.name = 'HomeserverError';
    this.status = status;
    this.errcode = errcode;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface HomeserverOptions {
  /** The client-server API's base URL, e.g. `http://127.0.0.1:8008`. */
  readonly url: string;
  /** The registration's `as_token`. */
  readonly asToken: string;
  /** How long one request may take, in milliseconds. */
  readonly timeoutMs?: number;
}

export type Json = Record<string, unknown>;

export class Homeserver {
  readonly url: string;
  readonly #asToken: string;
  readonly #timeoutMs: number;

  constructor(options: HomeserverOptions) {
    this.url = options.url.replace(/\/+$/u, '');
    this.#asToken = options.asToken;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /**
   * One JSON request. `as` is the user acted for (default: the service's own bot); `token` replaces the
   * service's token (a user's own access token). Non-2xx answers throw a `HomeserverError`.
   */
  async request<T = Json>(
    method: string,
    path: string,
    options: { body?: unknown; as?: string; token?: string; query?: Record<string, string>; contentType?: string } = {},
  ): Promise<T> {
    const url = new URL(this.url + path);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
    if (options.as !== undefined && options.token === undefined) url.searchParams.set('user_id', options.as);
    const headers: Record<string, string> = { Authorization: `Bearer ${options.token ?? this.#asToken}` };
    let body: Blob | string | undefined;
    if (options.body instanceof Uint8Array) {
      body = new Blob([new Uint8Array(options.body)]);
      headers['Content-Type'] = options.contentType ?? 'application/octet-stream';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(this.#timeoutMs) });
    const text = await response.text();
    let json: unknown = {};
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = {};
      }
    }
    if (!response.ok) {
      const error = json as { errcode?: unknown; error?: unknown; retry_after_ms?: unknown };
      const errcode = typeof error.errcode === 'string' ? error.errcode : 'M_UNKNOWN';
      const message = typeof error.error === 'string' ? error.error : `HTTP ${String(response.status)}`;
      const retryAfterMs = typeof error.retry_after_ms === 'number' ? error.retry_after_ms : undefined;
      throw new HomeserverError(`${method} ${path}: ${errcode}: ${message}`, response.status, errcode, retryAfterMs);
    }
    return json as T;
  }
}
