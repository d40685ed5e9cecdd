/**
 * Media: mxc parsing and encrypted attachments as pure functions, then the loader against a real
 * Synapse with authenticated media (thumbnails, downloads, refusals, sharing, eviction).
 */
import assert from 'node:assert/strict';
import { resolveObjectURL, type Blob as NodeBlob } from 'node:buffer';
import { after, before, describe, test } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import { createClient, MatrixEvent, PendingEventOrdering, Room } from 'matrix-js-sdk';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { computeTimeline } from '../timeline/timeline.ts';
import { blobType, decryptAttachment, MediaError, MediaLoader, mediaRequestKey, parseEncryptedFile, parseMxc } from './media.ts';
import type { EncryptedFile, MessageItem } from '../timeline/timeline-types.ts';

const isMediaError = (code: string) => (error: unknown) => error instanceof MediaError && error.code === code;

// ---------------------------------------------------------------------------------------------
// mxc URIs

void describe('parseMxc', () => {
  void test('splits well-formed URIs, ports and IP literals included', () => {
    assert.deepEqual(parseMxc('mxc://example.org/abcDEF123_-'), { serverName: 'example.org', mediaId: 'abcDEF123_-' });
    assert.deepEqual(parseMxc('mxc://localhost:8448/x'), { serverName: 'localhost:8448', mediaId: 'x' });
    assert.deepEqual(parseMxc('mxc://127.0.0.1/x'), { serverName: '127.0.0.1', mediaId: 'x' });
    assert.deepEqual(parseMxc('mxc://[::1]:80/x'), { serverName: '[::1]:80', mediaId: 'x' });
  });

  void test('refuses everything else with a readable error', () => {
    for (const bad of [
      'https://evil.example/x.png',
      'mxc://',
      'mxc://server',
      'mxc://server/',
      'mxc:///id',
      'mxc://server/id/extra',
      'mxc://server/../id',
      'mxc://server/id?x=1',
      'mxc://server/id#f',
      'mxc://ser ver/id',
      'mxc://server:99999/id',
      'mxc://user@server/id',
      'MXC://server/id',
      ' mxc://server/id',
      'mxc://server/id\n',
      `mxc://server/${'a'.repeat(600)}`,
    ]) {
      assert.throws(
        () => parseMxc(bad),
        (error: unknown) => {
          assert.ok(error instanceof MediaError, bad);
          assert.equal(error.code, 'bad-mxc');
          assert.match(error.message, /not a valid mxc:\/\/ URI/);
          return true;
        },
      );
    }
  });

  void test('a non-string never gets through', () => {
    assert.throws(() => parseMxc(undefined as unknown as string), isMediaError('bad-mxc'));
  });
});

void test('blob types: raster images only, files always download', () => {
  assert.equal(blobType('image', 'image/PNG; charset=binary'), 'image/png');
  assert.equal(blobType('image', 'image/svg+xml'), undefined);
  assert.equal(blobType('image', 'text/html'), undefined);
  assert.equal(blobType('image', null), undefined);
  assert.equal(blobType('video', 'video/mp4'), 'video/mp4');
  assert.equal(blobType('video', 'audio/ogg'), undefined);
  assert.equal(blobType('audio', 'audio/ogg'), 'audio/ogg');
  assert.equal(blobType('file', 'text/html'), 'application/octet-stream');
});

void test('request keys separate uses, sizes and keys of the same media', () => {
  const keys = new Set([
    mediaRequestKey({ mxc: 'mxc://s/a', kind: 'image' }),
    mediaRequestKey({ mxc: 'mxc://s/a', kind: 'image', thumbnail: { width: 96, height: 96 } }),
    mediaRequestKey({ mxc: 'mxc://s/a', kind: 'file' }),
    mediaRequestKey({ mxc: 'mxc://s/b', kind: 'image' }),
  ]);
  assert.equal(keys.size, 4);
});

// ---------------------------------------------------------------------------------------------
// Encrypted attachments: encrypted here with WebCrypto as a sending client does (spec v2)

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64').replace(/=+$/u, '');
const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

async function encrypt(plain: Uint8Array<ArrayBuffer>): Promise<{ ciphertext: Uint8Array<ArrayBuffer>; file: EncryptedFile }> {
  const key = crypto.getRandomValues(new Uint8Array(32));
  // v2: random high 64 bits, zero counter half.
  const iv = new Uint8Array(16);
  iv.set(crypto.getRandomValues(new Uint8Array(8)));
  const cryptoKey = await crypto.subtle.importKey('raw', key, 'AES-CTR', false, ['encrypt']);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CTR', counter: iv, length: 64 }, cryptoKey, plain));
  const sha256 = new Uint8Array(await crypto.subtle.digest('SHA-256', ciphertext));
  return {
    ciphertext,
    file: {
      url: 'mxc://example.org/encrypted',
      key: { kty: 'oct', alg: 'A256CTR', k: b64url(key), key_ops: ['encrypt', 'decrypt'] },
      iv: b64(iv),
      hashes: { sha256: b64(sha256) },
      v: 'v2',
    },
  };
}

void describe('decryptAttachment', () => {
  const plain = new TextEncoder().encode('a secret attachment, longer than one AES block of sixteen bytes');

  void test('decrypts what was encrypted, after checking the hash', async () => {
    const { ciphertext, file } = await encrypt(plain);
    assert.notDeepEqual(ciphertext, plain);
    assert.deepEqual(new Uint8Array(await decryptAttachment(ciphertext, file)), plain);
  });

  void test('a wrong hash refuses to decrypt', async () => {
    const { ciphertext, file } = await encrypt(plain);
    const other = b64(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('something else'))));
    await assert.rejects(decryptAttachment(ciphertext, { ...file, hashes: { sha256: other } }), isMediaError('bad-hash'));
  });

  void test('altered ciphertext no longer matches its hash', async () => {
    const { ciphertext, file } = await encrypt(plain);
    const altered = ciphertext.slice();
    altered[3] = (altered[3] ?? 0) ^ 1;
    await assert.rejects(decryptAttachment(altered, file), isMediaError('bad-hash'));
  });

  void test('the wrong key gives other bytes, never the plaintext', async () => {
    const { ciphertext, file } = await encrypt(plain);
    const wrongKey = { ...file, key: { ...file.key, k: b64url(new Uint8Array(32).fill(7)) } };
    assert.notDeepEqual(new Uint8Array(await decryptAttachment(ciphertext, wrongKey)), plain);
  });

  void test('malformed keys, ivs, algorithms and versions are refused', async () => {
    const { ciphertext, file } = await encrypt(plain);
    const cases: EncryptedFile[] = [
      { ...file, key: { ...file.key, k: b64url(new Uint8Array(16)) } },
      { ...file, iv: b64(new Uint8Array(8)) },
      { ...file, iv: '!!not base64!!' },
      { ...file, key: { ...file.key, alg: 'A128CBC' } },
      { ...file, key: { ...file.key, kty: 'RSA' } },
      { ...file, v: 'v3' },
    ];
    for (const bad of cases) await assert.rejects(decryptAttachment(ciphertext, bad), isMediaError('bad-encryption'), JSON.stringify(bad));
  });

  void test('v1 attachments (128-bit counter) from older clients still decrypt', async () => {
    const key = crypto.getRandomValues(new Uint8Array(32));
    const iv = crypto.getRandomValues(new Uint8Array(16));
    const cryptoKey = await crypto.subtle.importKey('raw', key, 'AES-CTR', false, ['encrypt']);
    const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CTR', counter: iv, length: 128 }, cryptoKey, plain));
    const sha256 = new Uint8Array(await crypto.subtle.digest('SHA-256', ciphertext));
    const file: EncryptedFile = { url: 'mxc://s/v1', key: { k: b64url(key) }, iv: b64(iv), hashes: { sha256: b64(sha256) }, v: 'v1' };
    assert.deepEqual(new Uint8Array(await decryptAttachment(ciphertext, file)), plain);
  });

  void test('parseEncryptedFile keeps well-formed content and drops the rest', async () => {
    const { file } = await encrypt(plain);
    assert.deepEqual(parseEncryptedFile(JSON.parse(JSON.stringify(file))), file);
    assert.equal(parseEncryptedFile({ ...file, url: 'https://evil.example/x' }), undefined);
    assert.equal(parseEncryptedFile({ ...file, hashes: {} }), undefined);
    assert.equal(parseEncryptedFile({ ...file, key: 'k' }), undefined);
    assert.equal(parseEncryptedFile('file'), undefined);
  });
});

// ---------------------------------------------------------------------------------------------
// What the timeline hands to rendering

void test('the timeline maps plain, encrypted and foreign attachments to MediaInfo', async () => {
  const { file } = await encrypt(new Uint8Array(8));
  const { file: thumbnailFile } = await encrypt(new Uint8Array(4));
  const me = '@me:example.org';
  const contents: Record<string, unknown>[] = [
    { msgtype: 'm.image', body: 'plain.png', url: 'mxc://example.org/plain', info: { mimetype: 'image/png', w: 40, h: 20, size: 99 } },
    {
      msgtype: 'm.video',
      body: 'secret.mp4',
      file,
      info: {
        mimetype: 'video/mp4',
        duration: 1500,
        thumbnail_file: thumbnailFile,
        thumbnail_info: { mimetype: 'image/jpeg', w: 8, h: 4 },
      },
    },
    { msgtype: 'm.image', body: 'foreign.png', url: 'https://evil.example/x.png' },
    { msgtype: 'm.file', body: 'broken', file: { ...file, hashes: {} } },
    { msgtype: 'm.file', body: 'caption', filename: 'report.pdf', url: 'mxc://example.org/report' },
  ];
  const client = createClient({ baseUrl: 'http://127.0.0.1:1', userId: me });
  const room = new Room('!media:example.org', client, me, { pendingEventOrdering: PendingEventOrdering.Detached });
  await room.addLiveEvents(
    contents.map(
      (content, i) =>
        new MatrixEvent({
          type: 'm.room.message',
          sender: '@bob:example.org',
          content,
          room_id: room.roomId,
          event_id: `$m${i}`,
          origin_server_ts: 1000 + i,
        }),
    ),
    { addToState: false },
  );
  const media = new Map(
    computeTimeline(room, me)
      .items.filter((item): item is MessageItem => item.kind === 'message')
      .map((item) => [item.body, item.media]),
  );
  assert.deepEqual(media.get('plain.png'), {
    mxc: 'mxc://example.org/plain',
    name: 'plain.png',
    mimetype: 'image/png',
    size: 99,
    width: 40,
    height: 20,
  });
  assert.deepEqual(media.get('secret.mp4'), {
    mxc: file.url,
    name: 'secret.mp4',
    mimetype: 'video/mp4',
    encryption: file,
    thumbnail: { mxc: thumbnailFile.url, encryption: thumbnailFile, mimetype: 'image/jpeg', width: 8, height: 4 },
    duration: 1500,
  });
  assert.equal(media.get('foreign.png'), undefined, 'a non-mxc url gives no media to fetch');
  assert.equal(media.get('broken'), undefined, 'a malformed file gives no media');
  assert.equal(media.get('caption')?.name, 'report.pdf');
});

// ---------------------------------------------------------------------------------------------
// The loader against a real Synapse

/** A real PNG (RGB, no filter) of the given size, encoded here so the homeserver can thumbnail it. */
function png(width: number, height: number): Uint8Array<ArrayBuffer> {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set([(x * 255) / width, (y * 255) / height, 128], y * (width * 3 + 1) + 1 + x * 3);
  }
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(rows)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

function blobOf(url: string): NodeBlob | undefined {
  return resolveObjectURL(url);
}

void describe('MediaLoader on a real homeserver', () => {
  let hs: Homeserver;
  let bob: Peer;
  let picture: string;
  let text: string;
  const requests: string[] = [];
  const counting: typeof fetch = (input, init) => {
    requests.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
    return fetch(input, init);
  };
  const loader = (options: { maxEntries?: number } = {}): MediaLoader =>
    new MediaLoader({ baseUrl: hs.baseUrl, accessToken: () => bob.accessToken, fetch: counting, ...options });

  before(async () => {
    hs = await startSynapse();
    bob = await hs.registerUser();
    picture = await bob.upload(png(400, 300), 'image/png', 'picture.png');
    text = await bob.upload(new TextEncoder().encode('<script>alert(1)</script>'), 'text/html', 'page.html');
  });
  after(() => hs.stop());

  void test('the legacy media endpoint is refused: only authenticated media works here', async () => {
    const { serverName, mediaId } = parseMxc(picture);
    const legacy = await fetch(`${hs.baseUrl}/_matrix/media/v3/download/${serverName}/${mediaId}`);
    assert.equal(legacy.status, 404);
  });

  void test('a thumbnail comes back as a blob URL of an image, scaled down by the server', async () => {
    const media = loader();
    requests.length = 0;
    const url = await media.load({ mxc: picture, kind: 'image', thumbnail: { width: 96, height: 96 } });
    assert.match(url, /^blob:/);
    const blob = blobOf(url);
    assert.ok(blob);
    assert.match(blob.type, /^image\/(png|jpeg)$/);
    assert.ok(blob.size > 0 && blob.size < png(400, 300).length, `thumbnail ${blob.size} bytes`);
    assert.deepEqual(requests, [`/_matrix/client/v1/media/thumbnail/${parseMxc(picture).serverName}/${parseMxc(picture).mediaId}`]);
    media.clear();
  });

  void test('the original downloads whole with its type', async () => {
    const media = loader();
    const url = await media.load({ mxc: picture, kind: 'image' });
    const blob = blobOf(url);
    assert.ok(blob);
    assert.equal(blob.type, 'image/png');
    assert.deepEqual(new Uint8Array(await blob.arrayBuffer()), png(400, 300));
    media.clear();
  });

  void test('concurrent requests share one fetch, and later ones hit the cache', async () => {
    const media = loader();
    requests.length = 0;
    const request = { mxc: picture, kind: 'image', thumbnail: { width: 320, height: 240 } } as const;
    const [a, b, c] = await Promise.all([media.load(request), media.load(request), media.load({ ...request })]);
    assert.equal(a, b);
    assert.equal(a, c);
    assert.equal(await media.load(request), a);
    assert.equal(requests.length, 1, requests.join(', '));
    media.clear();
  });

  void test('HTML is never handed out as an image or avatar, and a file blob never renders', async () => {
    const media = loader();
    await assert.rejects(media.load({ mxc: text, kind: 'image', thumbnail: { width: 96, height: 96 } }), isMediaError('refused-type'));
    await assert.rejects(media.load({ mxc: text, kind: 'image' }), isMediaError('refused-type'));
    const asFile = blobOf(await media.load({ mxc: text, kind: 'file' }));
    assert.equal(asFile?.type, 'application/octet-stream');
    media.clear();
  });

  void test('missing media and malformed URIs fail clearly; malformed ones make no request', async () => {
    const media = loader();
    requests.length = 0;
    await assert.rejects(media.load({ mxc: `mxc://${hs.serverName}/missingMedia`, kind: 'image' }), isMediaError('not-found'));
    await assert.rejects(media.load({ mxc: 'mxc://nowhere/missing', kind: 'image' }), (error: unknown) => error instanceof MediaError);
    const before = requests.length;
    await assert.rejects(media.load({ mxc: 'https://evil.example/x.png', kind: 'image' }), isMediaError('bad-mxc'));
    assert.equal(requests.length, before);
    // The failure is remembered: the same broken avatar is not requested on every render.
    await assert.rejects(media.load({ mxc: 'mxc://nowhere/missing', kind: 'image' }));
    assert.equal(requests.length, before);
    media.clear();
  });

  void test('without the token the homeserver refuses, and the loader says so', async () => {
    const media = new MediaLoader({ baseUrl: hs.baseUrl, accessToken: () => undefined });
    await assert.rejects(media.load({ mxc: picture, kind: 'image' }), isMediaError('http'));
  });

  void test('the LRU evicts the least recently used and revokes its blob URL', async () => {
    const uploads = await Promise.all([1, 2, 3].map((n) => bob.upload(png(8 * n, 8), 'image/png')));
    const [one, two, three] = uploads as [string, string, string];
    const media = loader({ maxEntries: 2 });
    const urlOne = await media.load({ mxc: one, kind: 'image' });
    const urlTwo = await media.load({ mxc: two, kind: 'image' });
    // Using the first again makes the second the least recently used.
    assert.equal(await media.load({ mxc: one, kind: 'image' }), urlOne);
    await media.load({ mxc: three, kind: 'image' });
    assert.equal(media.size, 2);
    assert.equal(blobOf(urlTwo), undefined, 'the evicted blob URL is revoked');
    assert.ok(blobOf(urlOne));
    media.clear();
    assert.equal(blobOf(urlOne), undefined, 'clear() revokes everything');
    await assert.rejects(media.load({ mxc: one, kind: 'image' }), isMediaError('stopped'));
  });

  void test('an encrypted attachment uploaded as ciphertext comes back decrypted, typed as declared', async () => {
    const plain = png(20, 10);
    const { ciphertext, file } = await encrypt(plain);
    const mxc = await bob.upload(ciphertext, 'application/octet-stream');
    const media = loader();
    const encryption = { ...file, url: mxc };
    const url = await media.load({ mxc, kind: 'image', encryption, mimetype: 'image/png', thumbnail: { width: 96, height: 96 } });
    const blob = blobOf(url);
    assert.ok(blob);
    assert.equal(blob.type, 'image/png');
    assert.deepEqual(new Uint8Array(await blob.arrayBuffer()), plain);
    // Declared as SVG, it is not handed out as an image even though it decrypts.
    await assert.rejects(media.load({ mxc, kind: 'image', encryption, mimetype: 'image/svg+xml' }), isMediaError('refused-type'));
    // Swapped ciphertext on the server side: the hash check catches it.
    const other = await bob.upload((await encrypt(plain)).ciphertext, 'application/octet-stream');
    await assert.rejects(
      media.load({ mxc: other, kind: 'image', encryption: { ...file, url: other }, mimetype: 'image/png' }),
      isMediaError('bad-hash'),
    );
    media.clear();
  });
});
