/**
 * Sending files: encryption as pure functions (round trip through media.ts's `decryptAttachment`), the
 * checks before upload, then uploads against a real Synapse (plain and encrypted, the limit it states).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { uploadAttachment } from './attachment.ts';
import { attachmentContent } from './attachment-content.ts';
import { ENCRYPT_CHUNK_BYTES, encryptAttachment, encryptedFile } from './encrypt.ts';
import { decryptAttachment, MediaError, parseEncryptedFile, parseMxc } from './media.ts';
import { attachmentKind, checkFile, maxUploadBytes, uploadMedia, UploadError, type NamedBlob } from './upload.ts';

function named(data: BlobPart[], name: string, type = ''): NamedBlob {
  return new File(data, name, { type });
}

function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 65_536) crypto.getRandomValues(bytes.subarray(i, Math.min(length, i + 65_536)));
  return bytes;
}

const isUploadError = (code: string) => (error: unknown) => error instanceof UploadError && error.code === code;

void describe('encryptAttachment', () => {
  void test('round-trips through decryptAttachment, across chunk boundaries', async () => {
    for (const length of [1, 15, 16, 17, ENCRYPT_CHUNK_BYTES - 1, ENCRYPT_CHUNK_BYTES, 2 * ENCRYPT_CHUNK_BYTES + 5]) {
      const plain = randomBytes(length);
      const { data, info } = await encryptAttachment(new Blob([plain]));
      assert.equal(data.size, length);
      assert.equal(data.type, 'application/octet-stream');
      const ciphertext = new Uint8Array(await data.arrayBuffer());
      assert.notDeepEqual(ciphertext, plain, `${length} bytes are not sent in the clear`);
      const file = parseEncryptedFile(encryptedFile(info, 'mxc://example.org/x'));
      assert.ok(file, 'the spec shape parses');
      assert.deepEqual(new Uint8Array(await decryptAttachment(ciphertext, file)), plain, `${length} bytes come back`);
    }
  });

  void test('is the spec’s EncryptedFile v2: JWK, 64 random bits then a zero counter, unpadded base64', async () => {
    const { info } = await encryptAttachment(new Blob(['hello']));
    assert.equal(info.v, 'v2');
    assert.deepEqual(
      { ...info.key, k: undefined },
      { kty: 'oct', key_ops: ['encrypt', 'decrypt'], alg: 'A256CTR', k: undefined, ext: true },
    );
    assert.match(info.key.k, /^[A-Za-z0-9_-]{43}$/u);
    assert.match(info.iv, /^[A-Za-z0-9+/]{22}$/u);
    assert.match(info.hashes.sha256, /^[A-Za-z0-9+/]{43}$/u);
    const iv = Buffer.from(info.iv, 'base64');
    assert.deepEqual([...iv.subarray(8)], [0, 0, 0, 0, 0, 0, 0, 0]);
  });

  void test('each file gets its own key and iv', async () => {
    const one = await encryptAttachment(new Blob(['same']));
    const two = await encryptAttachment(new Blob(['same']));
    assert.notEqual(one.info.key.k, two.info.key.k);
    assert.notEqual(one.info.iv, two.info.iv);
  });

  void test('a changed byte fails the hash check', async () => {
    const { data, info } = await encryptAttachment(new Blob(['secret']));
    const bytes = new Uint8Array(await data.arrayBuffer());
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    const file = parseEncryptedFile(encryptedFile(info, 'mxc://example.org/x'));
    assert.ok(file);
    await assert.rejects(decryptAttachment(bytes, file), (error) => error instanceof MediaError && error.code === 'bad-hash');
  });

  void test('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await assert.rejects(encryptAttachment(new Blob(['x']), { signal: controller.signal }), /cancelled/u);
  });
});

void describe('checks before upload', () => {
  void test('only raster images are images; an SVG is a file', () => {
    assert.equal(attachmentKind('image/png'), 'image');
    assert.equal(attachmentKind('IMAGE/JPEG; q=1'), 'image');
    assert.equal(attachmentKind('image/svg+xml'), 'file');
    assert.equal(attachmentKind('text/html'), 'file');
    assert.equal(attachmentKind(''), 'file');
    assert.equal(attachmentKind('video/mp4'), 'video');
    assert.equal(attachmentKind('audio/ogg'), 'audio');
    assert.equal(attachmentContent(named(['<svg/>'], 'logo.svg', 'image/svg+xml'))['msgtype'], 'm.file');
  });

  void test('a caption is the body, the name the filename', () => {
    const file = named(['x'], 'cat.png', 'image/png');
    assert.deepEqual(attachmentContent(file), {
      msgtype: 'm.image',
      body: 'cat.png',
      filename: 'cat.png',
      info: { mimetype: 'image/png', size: 1 },
      'm.mentions': {},
    });
    assert.equal(attachmentContent(file, '  my cat ')['body'], 'my cat');
    assert.equal(
      attachmentContent(named(['x'], 'notes'))['info'] &&
        (attachmentContent(named(['x'], 'notes'))['info'] as { mimetype: string }).mimetype,
      'application/octet-stream',
    );
  });

  void test('refuses empty and oversized files with the file’s name in the message', async () => {
    await assert.rejects(checkFile(named([], 'empty.txt'), undefined), (error: unknown) => {
      assert.ok(isUploadError('empty')(error));
      assert.match((error as Error).message, /“empty\.txt” is empty \(0 bytes\)/u);
      return true;
    });
    await assert.rejects(checkFile(named([new Uint8Array(2_500_000)], 'big.bin'), 1_000_000), (error: unknown) => {
      assert.ok(isUploadError('too-large')(error));
      assert.match((error as Error).message, /“big\.bin” is 2\.5 MB; this server accepts files up to 1 MB/u);
      return true;
    });
    await checkFile(named(['fine'], 'fine.txt'), 1_000_000);
    await checkFile(named(['fine'], 'fine.txt'), undefined);
  });
});

void describe('uploads to a real Synapse', () => {
  let hs: Homeserver;
  let bob: Peer;
  before(async () => {
    hs = await startSynapse();
    bob = await hs.registerUser();
  });
  after(() => hs.stop());

  async function download(mxc: string): Promise<Uint8Array> {
    const { serverName, mediaId } = parseMxc(mxc);
    const response = await fetch(`${hs.baseUrl}/_matrix/client/v1/media/download/${serverName}/${mediaId}`, {
      headers: { Authorization: `Bearer ${bob.accessToken}` },
    });
    assert.equal(response.status, 200);
    return new Uint8Array(await response.arrayBuffer());
  }

  void test('reads the homeserver’s upload limit', async () => {
    const max = await maxUploadBytes(hs.baseUrl, bob.accessToken);
    assert.equal(typeof max, 'number');
    assert.ok((max ?? 0) > 1_000_000);
  });

  void test('a plain upload stores the bytes as sent', async () => {
    const bytes = randomBytes(300_000);
    const progress: number[] = [];
    const mxc = await uploadMedia({
      baseUrl: hs.baseUrl,
      accessToken: bob.accessToken,
      body: new Blob([bytes]),
      contentType: 'application/pdf',
      filename: 'report.pdf',
      onProgress: (sent) => progress.push(sent),
    });
    assert.match(mxc, /^mxc:\/\//u);
    assert.deepEqual(await download(mxc), bytes);
    assert.equal(progress.at(-1), bytes.length);
  });

  void test('an encrypted attachment: the server stores ciphertext, the content decrypts back', async () => {
    const plain = randomBytes(200_000);
    const file = named([plain], 'secret.pdf', 'application/pdf');
    const content = await uploadAttachment({
      baseUrl: hs.baseUrl,
      accessToken: bob.accessToken,
      file,
      content: attachmentContent(file),
      encrypt: true,
    });
    assert.equal(content['url'], undefined, 'no plain url in an encrypted room');
    assert.equal(content['msgtype'], 'm.file');
    const encrypted = parseEncryptedFile(content['file']);
    assert.ok(encrypted);
    const stored = await download(encrypted.url);
    assert.notDeepEqual(stored, plain);
    assert.deepEqual(new Uint8Array(await decryptAttachment(new Uint8Array(stored), encrypted)), plain);
  });

  void test('an unauthenticated upload is refused with a readable error', async () => {
    await assert.rejects(
      uploadMedia({ baseUrl: hs.baseUrl, accessToken: undefined, body: new Blob(['x']), contentType: 'text/plain' }),
      (error: unknown) => isUploadError('http')(error) && (error as UploadError).status === 401,
    );
  });

  void test('a cancelled upload rejects as aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      uploadMedia({
        baseUrl: hs.baseUrl,
        accessToken: bob.accessToken,
        body: new Blob(['x']),
        contentType: 'text/plain',
        signal: controller.signal,
      }),
      isUploadError('aborted'),
    );
  });
});
