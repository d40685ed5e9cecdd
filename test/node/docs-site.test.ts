/**
 * The documentation site (`pnpm docs`, scripts/docs.ts): its build fails on a broken link or anchor, a live example
 * using an undocumented tag or attribute, or a theme under WCAG AA; its API reference has a section for each of the
 * five public elements of custom-elements.json with every attribute, event, part and CSS property; served beside its
 * homeserver (a real Synapse with the companion), the live examples upgrade and a visitor reads the lobby's messages,
 * and each theme reaches its elements.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { ensureBuild, root } from '../support/build.ts';
import { launchChromium } from '../support/chromium.ts';
import { run } from '../support/packed-project.ts';

interface ManifestElement {
  readonly tagName?: string;
  readonly attributes?: readonly { readonly name: string }[];
  readonly events?: readonly { readonly name: string }[];
  readonly cssParts?: readonly { readonly name: string }[];
  readonly cssProperties?: readonly { readonly name: string }[];
}

/** `node scripts/docs.ts --out <directory>`, until it prints the site's address. */
function serveDocs(outDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['scripts/docs.ts', '--out', outDir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pnpm docs printed no address within 180 s:\n${output}`)), 180_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const url = /Open:\s+(\S+)/u.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pnpm docs exited (${String(code)}):\n${output}`));
    });
  });
}

describe('the documentation site', () => {
  let workDir: string;
  let browser: Browser | undefined;
  let docs: { child: ChildProcess; url: string } | undefined;

  before(async () => {
    await ensureBuild();
    workDir = await mkdtemp(path.join(tmpdir(), 'omni-docs-'));
  });

  after(async () => {
    await browser?.close();
    if (docs && docs.child.exitCode === null) {
      const exited = new Promise((resolve) => docs?.child.once('exit', resolve));
      docs.child.kill('SIGINT');
      await exited;
    }
    await rm(workDir, { recursive: true, force: true });
  });

  test('builds (links, anchors, live examples and themes checked), with the API reference generated from the manifest', async () => {
    const out = path.join(workDir, 'built');
    await run(process.execPath, ['scripts/docs.ts', '--build', '--out', out], root);
    const manifest = JSON.parse(await readFile(path.join(root, 'packages/elements/custom-elements.json'), 'utf8')) as {
      modules: { declarations?: ManifestElement[] }[];
    };
    const elements = manifest.modules.flatMap((module) => module.declarations ?? []).filter((element) => element.tagName);
    assert.deepEqual(elements.map((element) => element.tagName).sort(), [
      'omni-chat',
      'omni-count',
      'omni-dm',
      'omni-moderation-queue',
      'omni-room',
    ]);
    const api = await readFile(path.join(out, 'api.html'), 'utf8');
    for (const element of elements) {
      const tag = element.tagName ?? '';
      const start = api.indexOf(`<section class="api-element" id="${tag}">`);
      assert.ok(start >= 0, `the API reference has no <${tag}>`);
      assert.ok(api.includes(`<a href="#${tag}">`), `the API reference's contents do not link <${tag}>`);
      const own = api.slice(start, api.indexOf('</section>', start));
      const expected = [
        ...(element.attributes ?? []).map((attribute) => `<code>${attribute.name}</code>`),
        ...(element.events ?? []).map((event) => `<code>${event.name}</code>`),
        ...(element.cssParts ?? []).map((part) => `<code>::part(${part.name})</code>`),
        ...(element.cssProperties ?? []).map((property) => `<code>${property.name}</code>`),
      ];
      for (const text of expected) assert.ok(own.includes(text), `the API reference's <${tag}> misses ${text}`);
    }
    assert.match(api, /<code>OmniModerationQueue<\/code>, exported by <code>@omnisocial\/chat\/moderation<\/code>/u);
    for (const page of ['index.html', 'examples.html', 'embedding.html', 'themes.html', 'screenshots/README.html', 'omni/omni-chat.js'])
      await readFile(path.join(out, page));
  });

  test('served with its homeserver: the live examples upgrade, a visitor reads the lobby, the themes reach their elements', async () => {
    docs = await serveDocs(path.join(workDir, 'served'));
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(new URL('examples.html', docs.url).href);
    const lobby = page.locator('.live-example omni-room').first();
    await lobby.getByRole('log').getByText('Welcome to the OmniSocial lobby!').waitFor({ timeout: 60_000 });
    const examples = await page.evaluate(() =>
      [...document.querySelectorAll('.live-example > *')].map((element) => ({
        tag: element.localName,
        defined: customElements.get(element.localName) !== undefined,
        shadow: element.shadowRoot !== null,
        homeserver: element.getAttribute('homeserver') ?? '',
      })),
    );
    assert.deepEqual(
      examples.map((example) => example.tag),
      ['omni-room', 'omni-chat', 'omni-dm', 'omni-room', 'omni-room'],
    );
    for (const example of examples) {
      assert.ok(example.defined && example.shadow, `<${example.tag}> did not upgrade`);
      assert.match(example.homeserver, /^http:\/\/127\.0\.0\.1:\d+$/u);
    }

    await page.goto(new URL('themes.html', docs.url).href);
    const surfaces = await page.evaluate(() =>
      [...document.querySelectorAll('.theme-pair omni-room')].map((element) =>
        getComputedStyle(element).getPropertyValue('--omni-color-surface').trim(),
      ),
    );
    // Paper, Midnight, Compact in file order (compact, midnight, paper), each light then dark.
    assert.deepEqual(surfaces, ['#ffffff', '#0b0f14', '#ffffff', '#13111c', '#fffdf8', '#1f1a14']);
    assert.deepEqual(errors, []);
  });
});
