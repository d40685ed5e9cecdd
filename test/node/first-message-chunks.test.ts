/**
 * The chunks `omni-chat.js` fetches before an `<omni-room>` shows its first message (test/support/first-message.ts)
 * hold neither Markdown's parser, nor the HTML sanitiser, nor the emoji picker and its data: each loads at its
 * first need (a member writing, a formatted message, the picker opened). A static import of any of them from the
 * views, or a loader that imports core's whole index again, fails here.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, test } from 'node:test';
import { dist, ensureBuild, readManifest, type Manifest } from '../support/build.ts';
import { firstMessageFiles, firstMessageKeys, LATE_CODE, LATE_KEYS } from '../support/first-message.ts';

let manifest: Manifest;

before(async () => {
  await ensureBuild();
  manifest = await readManifest();
});

test('the late modules are chunks of their own, fetched with import()', () => {
  const imported = new Set(Object.values(manifest).flatMap((chunk) => chunk.dynamicImports ?? []));
  for (const key of LATE_KEYS.filter((k) => k !== 'packages/core/src/index.ts')) assert.ok(imported.has(key), `${key} is not import()ed`);
  const emoji = [...imported].filter((key) => key.includes('emoji-picker-element'));
  assert.ok(emoji.length >= 2, 'the emoji picker and its data are not import()ed');
});

test('nothing on the way to the first message is, or imports, a module that loads at first need', () => {
  const keys = firstMessageKeys(manifest);
  const late = [...keys].filter((key) => (LATE_KEYS as readonly string[]).includes(key) || key.includes('emoji-picker-element'));
  assert.deepEqual(late, [], `loaded before the first message: ${late.join(', ')}`);
});

test('no chunk on the way to the first message carries marked, DOMPurify or the emoji picker', async () => {
  const files = await firstMessageFiles(manifest);
  assert.ok(files.some((f) => f.file === 'omni-chat.js'));
  const carrying = files.filter((f) => f.late.length > 0).map((f) => `${f.file}: ${f.late.join(', ')}`);
  assert.deepEqual(carrying, [], 'late code in the first-message path');
});

test('each marker is found in the build, so the check above cannot pass on a reworded message', async () => {
  const chunks = await Promise.all(
    Object.values(manifest)
      .filter((chunk) => chunk.file.endsWith('.js'))
      .map((chunk) => readFile(path.join(dist, chunk.file), 'utf8')),
  );
  for (const code of LATE_CODE)
    assert.ok(
      chunks.some((text) => text.includes(code.marker)),
      `no chunk holds ${code.name}`,
    );
});
