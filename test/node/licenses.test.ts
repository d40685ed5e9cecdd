/**
 * What the public packages ship may be shipped under their Apache-2.0 licence: every production dependency's
 * licence is in the allow-list (test/support/licenses.ts), and each public package carries the licence itself.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowed, productionDependencies, PUBLIC_PACKAGES, root } from '../support/licenses.ts';

test('every production dependency of the public packages has an allowed licence', () => {
  const packages = productionDependencies();
  // matrix-js-sdk alone brings dozens: an empty walk would mean the check read nothing.
  assert.ok(packages.length > 50, `only ${String(packages.length)} dependencies found`);
  for (const name of ['lit', 'matrix-js-sdk', '@matrix-org/matrix-sdk-crypto-wasm', 'dompurify', 'marked', 'matrix-appservice']) {
    assert.ok(
      packages.some((p) => p.name === name),
      `${name} is missing from the walk`,
    );
  }
  const refused = packages.filter((p) => !allowed(p.license)).map((p) => `${p.name}@${p.version}: ${p.license || '(none)'} (via ${p.via})`);
  assert.deepEqual(refused, []);
});

test('the allow-list reads SPDX expressions', () => {
  assert.ok(allowed('(MPL-2.0 OR Apache-2.0)'));
  assert.ok(!allowed('GPL-3.0-only'));
  assert.ok(!allowed('MIT AND GPL-2.0'));
  assert.ok(!allowed(''));
});

test('each public package declares Apache-2.0 and ships its LICENSE and CHANGELOG', async () => {
  const licence = await readFile(path.join(root, 'LICENSE'), 'utf8');
  for (const directory of PUBLIC_PACKAGES) {
    const manifest = JSON.parse(await readFile(path.join(root, directory, 'package.json'), 'utf8')) as {
      license?: string;
      private?: boolean;
    };
    assert.equal(manifest.license, 'Apache-2.0', directory);
    assert.equal(manifest.private, undefined, `${directory} is private`);
    assert.equal(await readFile(path.join(root, directory, 'LICENSE'), 'utf8'), licence, `${directory}/LICENSE`);
    assert.match(await readFile(path.join(root, directory, 'CHANGELOG.md'), 'utf8'), /## 0\.1\.0/, `${directory}/CHANGELOG.md`);
  }
});
