/**
 * What the built `omni-chat.js` fetches before an `<omni-room>` shows its first message, read from Vite's
 * manifest: the loader and what it imports statically, the chunks it `import()`s at once (the views, and core's
 * sign-in API when the page signs in), and the engine with its static imports. Markdown's parser, the HTML
 * sanitiser and the emoji picker with its data load at their first need, so none of them may be in it.
 * `node test/support/first-message.ts` prints the figures for the current dist/.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { dist, ENGINE_KEY, loaderKey, readManifest, staticClosure, type Manifest } from './build.ts';

/** Code that loads at first need, each by a line of its own that minifying keeps (an error message). */
export const LATE_CODE = [
  { name: 'marked (Markdown)', marker: 'marked(): input parameter is undefined or null' },
  { name: 'DOMPurify (sanitiser)', marker: 'must not call DOMPurify.sanitize' },
  { name: 'emoji-picker-element', marker: 'emoji-picker-element is more efficient' },
] as const;

/** Manifest keys of the modules that load at first need. */
export const LATE_KEYS = [
  'packages/core/src/format/compose.ts',
  'packages/core/src/format/sanitize.ts',
  'packages/core/src/index.ts',
  'packages/core/src/media/link-preview.ts',
  'packages/elements/src/components/message-tile/link-preview-card.ts',
] as const;

export interface FirstMessageFile {
  file: string;
  bytes: number;
  gzipBytes: number;
  /** The names of LATE_CODE found in it. */
  late: string[];
}

/** The manifest keys on the way to the first message. */
export function firstMessageKeys(manifest: Manifest): Set<string> {
  const loader = loaderKey(manifest);
  const keys = new Set<string>();
  for (const root of [loader, ...(manifest[loader]?.dynamicImports ?? []), ENGINE_KEY]) staticClosure(manifest, root, keys);
  return keys;
}

export async function firstMessageFiles(manifest: Manifest): Promise<FirstMessageFile[]> {
  return Promise.all(
    [...firstMessageKeys(manifest)].map(async (key) => {
      const file = manifest[key]?.file ?? key;
      const content = await readFile(path.join(dist, file));
      const text = content.toString('utf8');
      return {
        file,
        bytes: content.length,
        gzipBytes: gzipSync(content, { level: 9 }).length,
        late: LATE_CODE.filter((code) => text.includes(code.marker)).map((code) => code.name),
      };
    }),
  );
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const files = await firstMessageFiles(await readManifest());
  for (const f of files)
    process.stdout.write(`${f.file.padEnd(48)} ${String(f.bytes).padStart(9)} ${String(f.gzipBytes).padStart(8)} ${f.late.join(', ')}\n`);
  const sum = (pick: (f: FirstMessageFile) => number): number => files.reduce((total, f) => total + pick(f), 0);
  process.stdout.write(
    `${'before the first message'.padEnd(48)} ${String(sum((f) => f.bytes)).padStart(9)} ${String(sum((f) => f.gzipBytes)).padStart(8)}\n`,
  );
}
