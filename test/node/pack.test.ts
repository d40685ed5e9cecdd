/**
 * The packages as npm ships them, used the way a site uses them, with no workspace around: `pnpm pack` of
 * @omnisocial/chat, @omnisocial/core and @omnisocial/server, `npm install` of the tarballs (their dependencies from
 * the npm registry) in an empty project in the system's temporary directory, then:
 * - `tsc` of a site's code against the shipped declarations (typed element properties, events and the JS API);
 * - importing both entries in Node (no `window`, no `HTMLElement`), as a server-side renderer does;
 * - a Vite build of the site's bundle, and a page rendered to a string in Node carrying `<omni-room>`, loaded in
 *   Chromium against a real Synapse: the element upgrades and shows the room's message;
 * - the same page with the script-tag build added (two copies of the package): one clear console error, and the
 *   second copy's sign-in reaches the first copy's elements (one engine, not two).
 */
import { spawnSync } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Homeserver, Peer } from '@omnisocial/testing';
import { serveStatic } from '../support/chromium.ts';
import { engineNotes, frameworkSite, type FrameworkSite } from '../support/framework-app.ts';
import { run } from '../support/packed-project.ts';
import { MAIN_TS, REACT_APP_TS, RENDER_MJS, TSCONFIG, TYPED_REACT_TS, TYPED_TS, VITE_CONFIG } from '../support/packed-site.ts';

const MESSAGE = 'hello from the packed tarballs';
const REACT_VERSION = '19.3.1';
const REACT_TYPES_VERSION = '19.3.0';

/** The page's `window.omniChat` (the site's bundle exposes the package's entry). */
interface SiteWindow {
  omniChat: { signIn(options: object): Promise<unknown>; OmniRoom: CustomElementConstructor };
}

const articleShows = (page: Page, text: string): Promise<unknown> =>
  page.waitForFunction(
    (expected) =>
      [...(document.querySelector('omni-room')?.shadowRoot?.querySelectorAll('[role="log"] article') ?? [])].some((article) =>
        article.textContent.includes(expected),
      ),
    text,
    { timeout: 60_000 },
  );

describe('the packed packages in a project of their own', () => {
  let fixture: FrameworkSite;
  let project: string;
  let hs: Homeserver;
  let alice: Peer;
  let roomId: string;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serveStatic>>;
  let render: (scripts: readonly string[]) => Promise<string>;

  before(async () => {
    fixture = await frameworkSite({
      prefix: 'omni-pack-',
      files: {
        'package.json': JSON.stringify({ name: 'a-site', private: true, type: 'module' }),
        'main.ts': MAIN_TS,
        'typed.ts': TYPED_TS,
        'tsconfig.json': JSON.stringify(TSCONFIG),
        'vite.config.mjs': VITE_CONFIG,
        'render.mjs': RENDER_MJS,
        'react-app.ts': REACT_APP_TS,
        'typed-react.ts': TYPED_REACT_TS,
      },
      packages: [
        `react@${REACT_VERSION}`,
        `react-dom@${REACT_VERSION}`,
        `@types/react@${REACT_TYPES_VERSION}`,
        `@types/react-dom@${REACT_TYPES_VERSION}`,
      ],
      roomName: 'Packed lobby',
      message: MESSAGE,
    });
    ({ project, hs, alice, roomId, browser } = fixture);
    render = async (scripts) => (await run('node', ['render.mjs', hs.baseUrl, roomId, scripts.join(',')], project)).stdout;
  });

  after(async () => {
    await site.close();
    await fixture.stop();
  });

  /** Alice signs in on the site's sign-in page; the other pages of `context` share her session. */
  async function signInAlice(context: BrowserContext): Promise<void> {
    const signInPage = await context.newPage();
    await signInPage.goto(site.url('/sign-in.html'));
    await signInPage.waitForFunction(() => 'omniChat' in window);
    await signInPage.evaluate(
      async ([homeserver, username, password]) => {
        await (window as unknown as SiteWindow).omniChat.signIn({ homeserver, username, password });
      },
      [hs.baseUrl, alice.username, alice.password] as const,
    );
    await signInPage.close();
  }

  test('installed without the workspace: no workspace or TypeScript source in what npm installed', async () => {
    const installed = JSON.parse(await readFile(path.join(project, 'node_modules/@omnisocial/chat/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      private?: boolean;
      license?: string;
      customElements?: string;
    };
    assert.equal(installed.private, undefined);
    assert.equal(installed.license, 'Apache-2.0');
    assert.equal(installed.customElements, 'custom-elements.json');
    assert.ok(
      Object.values(installed.dependencies).every((range) => !range.startsWith('workspace:')),
      JSON.stringify(installed.dependencies),
    );
    const manifest = JSON.parse(await readFile(path.join(project, 'node_modules/@omnisocial/chat/custom-elements.json'), 'utf8')) as {
      modules: Array<{ declarations?: Array<{ tagName?: string }> }>;
    };
    assert.deepEqual(
      manifest.modules.flatMap((m) => m.declarations ?? []).map((d) => d.tagName),
      ['omni-room', 'omni-chat', 'omni-dm', 'omni-count', 'omni-moderation-queue'],
    );
    for (const file of ['dist/types/index.d.ts', 'dist/lib/index.js', 'dist/omni-chat.js', 'LICENSE', 'CHANGELOG.md']) {
      await stat(path.join(project, 'node_modules/@omnisocial/chat', file));
    }
    await assert.rejects(stat(path.join(project, 'node_modules/@omnisocial/chat/src')), 'the sources are not shipped');
  });

  test('the site type-checks against the shipped declarations (typed properties, events and sign-in)', async () => {
    await run(path.join(project, 'node_modules/.bin/tsc'), ['-p', '.'], project);
  });

  test('the companion runs from its tarball: its JavaScript imports in Node and its command answers', async () => {
    await run(
      'node',
      ['-e', "const m = await import('@omnisocial/server'); if (typeof m.postRoomAlias !== 'function') process.exit(1);"],
      project,
    );
    await run('node', ['-e', "await import('@omnisocial/core'); await import('@omnisocial/core/posts');"], project);
    // Without its configuration the command runs and says what it needs (exit 2), rather than failing to load.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OMNI_')));
    const companion = spawnSync(path.join(project, 'node_modules/.bin/omni-companion'), [], { cwd: project, env, encoding: 'utf8' });
    assert.equal(companion.status, 2, `${companion.stdout}${companion.stderr}`);
    assert.match(companion.stderr, /^omni-companion: The companion needs /);
  });

  test('importing either entry in Node (server-side rendering) does not throw and defines nothing', async () => {
    await run('node', ['-e', "await import('@omnisocial/chat'); await import('@omnisocial/chat/omni-chat.js');"], project);
    const html = await render(['/dist/main.js']);
    assert.match(html, /<omni-room homeserver="[^"]+" room="![^"]+" loading="eager"><\/omni-room>/);
  });

  test("a server-rendered page with the site's Vite bundle, in Chromium: <omni-room> upgrades and shows the message", async () => {
    await run(path.join(project, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], project);
    const pages = {
      '/sign-in.html': '<!doctype html><link rel="icon" href="data:,"><script type="module" src="/dist/main.js"></script>',
      '/ssr.html': await render(['/dist/main.js']),
      '/react.html':
        '<!doctype html><link rel="icon" href="data:,"><div id="app"></div><script type="module" src="/dist/react-app.js"></script>',
      '/two-copies.html': await render(['/dist/main.js', '/node_modules/@omnisocial/chat/dist/omni-chat.js']),
      '/ssr-worker.html': (await render(['/dist/main.js'])).replace(
        '<meta name="viewport"',
        '<meta name="omni-chat-engine" content="worker">\n<meta name="viewport"',
      ),
    };
    site = await serveStatic(project, pages);
    const context = await browser.newContext();
    try {
      await signInAlice(context);

      const page = await context.newPage();
      const errors: string[] = [];
      // Uncaught errors and the package's own console errors (js-sdk's probes of unstable endpoints that Synapse
      // answers 404 show on the console too, and are not the page's concern).
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error' && message.text().includes('OmniSocial')) errors.push(message.text());
      });
      await page.goto(site.url('/ssr.html'));
      await articleShows(page, MESSAGE);
      assert.ok(await page.evaluate(() => customElements.get('omni-room') === (window as unknown as SiteWindow).omniChat.OmniRoom));
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test("the engine in a worker with the site's Vite bundle: Vite built the worker, and the room shows through it", async () => {
    // Vite's default worker format (IIFE, the site's config sets none) holds the worker and its engine in one file.
    const built = await readdir(path.join(project, 'dist/assets'));
    const workerFile = built.find((name) => /^entry-.+\.js$/.test(name));
    assert.ok(workerFile, `no worker among ${built.join(', ')}`);
    const context = await browser.newContext();
    try {
      await signInAlice(context);
      const page = await context.newPage();
      const notes = engineNotes(page);
      const started = page.waitForEvent('worker', { timeout: 60_000 });
      await page.goto(site.url('/ssr-worker.html'));
      const worker = await started;
      assert.equal(new URL(worker.url()).pathname, `/dist/assets/${workerFile}`);
      await articleShows(page, MESSAGE);
      assert.deepEqual(
        page.workers().map((each) => each.url()),
        [worker.url()],
      );
      // No fallback to the main thread (its console note), no uncaught error.
      assert.deepEqual(notes, []);
    } finally {
      await context.close();
    }
  });

  test("two copies on one page: a clear console error, and the second copy's sign-in drives the first copy's elements", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await page.goto(site.url('/two-copies.html'));
      await page.waitForFunction(() => customElements.get('omni-room') !== undefined);
      // The second copy (the script tag) is a module script too: wait until it has run.
      const scriptTag = site.url('/node_modules/@omnisocial/chat/dist/omni-chat.js');
      await page.evaluate(async (url) => {
        await import(url);
      }, scriptTag);
      const loadedTwice = errors.filter((text) => text.includes('OmniSocial Chat is loaded twice on this page'));
      assert.equal(loadedTwice.length, 1, errors.join('\n'));
      assert.match(loadedTwice[0] ?? '', /omni-chat\.js/);
      assert.ok(
        await page.evaluate(() => customElements.get('omni-room') === (window as unknown as SiteWindow).omniChat.OmniRoom),
        'the first copy defines the elements',
      );

      // Not signed in yet (a fresh context): the room offers the sign-in form. Signing in through the second copy
      // must reach the first copy's element, which only happens when both share one session registry.
      await page.getByRole('button', { name: 'Sign in' }).first().waitFor({ timeout: 60_000 });
      await page.evaluate(
        async ([url, homeserver, username, password]) => {
          const second = (await import(url)) as { signIn(options: object): Promise<unknown> };
          await second.signIn({ homeserver, username, password });
        },
        [scriptTag, hs.baseUrl, alice.username, alice.password] as const,
      );
      await articleShows(page, MESSAGE);
    } finally {
      await context.close();
    }
  });

  test('a React 19 app built from the tarballs: <OmniRoom> shows the room, its props reach the element, onOmniUnreadChange receives events', async () => {
    const wrapper = await readFile(path.join(project, 'node_modules/@omnisocial/react/dist/index.js'));
    assert.ok(gzipSync(wrapper, { level: 9 }).length <= 1024, 'the React wrapper weighs more than 1 KB gzip');
    const context = await browser.newContext();
    try {
      await signInAlice(context);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(site.url(`/react.html?homeserver=${encodeURIComponent(hs.baseUrl)}&room=${encodeURIComponent(roomId)}`));
      await page.locator('omni-room').scrollIntoViewIfNeeded();
      await articleShows(page, MESSAGE);
      assert.equal(await page.locator('omni-room').getAttribute('theme'), 'dark', 'the theme prop reached the element');
      await alice.sendMessage(roomId, 'one more from Alice');
      const bob = await hs.registerUser({ displayName: 'Bob again' });
      await bob.joinRoom(roomId);
      await bob.sendMessage(roomId, 'and one from Bob');
      await page.waitForFunction(() => (window as unknown as { unread: number[] }).unread.length > 0, undefined, { timeout: 30_000 });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
