/**
 * Short-lived moderator tokens: how a moderator's browser reaches the moderation API without the site
 * secret. The site's backend, which knows who its moderators are, mints a token for its signed-in moderator
 * (`mintModeratorToken`, or a signed `POST /_omni/v1/moderation/token`); the browser sends it as
 * `Authorization: Bearer <token>` and it expires on its own (15 minutes unless asked otherwise).
 *
 * The token is self-contained (`omod1.<payload>.<mac>`, the payload base64url JSON `{"sub", "exp"}`, the MAC an
 * HMAC-SHA-256 of the payload under a key derived from the site secret), so any instance of the companion checks
 * it without shared state: the companion stays stateless and scales out. A leaked token is good for its
 * lifetime only and cannot be turned into a signed site request (a different key).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MintedToken } from '@omnisocial/core/moderation';

const PREFIX = 'omod1';
export const MODERATOR_TOKEN_TTL_MS = 15 * 60_000;
export const MODERATOR_TOKEN_TTL_MAX_MS = 12 * 3_600_000;

export interface ModeratorToken extends MintedToken {
  readonly moderator: string;
}

const key = (siteSecret: string): Buffer => createHmac('sha256', siteSecret).update('omni moderator token v1').digest();
const mac = (siteSecret: string, payload: string): Buffer => createHmac('sha256', key(siteSecret)).update(payload).digest();

/** A token for `moderator` (the site's name for them, shown in the companion's log), valid `ttlMs`. */
export function mintModeratorToken(
  siteSecret: string,
  moderator: string,
  ttlMs = MODERATOR_TOKEN_TTL_MS,
  now = Date.now(),
): ModeratorToken {
  if (moderator === '' || moderator.length > 255) throw new RangeError('The moderator must be named (1–255 characters).');
  if (!Number.isInteger(ttlMs) || ttlMs < 1_000 || ttlMs > MODERATOR_TOKEN_TTL_MAX_MS) {
    throw new RangeError('A moderator token lives from 1 second to 12 hours.');
  }
  const expiresAt = now + ttlMs;
  const payload = Buffer.from(JSON.stringify({ sub: moderator, exp: expiresAt })).toString('base64url');
  return { token: `${PREFIX}.${payload}.${mac(siteSecret, payload).toString('base64url')}`, expiresAt, moderator };
}

export type TokenVerdict = { ok: true; moderator: string } | { ok: false; reason: string };

/** Whether `token` was minted with this site secret and has not expired. */
export function verifyModeratorToken(siteSecret: string, token: string, now = Date.now()): TokenVerdict {
  const [prefix, payload, signature, extra] = token.split('.');
  if (prefix !== PREFIX || !payload || !signature || extra !== undefined) return { ok: false, reason: 'The moderator token is malformed.' };
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(siteSecret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'The moderator token is not valid.' };
  let claims: { sub?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown; exp?: unknown };
  } catch {
    return { ok: false, reason: 'The moderator token is malformed.' };
  }
  if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return { ok: false, reason: 'The moderator token is malformed.' };
  if (claims.exp <= now) return { ok: false, reason: 'The moderator token has expired.' };
  return { ok: true, moderator: claims.sub };
}
