/**
 * How a site's backend proves itself to the companion: each request is signed with a secret shared by
 * the two (HMAC-SHA-256 over the method, path, a timestamp, a single-use nonce and the body). A request
 * whose signature does not match, whose timestamp is more than `MAX_SKEW_MS` away, or whose nonce was
 * seen before is refused: a captured request cannot be replayed and a forged one cannot be made.
 *
 * The companion checks with `verifyOnce`, which keeps the nonces in its state store (state-store.ts): with the
 * PostgreSQL store, a request one replica accepted is refused by every other. `verify` keeps them in this
 * process, for a site's backend checking the companion's calls to it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { MemoryStateStore, type StateStore } from './state-store.ts';

export const MAX_SKEW_MS = 5 * 60_000;
export const SIGNATURE_SCHEME = 'OmniSite';

export interface SignedHeaders {
  readonly authorization: string;
  readonly 'x-omni-timestamp': string;
  readonly 'x-omni-nonce': string;
}

function mac(secret: string, method: string, path: string, timestamp: string, nonce: string, body: string): Buffer {
  return createHmac('sha256', secret).update([method.toUpperCase(), path, timestamp, nonce, body].join('\n')).digest();
}

/** The headers a site's backend sends with `body` to `method path` of the companion. */
export function signSiteRequest(secret: string, method: string, path: string, body: string, now = Date.now()): SignedHeaders {
  const timestamp = String(now);
  const nonce = randomBytes(16).toString('hex');
  const signature = mac(secret, method, path, timestamp, nonce, body).toString('hex');
  return { authorization: `${SIGNATURE_SCHEME} ${signature}`, 'x-omni-timestamp': timestamp, 'x-omni-nonce': nonce };
}

export type Verdict = { ok: true } | { ok: false; reason: string };

const NONCES = 'site-nonce';

/** Checks signed requests, remembering the nonces of the last `MAX_SKEW_MS` to refuse replays. */
export class SiteVerifier {
  readonly #secret: string;
  readonly #seen = new Map<string, number>();
  readonly #store: StateStore;

  /** `store` keeps the nonces `verifyOnce` has seen; by default this process's memory. */
  constructor(secret: string, store: StateStore = new MemoryStateStore()) {
    if (secret.length < 32) throw new Error('The site secret must be at least 32 characters long.');
    this.#secret = secret;
    this.#store = store;
  }

  /** Checks a request, remembering its nonce in this process. */
  verify(method: string, path: string, headers: Record<string, string | string[] | undefined>, body: string, now = Date.now()): Verdict {
    const checked = this.#check(method, path, headers, body, now);
    if (!checked.ok) return checked;
    this.#forgetOld(now);
    if (this.#seen.has(checked.nonce)) return { ok: false, reason: 'The request was already used.' };
    this.#seen.set(checked.nonce, checked.timestamp);
    return { ok: true };
  }

  /** Checks a request, claiming its nonce in the state store: accepted once across every replica sharing it. */
  async verifyOnce(
    method: string,
    path: string,
    headers: Record<string, string | string[] | undefined>,
    body: string,
    now = Date.now(),
  ): Promise<Verdict> {
    const checked = this.#check(method, path, headers, body, now);
    if (!checked.ok) return checked;
    // Held until the signature's timestamp is too old to be accepted anyway.
    const ttl = checked.timestamp + MAX_SKEW_MS - now + 1;
    if (!(await this.#store.claim(NONCES, checked.nonce, ttl, now))) return { ok: false, reason: 'The request was already used.' };
    return { ok: true };
  }

  #check(
    method: string,
    path: string,
    headers: Record<string, string | string[] | undefined>,
    body: string,
    now: number,
  ): { ok: true; nonce: string; timestamp: number } | { ok: false; reason: string } {
    const header = (name: string): string | undefined => {
      const value = headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const authorization = header('authorization') ?? '';
    const timestamp = header('x-omni-timestamp') ?? '';
    const nonce = header('x-omni-nonce') ?? '';
    if (!authorization.startsWith(`${SIGNATURE_SCHEME} `)) return { ok: false, reason: 'The request is not signed.' };
    if (!/^\d{1,15}$/u.test(timestamp) || !/^[0-9a-f]{16,64}$/u.test(nonce)) return { ok: false, reason: 'The request is not signed.' };
    if (Math.abs(now - Number(timestamp)) > MAX_SKEW_MS) return { ok: false, reason: 'The request is too old or from the future.' };
    const given = Buffer.from(authorization.slice(SIGNATURE_SCHEME.length + 1), 'hex');
    const expected = mac(this.#secret, method, path, timestamp, nonce, body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, reason: 'The signature does not match.' };
    return { ok: true, nonce, timestamp: Number(timestamp) };
  }

  #forgetOld(now: number): void {
    for (const [nonce, at] of this.#seen) if (Math.abs(now - at) > MAX_SKEW_MS) this.#seen.delete(nonce);
  }
}
