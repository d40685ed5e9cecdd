/**
 * The per-entry size budgets beyond the loader's (test/node/build.test.ts checks the loader and the engine chunk):
 * the React wrapper on top of the package, and the Vue and Svelte entries, which add no JavaScript. The views
 * chunk's size is reported (`pnpm bench` prints every figure; test/support/entry-sizes.ts measures them).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureBuild } from '../support/build.ts';
import { measureEntries } from '../support/entry-sizes.ts';
import { FRAMEWORK_TYPINGS_JS_BUDGET, REACT_WRAPPER_BUDGET } from './budgets.ts';

test('the React wrapper stays within 1 KB gzip on top of the package; the Vue and Svelte entries add no JavaScript', async (t) => {
  await ensureBuild();
  const sizes = await measureEntries();
  t.diagnostic(`views chunk: ${String(sizes.viewsGzipBytes)} B gzip (${sizes.viewsFiles})`);
  t.diagnostic(`@omnisocial/react: ${String(sizes.reactWrapperGzipBytes)} B gzip (${String(sizes.reactWrapperBytes)} B minified)`);
  t.diagnostic(`vue.d.ts ${String(sizes.vueTypesGzipBytes)} B gzip, svelte.d.ts ${String(sizes.svelteTypesGzipBytes)} B gzip`);
  assert.ok(
    sizes.reactWrapperGzipBytes <= REACT_WRAPPER_BUDGET,
    `@omnisocial/react weighs ${String(sizes.reactWrapperGzipBytes)} B gzip on top of the package, over ${String(REACT_WRAPPER_BUDGET)} B`,
  );
  assert.ok(sizes.viewsGzipBytes > 0, 'the views chunk was measured');
  assert.equal(sizes.vueJsBytes, FRAMEWORK_TYPINGS_JS_BUDGET);
  assert.equal(sizes.svelteJsBytes, FRAMEWORK_TYPINGS_JS_BUDGET);
});
