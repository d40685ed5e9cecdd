import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpretWellKnown, parseHomeserverInput, wellKnownBaseUrl } from './homeserver.ts';
import { OmniError } from '../types.ts';

test('a base URL is used as given, without a trailing slash', () => {
  assert.deepEqual(parseHomeserverInput('https://matrix.example.org/'), { kind: 'url', url: 'https://matrix.example.org' });
  assert.deepEqual(parseHomeserverInput(' http://127.0.0.1:8008 '), { kind: 'url', url: 'http://127.0.0.1:8008' });
  assert.deepEqual(parseHomeserverInput('https://example.org/matrix/'), { kind: 'url', url: 'https://example.org/matrix' });
});

test('a server name needs discovery', () => {
  assert.deepEqual(parseHomeserverInput('Example.org'), { kind: 'server-name', serverName: 'example.org' });
  assert.deepEqual(parseHomeserverInput('localhost:8448'), { kind: 'server-name', serverName: 'localhost:8448' });
  assert.deepEqual(parseHomeserverInput('[::1]:8448'), { kind: 'server-name', serverName: '[::1]:8448' });
});

test('bad homeserver values are rejected with a readable error', () => {
  for (const bad of [
    '',
    '   ',
    'ftp://example.org',
    'javascript:alert(1)',
    'https://user:pw@example.org',
    'https://example.org/?x=1',
    'exa mple.org',
    'https://',
  ]) {
    assert.throws(
      () => parseHomeserverInput(bad),
      (error: unknown) => error instanceof OmniError && error.code === 'bad-homeserver' && error.message.length > 0,
      `accepted ${JSON.stringify(bad)}`,
    );
  }
});

test('.well-known content yields a base URL only when it is a valid http(s) URL', () => {
  assert.equal(wellKnownBaseUrl({ 'm.homeserver': { base_url: 'https://matrix.example.org/' } }), 'https://matrix.example.org');
  assert.equal(wellKnownBaseUrl({ 'm.homeserver': { base_url: 42 } }), undefined);
  assert.equal(wellKnownBaseUrl({ 'm.homeserver': 'https://x' }), undefined);
  assert.equal(wellKnownBaseUrl(null), undefined);
  assert.equal(wellKnownBaseUrl({}), undefined);
  assert.throws(() => wellKnownBaseUrl({ 'm.homeserver': { base_url: 'javascript:alert(1)' } }), OmniError);
});

test('.well-known discovery follows the spec: ignore non-200, reject malformed content clearly', () => {
  assert.equal(interpretWellKnown('example.org', 404, ''), undefined);
  assert.equal(interpretWellKnown('example.org', 0, ''), undefined);
  assert.equal(
    interpretWellKnown('example.org', 200, '{"m.homeserver":{"base_url":"https://matrix.example.org"}}'),
    'https://matrix.example.org',
  );
  for (const body of ['<html>not json</html>', '{}', '{"m.homeserver":{}}', '{"m.homeserver":{"base_url":"mailto:x"}}', '[]']) {
    assert.throws(
      () => interpretWellKnown('example.org', 200, body),
      (error: unknown) => error instanceof OmniError && error.code === 'bad-homeserver' && error.message.includes('example.org'),
      body,
    );
  }
});
