/**
 * What a file really is, judged from its first bytes (magic numbers), not from the name or the type the
 * browser derives from it: a `.png` whose bytes are HTML is HTML. Pure, so Node tests cover it.
 */

/** How many leading bytes are read to judge a file. */
export const SNIFF_BYTES = 512;

const ascii = (bytes: Uint8Array, at: number, text: string): boolean => {
  if (bytes.length < at + text.length) return false;
  for (let i = 0; i < text.length; i += 1) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
};

const starts = (bytes: Uint8Array, signature: readonly number[]): boolean =>
  bytes.length >= signature.length && signature.every((byte, i) => bytes[i] === byte);

/** ISO base media files (MP4, MOV, M4A, AVIF, HEIC): the brand after `ftyp` says which. */
function isoMedia(bytes: Uint8Array): string | undefined {
  if (!ascii(bytes, 4, 'ftyp')) return undefined;
  const brand = String.fromCharCode(...bytes.subarray(8, 12));
  if (brand === 'avif' || brand === 'avis') return 'image/avif';
  if (['heic', 'heix', 'mif1', 'msf1'].includes(brand)) return 'image/heic';
  if (brand === 'M4A ' || brand === 'M4B ') return 'audio/mp4';
  if (brand === 'qt  ') return 'video/quicktime';
  return 'video/mp4';
}

function riff(bytes: Uint8Array): string | undefined {
  if (!ascii(bytes, 0, 'RIFF')) return undefined;
  if (ascii(bytes, 8, 'WEBP')) return 'image/webp';
  if (ascii(bytes, 8, 'WAVE')) return 'audio/wav';
  if (ascii(bytes, 8, 'AVI ')) return 'video/x-msvideo';
  return undefined;
}

/** Markup a browser would render (and run script in): HTML, SVG, XML. */
function markup(bytes: Uint8Array): string | undefined {
  const text = new TextDecoder('utf-8', { fatal: false })
    .decode(bytes)
    .replace(/^\uFEFF/u, '')
    .trimStart()
    .toLowerCase();
  if (!text.startsWith('<')) return undefined;
  if (/<svg[\s>/]/u.test(text)) return 'image/svg+xml';
  if (/<(?:!doctype html|html|head|body|script|iframe|meta|title|div|a|img|style|object|embed)[\s>/]/u.test(text)) return 'text/html';
  if (text.startsWith('<?xml')) return 'application/xml';
  return undefined;
}

/** The type the bytes show, or undefined when they match no signature this knows (text, office files…). */
export function typeOfBytes(bytes: Uint8Array): string | undefined {
  if (starts(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a')) return 'image/gif';
  if (ascii(bytes, 0, 'BM') && bytes.length >= 14) return 'image/bmp';
  if (starts(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  if (ascii(bytes, 0, 'OggS')) return 'audio/ogg';
  if (ascii(bytes, 0, 'fLaC')) return 'audio/flac';
  if (ascii(bytes, 0, 'ID3') || (bytes.length >= 2 && bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)) return 'audio/mpeg';
  if (ascii(bytes, 0, '%PDF-')) return 'application/pdf';
  if (starts(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'application/zip';
  return riff(bytes) ?? isoMedia(bytes) ?? markup(bytes);
}

/** Reads a file's first bytes and judges them; undefined when unknown or unreadable. */
export async function sniffType(file: Blob): Promise<string | undefined> {
  try {
    return typeOfBytes(new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()));
  } catch {
    return undefined;
  }
}

/** A MIME type without parameters, lower-case. */
export const essence = (type: string): string => type.split(';')[0]?.trim().toLowerCase() ?? '';

const RENDERABLE = ['image/', 'video/', 'audio/'];
const major = (type: string): string => type.slice(0, type.indexOf('/') + 1);

/**
 * The type a file is treated as. A claim a receiver would render (image, video, audio) counts only when
 * the bytes are of the same kind; otherwise the bytes decide, and a file they do not identify is just
 * bytes (`application/octet-stream`). Other claims (text, documents) stand unless the bytes say otherwise.
 */
export function judgedType(claimed: string, sniffed: string | undefined): string {
  const declared = essence(claimed);
  if (RENDERABLE.some((prefix) => declared.startsWith(prefix))) {
    // An SVG is an image by name only: it carries script, so it never passes for the declared raster type.
    if (sniffed && sniffed !== 'image/svg+xml' && major(sniffed) === major(declared)) return declared;
    return sniffed ?? 'application/octet-stream';
  }
  return sniffed ?? (declared || 'application/octet-stream');
}
