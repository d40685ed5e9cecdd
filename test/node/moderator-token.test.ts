/**
 * Moderator tokens (packages/server/src/moderation/moderator-token.ts), pure: a token minted with the site secret
 * names its moderator until it expires; another secret, a changed payload or signature, an expired token and
 * nonsense are refused with a reason; lifetimes outside 1 s–12 h are refused at minting.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mintModeratorToken, verifyModeratorToken } from '@omnisocial/server';

const SECRET = 'a-site-secret-of-at-least-thirty-two-characters';
const NOW = 1_800_000_000_000;

test('a minted token names its moderator until it expires, and nothing else passes', () => {
  const { token, expiresAt, moderator } = mintModeratorToken(SECRET, 'mod-42', 60_000, NOW);
  assert.equal(moderator, 'mod-42');
  assert.equal(expiresAt, NOW + 60_000);
  assert.deepEqual(verifyModeratorToken(SECRET, token, NOW + 59_999), { ok: true, moderator: 'mod-42' });
  assert.deepEqual(verifyModeratorToken(SECRET, token, NOW + 60_000), { ok: false, reason: 'The moderator token has expired.' });
  assert.equal(verifyModeratorToken('another-site-secret-of-thirty-two-characters', token, NOW).ok, false);
  const [prefix, payload, mac] = token.split('.');
  const forged = Buffer.from(JSON.stringify({ sub: 'mod-42', exp: NOW + 10 * 3_600_000 })).toString('base64url');
  assert.deepEqual(verifyModeratorToken(SECRET, `${prefix ?? ''}.${forged}.${mac ?? ''}`, NOW), {
    ok: false,
    reason: 'The moderator token is not valid.',
  });
  assert.equal(verifyModeratorToken(SECRET, `${prefix ?? ''}.${payload ?? ''}.AAAA`, NOW).ok, false);
  for (const nonsense of ['', 'omod1', 'omod1..', 'omod1.a.b.c', 'Bearer x'])
    assert.equal(verifyModeratorToken(SECRET, nonsense, NOW).ok, false);
});

test('lifetimes and names outside the limits are refused at minting', () => {
  assert.throws(() => mintModeratorToken(SECRET, 'mod', 500, NOW), /1 second to 12 hours/u);
  assert.throws(() => mintModeratorToken(SECRET, 'mod', 13 * 3_600_000, NOW), /1 second to 12 hours/u);
  assert.throws(() => mintModeratorToken(SECRET, '', 60_000, NOW), /must be named/u);
});
