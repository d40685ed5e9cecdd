/** Policy-list rules as the companion reads them (pure: no homeserver). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globToRegExp, parseRule, serverAcl, type PolicyRule } from '../../packages/server/src/moderation/rules.ts';
import { countLinks } from '../../packages/server/src/moderation/abuse.ts';

const guard = { botUserId: '@omni:example.org', serverName: 'example.org' };

test('globs match as Mjolnir and Draupnir read them, with regular-expression characters taken literally', () => {
  assert.ok(globToRegExp('@spam*:example.org').test('@spam42:example.org'));
  assert.ok(globToRegExp('@a?c:x.org').test('@abc:x.org'));
  assert.ok(!globToRegExp('@a?c:x.org').test('@abbc:x.org'));
  assert.ok(!globToRegExp('*.evil.example').test('evilXexample'), 'a dot is a dot');
  assert.ok(globToRegExp('@user-1:127.0.0.1:8448').test('@user-1:127.0.0.1:8448'), 'a hyphen is a hyphen (no invalid escape)');
  assert.ok(!globToRegExp('@ann:example.org').test('@ann:example.org.evil'), 'anchored');
});

test('a rule parses, a lifted rule is recognised, bad ones are refused with their reason', () => {
  const ok = parseRule('m.policy.rule.user', 'rule:@t:x.org', { entity: '@t:x.org', recommendation: 'm.ban', reason: 'r' }, guard);
  assert.deepEqual(ok, {
    ok: true,
    rule: { kind: 'user', id: 'm.policy.rule.user|rule:@t:x.org', entity: '@t:x.org', reason: 'r', literal: true },
  });
  assert.deepEqual(parseRule('m.policy.rule.user', 'k', {}, guard), { ok: false, lifted: true });
  const legacy = parseRule('org.matrix.mjolnir.rule.server', 'k', { entity: '*.bad.org', recommendation: 'org.matrix.mjolnir.ban' }, guard);
  assert.equal(legacy.ok && legacy.rule.literal, false);
  const errors: Array<[string, Record<string, unknown>, RegExp]> = [
    ['m.policy.rule.user', { entity: 'nobody', recommendation: 'm.ban' }, /not a user id/u],
    ['m.policy.rule.user', { entity: '@*:*', recommendation: 'm.ban' }, /everyone/u],
    ['m.policy.rule.user', { entity: '@om?i:example.org', recommendation: 'm.ban' }, /site's bot/u],
    ['m.policy.rule.server', { entity: 'example.*', recommendation: 'm.ban' }, /own server/u],
    ['m.policy.rule.server', { entity: 'a b', recommendation: 'm.ban' }, /not a server name/u],
    ['m.policy.rule.user', { entity: '@t:x.org', recommendation: 'm.mute' }, /only the recommendation m.ban/u],
    ['m.policy.rule.user', { recommendation: 'm.ban' }, /no entity/u],
  ];
  for (const [type, content, reason] of errors) {
    const parsed = parseRule(type, 'k', content, guard);
    if (parsed.ok || parsed.lifted) assert.fail(`refused: ${JSON.stringify(content)}`);
    assert.match(parsed.error, reason);
  }
});

test('the server ACL denies every server rule once, sorted, and allows the rest', () => {
  const rule = (entity: string, kind: 'user' | 'server' = 'server'): PolicyRule => ({
    kind,
    id: entity,
    entity,
    reason: '',
    literal: true,
  });
  assert.deepEqual(serverAcl([rule('b.org'), rule('a.org'), rule('b.org'), rule('@u:c.org', 'user')]), {
    allow: ['*'],
    deny: ['a.org', 'b.org'],
    allow_ip_literals: false,
  });
});

test('links are counted in text and in HTML', () => {
  assert.equal(countLinks('see https://a.example, www.b.example and http://c.example/x?y=1'), 3);
  assert.equal(countLinks('no links, just example.org'), 0);
  assert.equal(countLinks('<a href="https://a.example">a</a>'), 1);
});
