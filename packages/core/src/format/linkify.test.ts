import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkifyText, MAX_LINKIFY_LENGTH } from './linkify.ts';

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
