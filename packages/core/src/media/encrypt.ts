/**
 * Encrypting an attachment for an encrypted room (spec: "Sending encrypted attachments"): AES-256-CTR
 * with a fresh key and a random 64-bit nonce whose low 64 counter bits start at zero (`v2`), and the
 * SHA-256 of the ciphertext. The reverse of `decryptAttachment()` (media.ts).
 *
 * The file is encrypted one chunk at a time: each chunk is read and encrypted by WebCrypto (which
 * Chromium and Firefox run off the main thread), and the page gets the event loop back between chunks,
 * so a 20 MB file never blocks it for long.
 */
import type { EncryptedFile } from '../timeline/timeline-types.ts';

/** Bytes encrypted per WebCrypto call: a multiple of the 16-byte AES block, so counters line up. */
export const ENCRYPT_CHUNK_BYTES = 1024 * 1024;

/** The `file` object of an encrypted attachment's event, without its `url` (known once uploaded). */
export interface EncryptedFileInfo {
  readonly v: 'v2';
  readonly key: {
    readonly kty: 'oct';
    readonly key_ops: readonly ['encrypt', 'decrypt'];
    readonly alg: 'A256CTR';
    readonly k: string;
    readonly ext: true;
  };
  readonly iv: string;
  readonly hashes: { readonly sha256: string };
}

export interface EncryptedAttachment {
  /** What is uploaded: the ciphertext, typed `application/octet-stream` (the server must not learn the type). */
  readonly data: Blob;
  readonly info: EncryptedFileInfo;
}

/** The `file` of the event once the ciphertext is at `url`. */
export function encryptedFile(info: EncryptedFileInfo, url: string): EncryptedFile & EncryptedFileInfo {
  return { ...info, url };
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/=+$/u, '');
}

function base64Url(bytes: Uint8Array): string {
  return base64(bytes).replace(/\+/gu, '-').replace(/\//gu, '_');
}

/** The counter block for the chunk starting at `offset`: the nonce, then the block number (big-endian). */
function counterAt(nonce: Uint8Array, offset: number): Uint8Array<ArrayBuffer> {
  const block = new Uint8Array(16);
  block.set(nonce.subarray(0, 8));
  new DataView(block.buffer).setBigUint64(8, BigInt(offset / 16));
  return block;
}

/**
 * Encrypts `file` (read chunk by chunk) and hashes the ciphertext. `onProgress` hears the bytes done
 * so far; an aborted `signal` stops between chunks with its reason.
 */
export async function encryptAttachment(
  file: Blob,
  options: { readonly signal?: AbortSignal; readonly onProgress?: (done: number, total: number) => void } = {},
): Promise<EncryptedAttachment> {
  const subtle = globalThis.crypto.subtle;
  const rawKey = globalThis.crypto.getRandomValues(new Uint8Array(32));
  // The high 64 bits are random, the low 64 (the counter) start at zero, as the spec asks for `v2`.
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(8));
  const key = await subtle.importKey('raw', rawKey, { name: 'AES-CTR' }, false, ['encrypt']);
  const ciphertext = new Uint8Array(file.size);
  for (let offset = 0; offset < file.size; offset += ENCRYPT_CHUNK_BYTES) {
    options.signal?.throwIfAborted();
    const plain = await file.slice(offset, offset + ENCRYPT_CHUNK_BYTES).arrayBuffer();
    const encrypted = await subtle.encrypt({ name: 'AES-CTR', counter: counterAt(nonce, offset), length: 64 }, key, plain);
    ciphertext.set(new Uint8Array(encrypted), offset);
    options.onProgress?.(Math.min(file.size, offset + ENCRYPT_CHUNK_BYTES), file.size);
  }
  options.signal?.throwIfAborted();
  const digest = new Uint8Array(await subtle.digest('SHA-256', ciphertext));
  const iv = counterAt(nonce, 0);
  return {
    data: new Blob([ciphertext], { type: 'application/octet-stream' }),
    info: {
      v: 'v2',
      key: { kty: 'oct', key_ops: ['encrypt', 'decrypt'], alg: 'A256CTR', k: base64Url(rawKey), ext: true },
      iv: base64(iv),
      hashes: { sha256: base64(digest) },
    },
  };
}
