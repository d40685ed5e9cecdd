/**
 * `pnpm build` (unless dist/ is current: other test files read it at the same time, so it is never rebuilt
 * under them), then what it built: the loader's size budget, the crypto wasm as its own file, and the
 * self-contained `omni-chat.js` on a plain static server in Chromium against a real Synapse (no bundler,
 * no import map): an element far below the fold costs no homeserver request and no engine chunk;
 * scrolling to it loads the engine and shows the room.
 */
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { launchChromium, serveStatic } from '../support/chromium.ts';
import {
  dist,
  ENGINE_KEY,
  findLoaderKey,
  gzipSize,
  readManifest,
  ensureBuild,
  staticClosure as closureOf,
  type Manifest,
} from '../support/build.ts';
import { firstMessageFiles } from '../support/first-message.ts';
import { ENGINE_BUDGET, FIRST_MESSAGE_BUDGET, LOADER_BUDGET, LOCALE_BUDGET } from './budgets.ts';

/** How long the page is watched for requests it must not make (a window with no event to wait for). */
const NOTHING_MORE_WINDOW_MS = 1_500;

const packageDir = path.dirname(dist);

let manifest: Manifest;
let buildSeconds: number | undefined;

const staticClosure = (key: string): Set<string> => closureOf(manifest, key);
const files = (keys: Iterable<string>): string[] => [...keys].map((key) => manifest[key]?.file ?? key);

/**
 * What the page fetches to run the engine once the loader runs: the engine chunk and the chunks it imports
 * statically, less those the loader holds already (the bundler may split matrix-js-sdk into a chunk of its own).
 */
function engineKeys(): string[] {
  assert.ok(manifest[ENGINE_KEY], 'no engine chunk in the build');
  const loader = staticClosure(entryKey());
  return [...staticClosure(ENGINE_KEY)].filter((key) => !loader.has(key));
}
const engineGzipBytes = async (): Promise<number> => (await Promise.all(files(engineKeys()).map(gzipSize))).reduce((a, b) => a + b, 0);
const entryKey = (): string => {
  const key = findLoaderKey(manifest);
  assert.ok(key, 'omni-chat.js is not an entry of the build');
  return key;
};

async function jsFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.js')).map((e) => path.join(e.parentPath, e.name));
}

before(async () => {
  buildSeconds = await ensureBuild();
  manifest = await readManifest();
});

describe('the build', () => {
  test('each locale module stays within its budget, and the loader imports none of them statically', async (t) => {
    const locales = Object.keys(manifest).filter((key) => /^packages\/elements\/src\/locales\/(?!locale-codes)[a-z-]+\.ts$/.test(key));
    assert.deepEqual(locales.length, 5, `locale modules in the build: ${locales.join(', ')}`);
    const loader = staticClosure(entryKey());
    for (const key of locales) {
      const bytes = await gzipSize(manifest[key]?.file ?? key);
      t.diagnostic(`${key}: ${bytes} B gzip`);
      assert.ok(bytes <= LOCALE_BUDGET, `${key} weighs ${bytes} B gzip, over the ${LOCALE_BUDGET} B budget`);
      assert.ok(!loader.has(key), `${key} is imported statically by the loader`);
    }
  });

  test('the loader (omni-chat.js and what it imports statically) stays within 8 KB gzip', async (t) => {
    const loader = files(staticClosure(entryKey()));
    const sizes = await Promise.all(loader.map(gzipSize));
    const total = sizes.reduce((a, b) => a + b, 0);
    const engine = manifest[ENGINE_KEY];
    assert.ok(engine, 'no engine chunk in the build');
    t.diagnostic(buildSeconds === undefined ? 'build: dist/ was current' : `build: ${buildSeconds.toFixed(1)} s`);
    t.diagnostic(`loader: ${total} B gzip (${loader.map((f, i) => `${f} ${sizes[i]}`).join(', ')})`);
    t.diagnostic(`engine chunk: ${await engineGzipBytes()} B gzip (${files(engineKeys()).join(', ')})`);
    assert.ok(total <= LOADER_BUDGET, `the loader weighs ${total} B gzip, over the ${LOADER_BUDGET} B budget: ${loader.join(', ')}`);
    for (const heavy of ['packages/core/src/session/engine.ts', 'packages/elements/src/views.ts']) {
      assert.ok(!staticClosure(entryKey()).has(heavy), `${heavy} is imported statically by the loader`);
    }
  });

  test(`the engine chunk stays within its ${String(ENGINE_BUDGET)} B gzip budget (docs/development.md, Benchmarks)`, async () => {
    const size = await engineGzipBytes();
    assert.ok(
      size <= ENGINE_BUDGET,
      `the engine chunk (${files(engineKeys()).join(', ')}) weighs ${String(size)} B gzip, over its ${String(ENGINE_BUDGET)} B budget`,
    );
  });

  test(`what loads before an <omni-room>'s first message stays within ${String(FIRST_MESSAGE_BUDGET)} B uncompressed`, async (t) => {
    const files = await firstMessageFiles(manifest);
    const total = files.reduce((sum, f) => sum + f.bytes, 0);
    t.diagnostic(`before the first message: ${String(total)} B (${String(files.reduce((sum, f) => sum + f.gzipBytes, 0))} B gzip)`);
    assert.ok(
      total <= FIRST_MESSAGE_BUDGET,
      `${String(total)} B before the first message, over the ${String(FIRST_MESSAGE_BUDGET)} B budget: ${files.map((f) => `${f.file} ${String(f.bytes)}`).join(', ')}`,
    );
  });

  test('the crypto wasm is a separate file, never inlined into a chunk', async () => {
    const wasm = Object.values(manifest).filter((chunk) => chunk.file.endsWith('.wasm'));
    assert.equal(wasm.length, 1, 'one wasm file');
    const bytes = await readFile(path.join(dist, wasm[0]?.file ?? ''));
    assert.ok(bytes.length > 1_000_000, `the wasm is ${bytes.length} B`);
    assert.deepEqual([...bytes.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'the wasm file starts with the wasm magic');
    const referencing: string[] = [];
    for (const file of [...(await jsFiles(dist))]) {
      const code = await readFile(file, 'utf8');
      // "AGFzbQ" is base64 for the wasm magic "\0asm".
      assert.ok(!code.includes('AGFzbQ') && !code.includes('data:application/wasm'), `${path.relative(dist, file)} inlines wasm`);
      if (code.includes(path.basename(wasm[0]?.file ?? ''))) referencing.push(path.relative(dist, file));
    }
    assert.ok(referencing.length > 0, 'no chunk loads the wasm file');
  });

  test('the package build for bundlers leaves Lit to the bundler and has no wasm inlined either', async () => {
    const index = await readFile(path.join(dist, 'lib/index.js'), 'utf8');
    assert.match(index, /customElements\.define/);
    const chunks = await jsFiles(path.join(dist, 'lib'));
    const code = (await Promise.all(chunks.map((f) => readFile(f, 'utf8')))).join('\n');
    assert.match(code, /from ["']lit["']/);
    assert.ok(!code.includes('AGFzbQ'), 'wasm inlined in the package build');
  });
});

describe('omni-chat.js from a plain <script type="module"> against a real Synapse', () => {
  let hs: Homeserver;
  let alice: Peer;
  let roomId: string;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serveStatic>>;
  /** A page whose room is in view at once. */
  const nearPage = (): Record<string, string> => ({
    '/near.html': `<!doctype html>
      <omni-room homeserver="${hs.baseUrl}" room="${roomId}"></omni-room>
      <script type="module" src="/dist/omni-chat.js"></script>`,
  });

  before(async () => {
    hs = await startSynapse();
    const bob = await hs.registerUser({ displayName: 'Bob' });
    alice = await hs.registerUser({ displayName: 'Alice' });
    ({ roomId } = await bob.createRoom({ name: 'Built lobby', preset: 'public_chat' }));
    await alice.joinRoom(roomId);
    await bob.sendMessage(roomId, 'hello from the built bundle');
    const attributes = `homeserver="${hs.baseUrl}" room="${roomId}"`;
    site = await serveStatic(packageDir, {
      '/sign-in.html': '<!doctype html><script type="module" src="/dist/omni-chat.js"></script>',
      '/far.html': `<!doctype html>
        <meta name="viewport" content="width=device-width">
        <h1>A long article</h1>
        <div style="block-size: 600vh"></div>
        <omni-room ${attributes} message-count="1"></omni-room>
        <script type="module" src="/dist/omni-chat.js"></script>`,
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser.close();
    await site.close();
    await hs.stop();
  });

  test('far below the fold: no homeserver request, no engine; scrolled into view: the room', async () => {
    const context = await browser.newContext();
    // A stored session, as a returning member has: signed in through the package's own signIn().
    const signInPage = await context.newPage();
    await signInPage.goto(site.url('/sign-in.html'));
    await signInPage.evaluate(
      async ([homeserver, username, password]) => {
        const omni = (await import(`${location.origin}/dist/omni-chat.js`)) as {
          signIn(options: object): Promise<unknown>;
          signOut(): Promise<void>;
        };
        await omni.signIn({ homeserver, username, password });
      },
      [hs.baseUrl, alice.username, alice.password] as const,
    );
    await signInPage.close();

    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(site.url('/far.html'));
    await page.waitForFunction(() => customElements.get('omni-room') !== undefined);
    const facade = await page.evaluate(() => document.querySelector('omni-room')?.shadowRoot?.textContent ?? '');
    assert.match(facade, /Join the discussion/);
    // Long enough for the IntersectionObserver to have answered and anything it started to be on the wire.
    await page.waitForTimeout(NOTHING_MORE_WINDOW_MS);

    const loaderFiles = new Set(files(staticClosure(entryKey())).map((f) => site.url(`/dist/${f}`)));
    const engineFile = manifest[ENGINE_KEY]?.file ?? '';
    assert.deepEqual(
      requested.filter((url) => url.startsWith(hs.baseUrl)),
      [],
      'homeserver requests before the element is near the viewport',
    );
    assert.deepEqual(
      requested.filter((url) => url.includes('/dist/') && !loaderFiles.has(url)),
      [],
      'chunks beyond the loader fetched before the element is near the viewport',
    );

    await page.evaluate(() => document.querySelector('omni-room')?.scrollIntoView());
    await page.waitForFunction(
      () =>
        [...(document.querySelector('omni-room')?.shadowRoot?.querySelectorAll('[role="log"] article') ?? [])].some((article) =>
          article.textContent.includes('hello from the built bundle'),
        ),
      undefined,
      { timeout: 30_000 },
    );
    // A member's plain room is painted by its light read first; the engine chunk is requested once it has painted.
    const engineRequested = (): boolean => requested.some((url) => url.endsWith(`/dist/${engineFile}`));
    for (const until = Date.now() + 30_000; !engineRequested() && Date.now() < until;) await page.waitForTimeout(100);
    assert.ok(engineRequested(), 'the engine chunk came from dist/, relative to omni-chat.js');
    assert.ok(
      requested.some((url) => url.startsWith(hs.baseUrl)),
      'the room came from the homeserver',
    );
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the views chunk's own imports are requested while it still downloads, not one level after another", async () => {
    const viewsKey = 'packages/elements/src/views.ts';
    const views = manifest[viewsKey]?.file ?? '';
    assert.ok(views, 'no views chunk');
    const loader = staticClosure(entryKey());
    const needed = files([...staticClosure(viewsKey)].filter((key) => key !== viewsKey && !loader.has(key)));
    assert.ok(needed.length > 0, 'the views chunk imports nothing of its own');
    const near = await serveStatic(packageDir, nearPage());
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const requested = new Set<string>();
      page.on('request', (request) => requested.add(new URL(request.url()).pathname.replace(/^\/dist\//, '')));
      const missing = (): string[] => needed.filter((file) => !requested.has(file));
      // The views chunk is held until everything it imports has been asked for (or 10 s): without the preload, the
      // browser learns of those imports only from the chunk itself.
      await page.route(`**/dist/${views}`, async (route) => {
        for (const until = Date.now() + 10_000; missing().length > 0 && Date.now() < until;)
          await new Promise((resolve) => setTimeout(resolve, 20));
        await route.continue();
      });
      const missingWhileHeld = new Promise<string[]>((resolve) => {
        page.on('requestfinished', (request) => {
          if (request.url().endsWith(`/dist/${views}`)) resolve(missing());
        });
      });
      await page.goto(near.url('/near.html'));
      assert.deepEqual(await missingWhileHeld, [], 'imports of the views chunk requested only after it arrived');
      await page.waitForFunction(() => document.querySelector('omni-room')?.shadowRoot?.querySelector('omni-room-view') !== null);
    } finally {
      await context.close();
      await near.close();
    }
  });

  test('a site that fails to serve the views chunk: the facade says so, fires omni-error, does not retry in a loop, and Try again loads it', async () => {
    const copy = await mkdtemp(path.join(tmpdir(), 'omni-dist-'));
    await cp(dist, path.join(copy, 'dist'), { recursive: true });
    const views = manifest['packages/elements/src/views.ts']?.file ?? '';
    assert.ok(views, 'no views chunk');
    await rm(path.join(copy, 'dist', views));
    const broken = await serveStatic(copy, nearPage());
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const requested: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      await page.addInitScript(() => {
        const seen: string[] = [];
        (window as unknown as { omniErrors: string[] }).omniErrors = seen;
        addEventListener('omni-error', (event) => seen.push((event as Event & { error: { code: string } }).error.code), true);
      });
      await page.goto(broken.url('/near.html'));
      await page.waitForFunction(
        () => document.querySelector('omni-room')?.shadowRoot?.textContent.includes('The chat could not be loaded.') ?? false,
        undefined,
        { timeout: 20_000 },
      );
      assert.equal(await page.getByRole('button', { name: 'Try again' }).count(), 1);
      assert.deepEqual(await page.evaluate(() => (window as unknown as { omniErrors: string[] }).omniErrors), ['network']);
      // Long enough for a retry loop to have fetched the chunk again.
      await page.waitForTimeout(NOTHING_MORE_WINDOW_MS);
      const attempts = requested.filter((url) => url.endsWith(views)).length;
      assert.equal(attempts, 1, `the views chunk was requested ${attempts} times without the member asking`);
      assert.deepEqual(
        requested.filter((url) => url.startsWith(hs.baseUrl)),
        [],
      );

      // The site fixes its server; the member presses "Try again".
      await cp(path.join(dist, views), path.join(copy, 'dist', views));
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.waitForFunction(
        () => document.querySelector('omni-room')?.shadowRoot?.querySelector('omni-room-view') !== null,
        undefined,
        {
          timeout: 20_000,
        },
      );
    } finally {
      await context.close();
      await broken.close();
      await rm(copy, { recursive: true, force: true });
    }
  });
});
