/**
 * The set-up and checks the packed-package tests (test/node/pack.test.ts, pack-{vue,svelte,next,angular}.test.ts)
 * share: a site made from the packed tarballs beside a real Synapse, and what they check of a framework's app in
 * Chromium: signed in, its `<omni-room>` shows the room's message with the props the app gave it, and the app's own
 * handler receives `omni-unread-change` and shows the counts on the page.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { ensureBuild } from './build.ts';
import { launchChromium, serveStatic } from './chromium.ts';
import { packProject, run, toolVersion } from './packed-project.ts';

/** A framework's site made from the packed tarballs, a real Synapse with a room Bob wrote in, and Chromium. */
export interface FrameworkSite {
  readonly project: string;
  readonly hs: Homeserver;
  /** A member of the room, who signs in to the app. */
  readonly alice: Peer;
  readonly roomId: string;
  /** Bob's message in the room. */
  readonly message: string;
  readonly browser: Browser;
  /** `page` with the query the app reads: `?homeserver=…&room=…`. */
  appUrl(page: string): string;
  /** Serves `directory` (and `pages` at their paths) until `stop()`; resolves to the URL of a path there. */
  serve(directory: string, pages?: Readonly<Record<string, string>>): Promise<(path: string) => string>;
  stop(): Promise<void>;
}

/**
 * Packs the public packages into an empty project, writes the site's `files`, installs the tarballs with Vite,
 * TypeScript and the framework's `packages` from npm, and meanwhile starts Synapse with Bob's `message` in a public
 * room Alice joined. A file's name may hold folders (`app/page.tsx`).
 */
export async function frameworkSite(options: {
  readonly prefix: string;
  readonly files: Readonly<Record<string, string>>;
  readonly packages: readonly string[];
  readonly roomName: string;
  readonly message: string;
}): Promise<FrameworkSite> {
  const synapse = startSynapse();
  // A failed set-up stops the Synapse it started, so the test fails instead of hanging on it.
  const prepared = (async () => {
    await ensureBuild();
    const { project, tarballs } = await packProject(options.prefix);
    for (const [name, text] of Object.entries(options.files)) {
      await mkdir(path.dirname(path.join(project, name)), { recursive: true });
      await writeFile(path.join(project, name), text);
    }
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        ...tarballs,
        `vite@${toolVersion('vite')}`,
        `typescript@${toolVersion('typescript')}`,
        ...options.packages,
      ],
      project,
    );
    return project;
  })();
  const [started, built] = await Promise.allSettled([synapse, prepared]);
  if (started.status === 'rejected' || built.status === 'rejected') {
    if (started.status === 'fulfilled') await started.value.stop();
    throw started.status === 'rejected' ? started.reason : (built as PromiseRejectedResult).reason;
  }
  const hs = started.value;
  const project = built.value;
  const bob = await hs.registerUser({ displayName: 'Bob' });
  const alice = await hs.registerUser({ displayName: 'Alice' });
  const { roomId } = await bob.createRoom({ name: options.roomName, preset: 'public_chat' });
  await alice.joinRoom(roomId);
  await bob.sendMessage(roomId, options.message);
  const browser = await launchChromium();
  const served: Awaited<ReturnType<typeof serveStatic>>[] = [];
  return {
    project,
    hs,
    alice,
    roomId,
    message: options.message,
    browser,
    appUrl: (page) => `${page}?homeserver=${encodeURIComponent(hs.baseUrl)}&room=${encodeURIComponent(roomId)}`,
    async serve(directory, pages) {
      const site = await serveStatic(directory, pages);
      served.push(site);
      return site.url;
    },
    async stop() {
      for (const site of served) await site.close();
      await browser.close();
      await hs.stop();
      await rm(project, { recursive: true, force: true });
    },
  };
}

/**
 * Builds the site's app with its own Vite and serves the project with a page `/<name>.html` that loads
 * `dist/<name>-app.js`; resolves to that page's URL with the app's query.
 */
export async function viteApp(site: FrameworkSite, name: string): Promise<string> {
  await run(path.join(site.project, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], site.project);
  const url = await site.serve(site.project, {
    [`/${name}.html`]: `<!doctype html><html lang="en"><link rel="icon" href="data:,"><div id="app"></div><script type="module" src="/dist/${name}-app.js"></script>`,
  });
  return site.appUrl(url(`/${name}.html`));
}

/** The framework's entry of `@omnisocial/chat` (`./vue`, `./svelte`) as npm installed it: declarations only. */
export async function assertDeclarationsOnly(site: FrameworkSite, entry: string): Promise<void> {
  const installed = path.join(site.project, 'node_modules/@omnisocial/chat');
  const manifest = JSON.parse(await readFile(path.join(installed, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  assert.deepEqual(manifest.exports[`./${entry}`], { types: `./dist/types/${entry}.d.ts` });
  await readFile(path.join(installed, `dist/types/${entry}.d.ts`), 'utf8');
}

export interface FrameworkApp {
  /** The app's page, with `?homeserver=…&room=…` for it to read (`FrameworkSite.appUrl`). */
  readonly url: string;
  /** The framework's name, as the app prints it: `Unread counts received by <framework>: …`. */
  readonly framework: string;
  /** The prefix of the framework's own console warnings (an element it failed to treat as one). */
  readonly warning: string;
}

/** The app's window: its bundle gives the page the package's `signIn`. */
interface AppWindow {
  omniChat: { signIn(options: object): Promise<unknown> };
}

/**
 * What tells that the engine did not run in its worker on `page`, collected from now on: the main thread's
 * fallback note, the package's own errors (they name it) and uncaught errors.
 */
export function engineNotes(page: Page): string[] {
  const notes: string[] = [];
  page.on('pageerror', (error) => notes.push(error.message));
  page.on('console', (message) => {
    if (message.text().includes('[omni] the chat engine') || message.text().includes('OmniSocial')) notes.push(message.text());
  });
  return notes;
}

export async function checkFrameworkApp(site: FrameworkSite, app: FrameworkApp): Promise<void> {
  const { hs, alice: member, roomId } = site;
  const context = await site.browser.newContext();
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      // The package's own errors and the framework's warnings. js-sdk's probes of endpoints Synapse refuses show on
      // the console too, and are not the page's concern.
      const text = message.text();
      if (text.includes(app.warning) || (message.type() === 'error' && text.includes('OmniSocial'))) errors.push(text);
    });
    await page.goto(app.url);
    await page.waitForFunction(() => 'omniChat' in window);
    // The framework has rendered the app and no count has reached it yet. Once the member is signed in, the room's
    // first snapshot may report its count (0) before the sign-in's promise settles here, so this is read before.
    await page.getByText(`Unread counts received by ${app.framework}: none`).waitFor();
    await page.evaluate(
      async ([homeserver, username, password]) => {
        await (window as unknown as AppWindow).omniChat.signIn({ homeserver, username, password });
      },
      [hs.baseUrl, member.username, member.password] as const,
    );
    await page.locator('omni-room').getByRole('log').getByText(site.message).waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('omni-room').getAttribute('theme'), 'dark', 'the theme reached the element');
    assert.equal(await page.locator('omni-room').evaluate((room) => (room as HTMLElement & { room: string }).room), roomId);
    await member.sendMessage(roomId, 'one more from Alice');
    const bob = await hs.registerUser({ displayName: 'Bob again' });
    await bob.joinRoom(roomId);
    await bob.sendMessage(roomId, 'and one from Bob');
    await page.getByText(new RegExp(`^Unread counts received by ${app.framework}: \\d`)).waitFor({ timeout: 30_000 });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
}
