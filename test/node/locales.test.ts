/**
 * Every language is complete: the strings of packages/elements, extracted afresh by `lit-localize extract` (what
 * `pnpm locales` runs) from the sources as they are now, each have a translation in every locale's XLIFF file, and
 * the locale modules the build ships are the ones generated from those files. A string someone adds with `msg()`
 * and does not translate fails here, naming it; docs/languages.md says how to add the translation.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { root } from '../support/build.ts';

interface Config {
  sourceLocale: string;
  targetLocales: string[];
  inputFiles: string[];
  output: { outputDir: string; localeCodesModule: string };
  interchange: { xliffDir: string };
}

interface Unit {
  id: string;
  source: string;
  target: string | undefined;
}

const config = JSON.parse(await readFile(path.join(root, 'lit-localize.json'), 'utf8')) as Config;
let work: string;
const extracted = new Map<string, Unit[]>();

/** The placeholders of a source or target (`<x id="0" …/>`), in order. */
const placeholders = (text: string): string[] => [...text.matchAll(/<x id="(\d+)"/g)].map((m) => m[1] ?? '').sort();

function units(xliff: string): Unit[] {
  return [...xliff.matchAll(/<trans-unit id="([^"]+)">([\s\S]*?)<\/trans-unit>/g)].map(([, id = '', body = '']) => ({
    id,
    source: /<source>([\s\S]*?)<\/source>/.exec(body)?.[1] ?? '',
    target: /<target>([\s\S]*?)<\/target>/.exec(body)?.[1],
  }));
}

function run(configFile: string, command: 'extract' | 'build'): void {
  const result = spawnSync('lit-localize', [command, '--config', configFile], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, `lit-localize ${command} failed: ${result.stdout}${result.stderr}`);
}

before(async () => {
  // Extract into a copy of the XLIFF files, so the test never rewrites the repository's.
  work = await mkdtemp(path.join(tmpdir(), 'omni-locales-'));
  const xliffDir = path.join(work, 'xliff');
  await cp(path.join(root, config.interchange.xliffDir), xliffDir, { recursive: true });
  const outputDir = path.join(work, 'locales');
  const configFile = path.join(work, 'lit-localize.json');
  await writeFile(
    configFile,
    JSON.stringify({
      ...config,
      // Paths in the configuration are relative to its file: the copy points at the repository's sources.
      inputFiles: config.inputFiles.map((glob) => (glob.startsWith('!') ? `!${path.join(root, glob.slice(1))}` : path.join(root, glob))),
      output: { ...config.output, outputDir, localeCodesModule: path.join(outputDir, 'locale-codes.ts') },
      interchange: { ...config.interchange, xliffDir },
    }),
  );
  run(configFile, 'extract');
  run(configFile, 'build');
  for (const locale of config.targetLocales) extracted.set(locale, units(await readFile(path.join(xliffDir, `${locale}.xlf`), 'utf8')));
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('translations', () => {
  test('English, German, French, Spanish, Arabic and Hebrew are the locales', () => {
    assert.deepEqual([config.sourceLocale, ...config.targetLocales].sort(), ['ar', 'de', 'en', 'es', 'fr', 'he']);
  });

  test('the sources have their strings (the extractor sees msg() calls)', () => {
    assert.ok((extracted.get('de') ?? []).length > 300, 'fewer than 300 strings extracted');
  });

  for (const locale of config.targetLocales) {
    test(`${locale}: every string has a translation with the same placeholders`, () => {
      const all = extracted.get(locale) ?? [];
      const missing = all.filter((unit) => !unit.target?.trim()).map((unit) => `${unit.id}: ${unit.source}`);
      assert.deepEqual(missing, [], `${locale} misses ${String(missing.length)} translations (docs/languages.md)`);
      for (const unit of all) {
        assert.deepEqual(placeholders(unit.target ?? ''), placeholders(unit.source), `${locale} ${unit.id}: placeholders differ`);
      }
    });

    test(`${locale}: the committed XLIFF file has no strings the sources dropped or lack`, async () => {
      const committed = units(await readFile(path.join(root, config.interchange.xliffDir, `${locale}.xlf`), 'utf8'));
      assert.deepEqual(
        committed.map((unit) => unit.id).sort(),
        (extracted.get(locale) ?? []).map((unit) => unit.id).sort(),
        'run `pnpm locales` and translate what it adds',
      );
    });
  }

  test('the shipped locale modules are generated from the XLIFF files (pnpm locales)', async () => {
    const outputDir = path.join(work, 'locales');
    for (const file of await readdir(outputDir)) {
      const generated = await readFile(path.join(outputDir, file), 'utf8');
      const shipped = await readFile(path.join(root, config.output.outputDir, file), 'utf8');
      assert.equal(shipped, generated, `${config.output.outputDir}/${file} is stale: run \`pnpm locales\``);
    }
  });
});
