/**
 * The site's own rules for files (`accept-files`, `guest-accept-files`, `max-file-size` on the elements):
 * which types a member may send and how large, below what the homeserver accepts. Checked when a file is
 * added, before a byte is uploaded, on the type its bytes show (file-type.ts), not the name it carries.
 */
import { essence, judgedType, sniffType } from './file-type.ts';
import { sizeText, UploadError, type NamedBlob } from './upload.ts';

export interface FileRules {
  /**
   * What may be sent, as the HTML `accept` attribute lists it: MIME types (`image/png`), families
   * (`image/*`), extensions (`.pdf`); `none` for nothing; empty for anything.
   */
  readonly accept?: string;
  /** The largest file, in bytes. */
  readonly maxBytes?: number;
}

/** Types an extension in an `accept` list stands for, so `.png` holds the bytes to being a PNG. */
const EXTENSION_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.apng': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.bmp': 'image/bmp',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mov': 'video/quicktime',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.m4a': 'audio/mp4',
};

/** The tokens of an `accept` list, lower-case; empty means anything. */
export function acceptTokens(accept: string | undefined): string[] {
  return (accept ?? '')
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== '');
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

function matches(token: string, type: string, name: string, sniffed: string | undefined): boolean {
  if (token.startsWith('.')) {
    if (extensionOf(name) !== token) return false;
    const expected = EXTENSION_TYPES[token];
    // The name matches; the bytes must not say it is something else.
    return expected === undefined ? type !== 'text/html' && type !== 'image/svg+xml' : sniffed === expected;
  }
  if (token.endsWith('/*')) return type.startsWith(token.slice(0, -1)) && type !== 'image/svg+xml';
  return type === essence(token);
}

const FAMILIES: Readonly<Record<string, string>> = { 'image/*': 'images', 'video/*': 'videos', 'audio/*': 'audio' };

/** "images, videos or .pdf files", for the refusal. */
export function acceptText(tokens: readonly string[]): string {
  const words = tokens.map((token) => FAMILIES[token] ?? (token.startsWith('.') ? `${token} files` : token));
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1) ?? ''}`;
}

/**
 * `max-file-size`: bytes (`5000000`) or a size with its unit (`5 MB`, `500kB`, `10 MiB`); undefined when
 * absent or not a size.
 */
export function parseSize(text: string | undefined): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|kib|mib|gib)?\s*$/iu.exec(text ?? '');
  if (!match) return undefined;
  const units: Readonly<Record<string, number>> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };
  const bytes = Math.floor(Number(match[1]) * (units[(match[2] ?? 'b').toLowerCase()] ?? 1));
  return bytes > 0 ? bytes : undefined;
}

/**
 * Refuses a file the site's rules do not allow, with a message naming it and saying what is allowed.
 * The type is the one its bytes show: a `.png` that is HTML is not an image.
 */
export async function checkFileRules(file: NamedBlob, rules: FileRules): Promise<void> {
  const name = file.name || 'The file';
  if (rules.maxBytes !== undefined && file.size > rules.maxBytes) {
    throw new UploadError('too-large', `“${name}” is ${sizeText(file.size)}; files sent here can be up to ${sizeText(rules.maxBytes)}.`);
  }
  const tokens = acceptTokens(rules.accept);
  if (tokens.length === 0) return;
  if (tokens.includes('none')) throw new UploadError('not-accepted', 'Files cannot be sent here.');
  const sniffed = await sniffType(file);
  const type = judgedType(file.type, sniffed);
  if (tokens.some((token) => matches(token, type, file.name, sniffed))) return;
  const lied = essence(file.type) !== '' && essence(file.type) !== type;
  throw new UploadError(
    'not-accepted',
    `“${name}” cannot be sent here: only ${acceptText(tokens)} can${lied ? `, and its contents are not what its name says` : ''}.`,
  );
}
