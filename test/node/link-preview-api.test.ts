/**
 * The link preview client (packages/core/src/media/link-preview.ts) against the real Synapse previewing a site on
 * loopback (test/support/preview-site.ts): the authenticated path, the older `/_matrix/media/v3` path where the
 * homeserver advertises no authenticated media, one request per URL, the time bound, and a server without the
 * API asked once and then no more.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { LinkPreviewLoader } from '../../packages/core/src/media/link-preview.ts';
import { startPreviewSite, type PreviewSite } from '../support/preview-site.ts';

let homeserver: Homeserver;
let site: PreviewSite;
let member: Peer;

before(async () => {
  [homeserver, site] = await Promise.all([startSynapse(), startPreviewSite()]);
  member = await homeserver.registerUser({});
});

after(async () => {
  await site.close();
  await homeserver.stop();
});

/** The URL a fetch was called with (the loader passes strings). */
const urlOf = (input: string | URL | Request): string =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;

const requestsFor = (path: string): number => site.log().filter((entry) => entry.path === path).length;

test('authenticated media: the preview as bounded text and the homeserver’s image; one request per URL', async () => {
  const loader = new LinkPreviewLoader({ baseUrl: homeserver.baseUrl, accessToken: () => member.accessToken });
  const url = `${site.origin}/article?node-1`;
  const [first, second] = await Promise.all([loader.preview(url), loader.preview(url)]);
  assert.equal(first?.title, 'Tide tables for the summer');
  assert.equal(first.siteName, 'Coastal Weekly');
  assert.equal(first.host, '127.0.0.1');
  assert.match(first.image?.mxc ?? '', /^mxc:\/\/localhost\//u);
  assert.equal(second, first);
  assert.equal(await loader.preview(url), first);
  assert.equal(requestsFor('/article?node-1'), 1, 'the homeserver fetched the page more than once');
});

test('a homeserver advertising no authenticated media is asked through /_matrix/media/v3', async () => {
  const asked: string[] = [];
  const loader = new LinkPreviewLoader({
    baseUrl: homeserver.baseUrl,
    accessToken: () => member.accessToken,
    serverVersions: () => Promise.resolve({ versions: ['v1.2'] }),
    fetch: (input, init) => {
      asked.push(urlOf(input));
      return fetch(input, init);
    },
  });
  const preview = await loader.preview(`${site.origin}/article?node-2`);
  assert.equal(asked.length, 1);
  assert.ok(asked[0]?.startsWith(`${homeserver.baseUrl}/_matrix/media/v3/preview_url?`), asked[0]);
  assert.equal(preview?.title, 'Tide tables for the summer');
});

test('a page that never answers resolves to no preview within the bound', async () => {
  const loader = new LinkPreviewLoader({ baseUrl: homeserver.baseUrl, accessToken: () => member.accessToken, timeoutMs: 1_000 });
  const started = performance.now();
  assert.equal(await loader.preview(`${site.origin}/slow?node-3`), undefined);
  const took = performance.now() - started;
  assert.ok(took >= 900 && took < 3_000, `took ${String(Math.round(took))} ms`);
});

test('a server without the preview API is asked once, then no more', async () => {
  const asked: string[] = [];
  // The site answers 404 to every path of the Matrix API: a homeserver that does not know the endpoint.
  const loader = new LinkPreviewLoader({
    baseUrl: site.origin,
    accessToken: () => 'token',
    fetch: (input, init) => {
      asked.push(new URL(urlOf(input)).pathname);
      return fetch(input, init);
    },
  });
  assert.equal(await loader.preview('https://a.example/'), undefined);
  assert.deepEqual(asked, ['/_matrix/client/v1/media/preview_url', '/_matrix/media/v3/preview_url']);
  assert.equal(await loader.preview('https://b.example/'), undefined);
  assert.equal(asked.length, 2, 'asked again after both paths were unknown');
});
