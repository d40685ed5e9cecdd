import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { find } from 'linkifyjs';
import { linkifyText, mayHoldLink, MAX_LINKIFY_LENGTH } from './linkify.ts';

test('URLs and e-mail addresses become link tokens; the text is kept verbatim', () => {
  const text = 'see https://example.org/a?b=1, www.example.com and bob@example.org.';
  const tokens = linkifyText(text);
  assert.equal(tokens.map((t) => t.text).join(''), text);
  assert.deepEqual(
    tokens.flatMap((t) => (t.type === 'link' ? [t.href] : [])),
    ['https://example.org/a?b=1', 'http://www.example.com/', 'mailto:bob@example.org'],
  );
});

test('script-ish schemes never become links', () => {
  for (const text of ['javascript:alert(1)', 'data:text/html,<script>x</script>', 'vbscript:msgbox', 'file:///etc/passwd']) {
    assert.ok(
      linkifyText(text).every((t) => t.type === 'text'),
      text,
    );
  }
});

test('empty and very long bodies', () => {
  assert.deepEqual(linkifyText(''), []);
  const long = 'https://example.org '.repeat(MAX_LINKIFY_LENGTH / 10);
  assert.deepEqual(linkifyText(long), [{ type: 'text', text: long }]);
});

test('text linkifyjs finds a link in is always scanned; plain sentences, times and versions are not', () => {
  const corpus = (name: string): string[] =>
    (JSON.parse(readFileSync(new URL(`../../../../test/corpora/xss/${name}`, import.meta.url), 'utf8')) as { payload: string }[]).map(
      (entry) => entry.payload,
    );
  const edges = [
    'localhost',
    'LOCALHOST:8080',
    'user@localhost',
    'foo.bar',
    'x http://a',
    'FTP://x',
    'mailto:x@y.z',
    'www.example.com',
    'ex.co',
    'i\u2764\ufe0f.ws',
    'münchen.de',
    'xn--mnchen-3ya.de',
    'bob@example.org.',
    '(see example.org)',
    '"https://example.org/a?b=1"',
    'a.b.c.example',
    '例え.テスト',
  ];
  const samples = [...edges, ...corpus('h5sc.json'), ...corpus('dompurify.json')];
  let links = 0;
  for (const text of samples) {
    if (!find(text).some((match) => match.type === 'url' || match.type === 'email')) continue;
    links += 1;
    assert.ok(mayHoldLink(text), `linkifyjs finds a link in ${JSON.stringify(text)}, which would not be scanned`);
  }
  assert.ok(links > 50, `only ${String(links)} samples hold a link`);
  for (const text of ['history message 12', 'Hello. See you at 10:30, e.g. tomorrow...', 'v2.0 is out', 'wait...what', 'Note: done']) {
    assert.equal(mayHoldLink(text), false, text);
    assert.deepEqual(linkifyText(text), [{ type: 'text', text }]);
  }
});
