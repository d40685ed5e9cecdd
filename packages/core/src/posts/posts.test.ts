/**
 * Post → alias mapping and binding checks. Synapse's acceptance of these aliases is tested against the
 * real server in test/browser/post-chat.test.ts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  base32,
  creatorStepDown,
  decodePostId,
  encodePostId,
  MAX_ALIAS_BYTES,
  POST_BINDING_EVENT,
  postRoomAlias,
  postRoomCreateRequest,
  sha256,
  verifyBinding,
} from './posts.ts';

const server = 'example.org';
const bytes = (text: string): number => new TextEncoder().encode(text).length;

/** What Synapse and the spec accept in an alias we create: `#local:server`, no whitespace or `:` in local, ≤ 255 bytes. */
function assertValidAlias(alias: string, serverName = server): void {
  assert.ok(alias.startsWith('#'), alias);
  assert.ok(alias.endsWith(`:${serverName}`), alias);
  const local = alias.slice(1, -(serverName.length + 1));
  assert.match(local, /^[a-z0-9._=-]+$/u);
  assert.ok(bytes(alias) <= MAX_ALIAS_BYTES, `${bytes(alias)} bytes`);
}

const anyId = fc.oneof(
  fc.string({ minLength: 1, unit: 'grapheme' }),
  fc.string({ minLength: 1, unit: 'binary' }),
  fc.string({ minLength: 1, maxLength: 400, unit: fc.constantFrom('a', 'A', '_', '=', '/', ':', ' ', '#', '@', 'é', 'e\u0301', '𝄞', '-') }),
);

describe('postRoomAlias', () => {
  test('keeps readable ids readable under the default template', () => {
    assert.equal(postRoomAlias('hello-world.2024', { serverName: server }), '#post.hello-world.2024:example.org');
    assert.equal(postRoomAlias('Hello_World', { serverName: server }), '#post._hello___world:example.org');
    assert.equal(postRoomAlias('a/b c:d#e@f', { serverName: server }), '#post.a=2fb=20c=3ad=23e=40f:example.org');
    assert.equal(postRoomAlias('x', { serverName: 'localhost:8448', template: 'blog-{id}-chat' }), '#blog-x-chat:localhost:8448');
  });

  test('normalises to NFC first: canonically equivalent ids share an alias', () => {
    assert.equal(postRoomAlias('caf\u00e9', { serverName: server }), postRoomAlias('cafe\u0301', { serverName: server }));
    assert.equal(postRoomAlias('caf\u00e9', { serverName: server }), '#post.caf=c3=a9:example.org');
  });

  test('refuses empty ids, bad templates and bad server names', () => {
    assert.throws(() => postRoomAlias('', { serverName: server }), /empty/u);
    assert.throws(() => postRoomAlias('x', { serverName: server, template: 'post' }), /\{id\}/u);
    assert.throws(() => postRoomAlias('x', { serverName: server, template: '{id}{id}' }), /\{id\}/u);
    assert.throws(() => postRoomAlias('x', { serverName: server, template: 'Post:{id}' }), /only/u);
    assert.throws(() => postRoomAlias('x', { serverName: '' }), /server name/u);
    assert.throws(() => postRoomAlias('x', { serverName: 'a'.repeat(300) }), /no room/u);
  });

  test('a 10 kB id keeps a readable start and ends in its SHA-256', () => {
    const id = `Long post ${'x'.repeat(10_000)}`;
    const alias = postRoomAlias(id, { serverName: server });
    assertValidAlias(alias);
    assert.equal(bytes(alias), MAX_ALIAS_BYTES);
    assert.ok(alias.startsWith('#post._long=20post=20xxxx'), alias);
    const digest = base32(createHash('sha256').update(id, 'utf8').digest());
    assert.ok(alias.endsWith(`=z${digest}:example.org`), alias);
    assert.notEqual(alias, postRoomAlias(`${id}y`, { serverName: server }));
  });

  test('property: every alias is valid for Synapse', () => {
    fc.assert(
      fc.property(
        anyId,
        fc.constantFrom('example.org', 'localhost', '127.0.0.1:8008', 'a-very-long-subdomain.chat.example.com'),
        (id, name) => assertValidAlias(postRoomAlias(id, { serverName: name }), name),
      ),
      { numRuns: 2000 },
    );
  });

  test('property: deterministic', () => {
    fc.assert(
      fc.property(
        anyId,
        (id) => postRoomAlias(id, { serverName: server }) === postRoomAlias(id.split('').join(''), { serverName: server }),
      ),
    );
  });

  test('property: injective — two ids with different NFC forms never share an alias', () => {
    fc.assert(
      fc.property(anyId, anyId, (a, b) => {
        fc.pre(a.normalize('NFC') !== b.normalize('NFC'));
        assert.notEqual(postRoomAlias(a, { serverName: server }), postRoomAlias(b, { serverName: server }));
      }),
      { numRuns: 5000 },
    );
    // Near misses that a lossy encoding (lower-casing, dropping punctuation, truncating) would merge.
    const nearMisses = [
      'a',
      'A',
      '_a',
      '__',
      '_',
      '=',
      '=3d',
      'a b',
      'a_b',
      'a=20b',
      'a/b',
      'a%2Fb',
      'x'.repeat(300),
      `${'x'.repeat(300)}y`,
    ];
    const aliases = new Set(nearMisses.map((id) => postRoomAlias(id, { serverName: server })));
    assert.equal(aliases.size, nearMisses.length);
  });

  test('property: the plain encoding decodes back to the NFC id', () => {
    fc.assert(fc.property(anyId, (id) => decodePostId(encodePostId(id)) === id.normalize('NFC')));
  });
});

describe('sha256 and base32', () => {
  test('match node:crypto and RFC 4648', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        assert.deepEqual(Buffer.from(sha256(data)), createHash('sha256').update(data).digest());
      }),
    );
    assert.equal(base32(new TextEncoder().encode('foobar')), 'mzxw6ytboi');
    assert.equal(base32(new TextEncoder().encode('f')), 'my');
  });
});

describe('verifyBinding', () => {
  test('verified, mismatch or unbound', () => {
    assert.equal(verifyBinding({ id: 'p1', url: 'https://x/p1' }, 'p1'), 'verified');
    assert.equal(verifyBinding({ id: 'cafe\u0301' }, 'caf\u00e9'), 'verified');
    assert.equal(verifyBinding({ id: 'p2' }, 'p1'), 'mismatch');
    assert.equal(verifyBinding(undefined, 'p1'), 'unbound');
    assert.equal(verifyBinding({}, 'p1'), 'unbound');
    assert.equal(verifyBinding({ id: 42 }, 'p1'), 'unbound');
    assert.equal(verifyBinding('p1', 'p1'), 'unbound');
  });
});

describe('post room creation', () => {
  const post = { id: 'p1', url: 'https://blog.example/p1', title: 'First post', moderators: ['@mod:example.org'] };

  test('encrypted by default, bound to the post, moderators in power', () => {
    const body = postRoomCreateRequest(post, '#post.p1:example.org', '@writer:example.org');
    assert.equal(body['room_alias_name'], 'post.p1');
    assert.equal(body['name'], 'First post');
    assert.equal(body['topic'], 'https://blog.example/p1');
    const state = body['initial_state'] as { type: string; content: Record<string, unknown> }[];
    assert.deepEqual(state.find((e) => e.type === POST_BINDING_EVENT)?.content, {
      id: 'p1',
      url: 'https://blog.example/p1',
      title: 'First post',
    });
    assert.ok(state.some((e) => e.type === 'm.room.encryption'));
    assert.ok(!state.some((e) => e.type === 'm.room.history_visibility'));
    const levels = body['power_level_content_override'] as { users: Record<string, number> };
    assert.equal(levels.users['@mod:example.org'], 100);
  });

  test('open posts are world-readable, guest-joinable and unencrypted', () => {
    const state = postRoomCreateRequest({ ...post, open: true }, '#post.p1:example.org', '@w:example.org')['initial_state'] as {
      type: string;
      content: Record<string, unknown>;
    }[];
    assert.ok(!state.some((e) => e.type === 'm.room.encryption'));
    assert.equal(state.find((e) => e.type === 'm.room.history_visibility')?.content['history_visibility'], 'world_readable');
    assert.equal(state.find((e) => e.type === 'm.room.guest_access')?.content['guest_access'], 'can_join');
  });

  test('the creator steps down unless they are a moderator', () => {
    const levels = { users: { '@mod:example.org': 100, '@w:example.org': 100 }, users_default: 0, ban: 50 };
    assert.deepEqual(creatorStepDown(levels, '@w:example.org', post), { users: { '@mod:example.org': 100 }, users_default: 0, ban: 50 });
    assert.equal(creatorStepDown(levels, '@mod:example.org', post), undefined);
    assert.equal(creatorStepDown({ users: { '@mod:example.org': 100 } }, '@w:example.org', post), undefined);
  });
});
