import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DISPLAY_URL_MAX, displayUrl } from './display-url.ts';

describe('displayUrl', () => {
  test('decoded, without scheme, trailing slash or tracking parameters', () => {
    assert.equal(displayUrl('https://example.org/posts/a%2Fb?utm=x'), 'example.org/posts/a/b');
    assert.equal(
      displayUrl('https://example.org/posts%2Fphoto-feed?utm_source=feed&utm_medium=x&fbclid=1'),
      'example.org/posts/photo-feed',
    );
    assert.equal(displayUrl('http://example.org/'), 'example.org');
    assert.equal(displayUrl('https://example.org/posts/'), 'example.org/posts');
    assert.equal(displayUrl('https://example.org/read?id=42&gclid=abc'), 'example.org/read?id=42');
    assert.equal(displayUrl('https://example.org/caf%C3%A9%20cr%C3%A8me'), 'example.org/café crème');
    assert.equal(displayUrl('  https://EXAMPLE.org/A  '), 'example.org/A');
  });

  test('the demo posts: port kept, a route in the fragment decoded', () => {
    assert.equal(displayUrl('http://127.0.0.1:5173/#posts%2Fphoto-feed'), '127.0.0.1:5173/#posts/photo-feed');
    assert.equal(displayUrl('http://127.0.0.1:5173/#posts%2Fmeet-up%20thursday'), '127.0.0.1:5173/#posts/meet-up thursday');
    assert.equal(displayUrl('https://example.org:443/x'), 'example.org/x');
  });

  test('long addresses keep their start and end around an ellipsis', () => {
    const long = `https://news.example.org/2026/11/25/${'a-very-long-headline-'.repeat(4)}end`;
    const shown = displayUrl(long);
    assert.equal(Array.from(shown).length, DISPLAY_URL_MAX);
    assert.ok(shown.startsWith('news.example.org/2026/11'), shown);
    assert.ok(shown.endsWith('headline-end'), shown);
    assert.equal(shown.split('…').length, 2);
    assert.equal(displayUrl('https://example.org/abcdefgh', 12), 'exampl…defgh');
    // No emoji is cut in half.
    const emoji = displayUrl(`https://example.org/${'😀'.repeat(60)}`);
    assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/u.test(emoji), 'no lone surrogate');
  });

  test('where the address leads is never disguised', () => {
    assert.equal(displayUrl('https://bank.example@evil.example/login'), 'evil.example/login', 'user info is not shown');
    assert.equal(displayUrl('https://user:secret@example.org/'), 'example.org');
    assert.equal(displayUrl('https://example.org/%E2%80%AEgnp.exe'), 'example.org/%E2%80%AEgnp.exe', 'a bidi override stays encoded');
    assert.equal(displayUrl('https://example.org/a%E2%80%8Bb'), 'example.org/a%E2%80%8Bb', 'a zero-width space stays encoded');
    assert.equal(displayUrl('https://example.org/a%0Ab%00c'), 'example.org/a%0Ab%00c', 'controls stay encoded');
    assert.equal(displayUrl('https://example.org/?q=%E2%80%AEx'), 'example.org/?q=%E2%80%AEx');
    assert.equal(displayUrl('https://example.org/%2e%2e/secret'), 'example.org/secret', 'dot segments as the browser resolves them');
  });

  test('international names: shown in their letters when unambiguous, as xn-- when they could pass for another', () => {
    assert.equal(displayUrl('https://xn--bcher-kva.example/'), 'bücher.example');
    assert.equal(displayUrl('https://bücher.example/'), 'bücher.example');
    assert.equal(displayUrl('https://xn--fiqs8s.example/'), '中国.example');
    assert.equal(displayUrl('https://例え.jp/'), '例え.jp');
    // "аррӏе" in Cyrillic letters, and "pаypal" with one Cyrillic а: look-alikes keep the form that shows it.
    assert.equal(displayUrl('https://аррӏе.com/'), 'xn--80ak6aa92e.com');
    assert.equal(displayUrl('https://pаypal.com/'), 'xn--pypal-4ve.com');
    assert.equal(displayUrl('https://xn--zz-zzz.example/'), 'xn--zz-zzz.example', 'invalid punycode is shown as it is');
  });

  test('anything else is shown as plain text, safely', () => {
    assert.equal(displayUrl(undefined), '');
    assert.equal(displayUrl(''), '');
    assert.equal(displayUrl('   '), '');
    assert.equal(displayUrl('not a url at all'), 'not a url at all');
    assert.equal(displayUrl('<img src=x onerror=alert(1)>'), '<img src=x onerror=alert(1)>', 'text, rendered as text by the caller');
    assert.equal(displayUrl('javascript:alert(1)'), 'javascript:alert(1)', 'not an address: not made to look like one');
    assert.equal(displayUrl('Photos\u202E only\n\tplease'), 'Photos only please');
    assert.equal(displayUrl('http://'), 'http://');
    assert.equal(displayUrl('https://exa mple.org'), 'https://exa mple.org');
    assert.equal(Array.from(displayUrl('x'.repeat(500))).length, DISPLAY_URL_MAX);
  });

  test('malformed escapes are kept, the rest decoded', () => {
    assert.equal(displayUrl('https://example.org/%E0%A4%A/%41'), 'example.org/%E0%A4%A/A');
    assert.equal(displayUrl('https://example.org/%C3%28'), 'example.org/%C3(');
    assert.equal(displayUrl('https://example.org/%FF%FE'), 'example.org/%FF%FE');
  });
});
