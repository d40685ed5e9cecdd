/**
 * Judging a file by its bytes and the site's rules (`accept-files`, `max-file-size`): pure, no homeserver.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { acceptText, checkFileRules, parseSize } from './file-rules.ts';
import { judgedType, sniffType, typeOfBytes } from './file-type.ts';
import { UploadError } from './upload.ts';

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
const bytes = (...parts: Array<number[] | string>): Uint8Array =>
  new Uint8Array(parts.flatMap((part) => (typeof part === 'string' ? [...new TextEncoder().encode(part)] : part)));
const file = (content: Uint8Array | string, name: string, type = ''): File =>
  new File([typeof content === 'string' ? content : new Uint8Array(content)], name, { type });
const refusal = (code: string, includes: string) => (error: unknown) =>
  error instanceof UploadError && error.code === code && error.message.includes(includes);

void describe('typeOfBytes', () => {
  void test('knows images, recordings and documents by their signatures', () => {
    assert.equal(typeOfBytes(bytes(PNG)), 'image/png');
    assert.equal(typeOfBytes(bytes([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
    assert.equal(typeOfBytes(bytes('GIF89a', [1, 0, 1, 0])), 'image/gif');
    assert.equal(typeOfBytes(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 ')), 'image/webp');
    assert.equal(typeOfBytes(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt ')), 'audio/wav');
    assert.equal(typeOfBytes(bytes([0, 0, 0, 0x1c], 'ftypavif')), 'image/avif');
    assert.equal(typeOfBytes(bytes([0, 0, 0, 0x1c], 'ftypisom')), 'video/mp4');
    assert.equal(typeOfBytes(bytes([0x1a, 0x45, 0xdf, 0xa3])), 'video/webm');
    assert.equal(typeOfBytes(bytes('OggS')), 'audio/ogg');
    assert.equal(typeOfBytes(bytes('ID3', [4, 0])), 'audio/mpeg');
    assert.equal(typeOfBytes(bytes('%PDF-1.7')), 'application/pdf');
  });

  void test('knows markup a browser would run, whatever it is named', () => {
    assert.equal(typeOfBytes(bytes('\uFEFF  <!DOCTYPE html><title>x</title>')), 'text/html');
    assert.equal(typeOfBytes(bytes('<script>alert(1)</script>')), 'text/html');
    assert.equal(typeOfBytes(bytes('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>')), 'image/svg+xml');
    assert.equal(typeOfBytes(bytes('plain words')), undefined);
  });
});

void describe('judgedType', () => {
  void test('a renderable claim holds only when the bytes agree', () => {
    assert.equal(judgedType('image/png', 'image/png'), 'image/png');
    assert.equal(judgedType('image/png', 'text/html'), 'text/html');
    assert.equal(judgedType('image/png', 'image/svg+xml'), 'image/svg+xml');
    assert.equal(judgedType('image/png', undefined), 'application/octet-stream');
    assert.equal(judgedType('video/mp4', 'video/webm'), 'video/mp4');
    assert.equal(judgedType('text/plain', undefined), 'text/plain');
    assert.equal(judgedType('', 'image/png'), 'image/png');
  });

  void test('sniffType reads only the start of a file', async () => {
    assert.equal(await sniffType(file(bytes(PNG, new Array<number>(100_000).fill(7)), 'big.png')), 'image/png');
  });
});

void describe('the site rules', () => {
  void test('parseSize reads bytes and units, and nothing else', () => {
    assert.equal(parseSize('5000'), 5000);
    assert.equal(parseSize('5 MB'), 5_000_000);
    assert.equal(parseSize('1.5kB'), 1500);
    assert.equal(parseSize('2 MiB'), 2 * 1024 * 1024);
    assert.equal(parseSize(''), undefined);
    assert.equal(parseSize('large'), undefined);
    assert.equal(parseSize('0'), undefined);
  });

  void test('acceptText says what may be sent', () => {
    assert.equal(acceptText(['image/*']), 'images');
    assert.equal(acceptText(['image/*', 'video/*', '.pdf']), 'images, videos or .pdf files');
  });

  void test('images only: a real PNG passes; HTML named .png, an SVG and a PDF are refused with the reason', async () => {
    const rules = { accept: 'image/*' };
    await checkFileRules(file(bytes(PNG), 'cat.png', 'image/png'), rules);
    await assert.rejects(
      checkFileRules(file('<html><script>alert(1)</script></html>', 'cat.png', 'image/png'), rules),
      refusal('not-accepted', '“cat.png” cannot be sent here: only images can, and its contents are not what its name says.'),
    );
    await assert.rejects(
      checkFileRules(file('<svg xmlns="http://www.w3.org/2000/svg"/>', 'logo.svg', 'image/svg+xml'), rules),
      refusal('not-accepted', 'only images'),
    );
    await assert.rejects(checkFileRules(file('%PDF-1.7', 'doc.pdf', 'application/pdf'), rules), refusal('not-accepted', '“doc.pdf”'));
  });

  void test('extensions hold the bytes to their type; exact types and families match the judged type', async () => {
    await checkFileRules(file('%PDF-1.7', 'doc.pdf', 'application/pdf'), { accept: '.pdf' });
    await assert.rejects(
      checkFileRules(file('<html></html>', 'doc.pdf', 'application/pdf'), { accept: '.pdf' }),
      refusal('not-accepted', 'only .pdf files'),
    );
    await checkFileRules(file('notes', 'notes.txt', 'text/plain'), { accept: 'text/plain, image/*' });
    await checkFileRules(file(bytes(PNG), 'screenshot', ''), { accept: 'image/png' });
  });

  void test('none refuses every file; an empty list allows any', async () => {
    await assert.rejects(
      checkFileRules(file('x', 'x.txt', 'text/plain'), { accept: 'none' }),
      refusal('not-accepted', 'Files cannot be sent here.'),
    );
    await checkFileRules(file('<html></html>', 'page.html', 'text/html'), { accept: '' });
  });

  void test('max-file-size refuses a larger file before its type is even read', async () => {
    await assert.rejects(
      checkFileRules(file('x'.repeat(2_000), 'log.txt', 'text/plain'), { maxBytes: 1_000, accept: 'image/*' }),
      refusal('too-large', '“log.txt” is 2 kB; files sent here can be up to 1 kB.'),
    );
  });
});
