/**
 * How a site's backend proves itself to the companion: each request is signed with a secret shared by
 * the two (HMAC-SHA-256 over the method, path, a timestamp, a single-use nonce and the body). A request
 * whose signature does not match, whose timestamp is more than `MAX_SKEW_MS` away, or whose nonce was
 * seen before is refused: a captured request cannot be replayed and a forged one cannot be made.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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

/** Checks signed requests, remembering the nonces of the last `MAX_SKEW_MS` to refuse replays. */
export class SiteVerifier {
  readonly #secret: string;
  readonly #seen = new Map<string, number>();

  constructor(secret: string) {
    if (secret.length < 32) throw new Error('The site secret must be at least 32 characters long.');
    this.#secret = secret;
  }

  verify(method: string, path: string, headers: Record<string, string | string[] | undefined>, body: string, now = Date.now()): Verdict {
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
    this.#forgetOld(now);
    if (this.#seen.has(nonce)) return { ok: false, reason: 'The request was already used.' };
    this.#seen.set(nonce, Number(timestamp));
    return { ok: true };
  }

  #forgetOld(now: number): void {
    for (const [nonce, at] of this.#seen) if (Math.abs(now - at) > MAX_SKEW_MS) this.#seen.delete(nonce);
  }
}
