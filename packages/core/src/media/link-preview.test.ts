/** What a link preview keeps of the homeserver's answer: bounded plain text and only the homeserver's own image. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  linkPreviewsAccountData,
  MAX_DESCRIPTION_LENGTH,
  MAX_IMAGE_PIXELS,
  MAX_TITLE_LENGTH,
  parseLinkPreview,
  previewText,
} from './link-preview.ts';
import { linkPreviewsOn } from './link-preview-setting.ts';
import { previewableLink } from '../format/preview-link.ts';

const URL_ = 'https://news.example.org/a/story?x=1';

void describe('link preview answers', () => {
  void test('title, description, site name and the mxc image; the host is the URL’s own', () => {
    const preview = parseLinkPreview(URL_, {
      'og:title': 'A story',
      'og:description': 'What happened\n\n  today.',
      'og:site_name': 'Example News',
      'og:image': 'mxc://localhost/AbCd',
      'og:image:type': 'image/png',
      'og:image:width': 1200,
      'og:image:height': 630,
      'matrix:image:size': 40_000,
      'og:url': 'https://evil.example/',
    });
    assert.deepEqual(preview, {
      url: URL_,
      host: 'news.example.org',
      title: 'A story',
      description: 'What happened today.',
      siteName: 'Example News',
      image: { mxc: 'mxc://localhost/AbCd', width: 1200, height: 630 },
    });
  });

  void test('nothing to show without a title or a description, or when the answer is not an object', () => {
    assert.equal(parseLinkPreview(URL_, {}), undefined);
    assert.equal(parseLinkPreview(URL_, { 'og:image': 'mxc://localhost/AbCd' }), undefined);
    assert.equal(parseLinkPreview(URL_, { 'og:title': '   \n ' }), undefined);
    assert.equal(parseLinkPreview(URL_, null), undefined);
    assert.equal(parseLinkPreview(URL_, ['og:title']), undefined);
    assert.equal(parseLinkPreview(URL_, { 'og:title': 42 }), undefined);
  });

  void test('markup stays text; controls and bidirectional overrides are dropped', () => {
    const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
    const preview = parseLinkPreview(URL_, { 'og:title': hostile, 'og:description': 'a\u202Eevil\u0000b' });
    assert.equal(preview?.title, hostile);
    assert.equal(preview.description, 'aevilb');
  });

  void test('long texts are cut with an ellipsis, whatever the page sends', () => {
    const preview = parseLinkPreview(URL_, { 'og:title': 'T'.repeat(1_000_000), 'og:description': 'word '.repeat(10_000) });
    assert.equal(preview?.title?.length, MAX_TITLE_LENGTH);
    assert.ok(preview.title.endsWith('…'));
    assert.ok((preview.description?.length ?? 0) <= MAX_DESCRIPTION_LENGTH);
    // Never half a surrogate pair at the cut.
    const emoji = previewText('😀'.repeat(300), MAX_TITLE_LENGTH) ?? '';
    assert.ok(!/[\uD800-\uDBFF]…$/u.test(emoji), emoji.slice(-3));
  });

  void test('an image that is not the homeserver’s copy, not a raster type, or too large gets no thumbnail', () => {
    const base = { 'og:title': 'T' };
    assert.equal(parseLinkPreview(URL_, { ...base, 'og:image': 'https://tracker.example/pixel.png' })?.image, undefined);
    assert.equal(parseLinkPreview(URL_, { ...base, 'og:image': 'mxc://localhost/../etc' })?.image, undefined);
    assert.equal(parseLinkPreview(URL_, { ...base, 'og:image': 'mxc://localhost/Ab', 'og:image:type': 'image/svg+xml' })?.image, undefined);
    assert.equal(parseLinkPreview(URL_, { ...base, 'og:image': 'mxc://localhost/Ab', 'matrix:image:size': 50_000_000 })?.image, undefined);
    const side = Math.ceil(Math.sqrt(MAX_IMAGE_PIXELS)) + 1;
    assert.equal(
      parseLinkPreview(URL_, { ...base, 'og:image': 'mxc://localhost/Ab', 'og:image:width': side, 'og:image:height': side })?.image,
      undefined,
    );
    // Dimensions the page made up are ignored, the image kept.
    assert.deepEqual(parseLinkPreview(URL_, { ...base, 'og:image': 'mxc://localhost/Ab', 'og:image:width': 'wide' })?.image, {
      mxc: 'mxc://localhost/Ab',
    });
  });
});

void describe('which link is previewed', () => {
  void test('the first http(s) link of the body', () => {
    assert.equal(previewableLink('see https://a.example/x and https://b.example/'), 'https://a.example/x');
    assert.equal(previewableLink('mail me@example.org or go to example.com/page'), 'http://example.com/page');
    assert.equal(previewableLink('no links here'), undefined);
  });

  void test('no preview for Matrix permalinks, other schemes or overlong URLs', () => {
    assert.equal(previewableLink('hi https://matrix.to/#/@alice:example.org'), undefined);
    assert.equal(previewableLink('ftp://files.example.org/a'), undefined);
    assert.equal(previewableLink(`https://long.example/${'a'.repeat(3_000)}`), undefined);
  });
});

void describe('the per-room switch', () => {
  const none = (): undefined => undefined;
  void test('plain rooms: on unless org.matrix.room.preview_urls disables it', () => {
    assert.equal(linkPreviewsOn(false, none), true);
    assert.equal(
      linkPreviewsOn(false, (type) => (type === 'org.matrix.room.preview_urls' ? { disable: true } : undefined)),
      false,
    );
    assert.deepEqual(linkPreviewsAccountData(false, false, none), { type: 'org.matrix.room.preview_urls', content: { disable: true } });
  });

  void test('encrypted rooms: off unless the member turned them on, other settings kept', () => {
    assert.equal(linkPreviewsOn(true, none), false);
    assert.equal(
      linkPreviewsOn(true, (type) => (type === 'org.matrix.room.preview_urls' ? { disable: false } : undefined)),
      false,
    );
    const settings = (type: string): Record<string, unknown> | undefined =>
      type === 'im.vector.web.settings' ? { urlPreviewsEnabled_e2ee: true, other: 1 } : undefined;
    assert.equal(linkPreviewsOn(true, settings), true);
    assert.deepEqual(linkPreviewsAccountData(false, true, settings), {
      type: 'im.vector.web.settings',
      content: { urlPreviewsEnabled_e2ee: false, other: 1 },
    });
  });
});
