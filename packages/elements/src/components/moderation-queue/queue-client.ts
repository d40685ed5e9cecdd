/**
 * The browser's side of the companion's moderation API (docs/server.md, "The moderation queue"). The browser
 * never holds the site secret: it asks the site's own backend for a short-lived moderator token (`tokenUrl`, or
 * a function the page provides) and sends it as `Authorization: Bearer …`; an expired or refused token is
 * fetched again once before the refusal is shown.
 */

import type { MintedToken, ModerationRefusalBody, QueueAction, QueuePage } from '@omnisocial/core';

export type { MintedToken, QueueAction, QueueItem, QueuePage, ReportedMessage } from '@omnisocial/core';

/** Why a request failed, in kinds the element words for a moderator. */
export type RefusalKind = 'gone' | 'unauthorized' | 'network' | 'refused';

export class QueueRefusal extends Error {
  readonly kind: RefusalKind;
  constructor(kind: RefusalKind, message: string) {
    super(message);
    this.name = 'QueueRefusal';
    this.kind = kind;
  }
}

export type TokenProvider = () => Promise<MintedToken>;

/** Asks the site's backend (same origin, with the moderator's cookies) for a token. */
export function tokenFromUrl(url: string): TokenProvider {
  return async () => {
    const answer = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json' } });
    const body = (await answer.json().catch(() => ({}))) as Partial<MintedToken> & { error?: string };
    if (!answer.ok || typeof body.token !== 'string') {
      throw new QueueRefusal('unauthorized', body.error ?? `The site refused a moderator session (HTTP ${String(answer.status)}).`);
    }
    return { token: body.token, expiresAt: typeof body.expiresAt === 'number' ? body.expiresAt : Date.now() + 60_000 };
  };
}

/** Renew a token this long before it expires, so a request never carries one that dies in flight. */
const RENEW_BEFORE_MS = 30_000;

export class ModerationClient {
  readonly #api: string;
  readonly #provider: TokenProvider;
  #token: MintedToken | undefined;

  constructor(api: string, provider: TokenProvider) {
    this.#api = api.endsWith('/') ? api : `${api}/`;
    this.#provider = provider;
  }

  list(from: number, limit: number): Promise<QueuePage> {
    return this.#request<QueuePage>('GET', `queue?from=${String(from)}&limit=${String(limit)}`);
  }

  act(id: string, action: QueueAction, reason?: string): Promise<unknown> {
    return this.#request('POST', `queue/${encodeURIComponent(id)}/${action}`, reason ? { reason } : {});
  }

  async #request<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
    const token = await this.#currentToken();
    let answer: Response;
    try {
      answer = await fetch(this.#api + path, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new QueueRefusal('network', 'network');
    }
    const json = (await answer.json().catch(() => ({}))) as Partial<Record<keyof ModerationRefusalBody, unknown>>;
    const error = typeof json.error === 'string' ? json.error : `HTTP ${String(answer.status)}`;
    if (answer.status === 401 && !retried) {
      this.#token = undefined;
      return this.#request<T>(method, path, body, true);
    }
    if (answer.status === 401) throw new QueueRefusal('unauthorized', error);
    if (answer.status === 404) throw new QueueRefusal('gone', error);
    if (!answer.ok) throw new QueueRefusal('refused', error);
    return json as T;
  }

  async #currentToken(): Promise<string> {
    if (!this.#token || this.#token.expiresAt - RENEW_BEFORE_MS <= Date.now()) {
      try {
        this.#token = await this.#provider();
      } catch (error) {
        if (error instanceof QueueRefusal) throw error;
        throw new QueueRefusal('network', 'network');
      }
    }
    return this.#token.token;
  }
}
