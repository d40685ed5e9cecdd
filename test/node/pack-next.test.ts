/**
 * A Next.js (App Router) site built from the packed tarballs, with no workspace around: npm installs the tarballs
 * with next, react and react-dom in an empty project, then
 * - `next build` succeeds: the server imports `@omnisocial/react` and `@omnisocial/chat` with no `window`;
 * - `next start` serves the page, whose HTML (rendered on the server by `<OmniRoom>`) already holds the room's facade
 *   in a declarative shadow root;
 * - Chromium loads it against a real Synapse: no layout shift from first paint to the upgraded element's view, and a
 *   member who signs in sees the room's messages while the app's `onOmniUnreadChange` receives the counts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFrameworkApp, engineNotes, frameworkSite, type FrameworkSite } from '../support/framework-app.ts';
import { run } from '../support/packed-project.ts';
import {
  LAYOUT_SHIFT_OBSERVER,
  NEXT_CHAT_TSX,
  NEXT_CONFIG,
  NEXT_LAYOUT_TSX,
  NEXT_PAGE_TSX,
  NEXT_TSCONFIG,
  NEXT_WORKER_PAGE_TSX,
} from '../support/packed-next-site.ts';

const MESSAGE = 'hello from a Next.js site';
/** The current Next.js on the npm registry when this test was written, and the React it runs with. */
const NEXT_VERSION = '16.5.0';
const REACT_VERSION = '19.3.1';
const REACT_TYPES_VERSION = '19.3.0';

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** `next start` on a free loopback port; resolves once it answers. */
async function nextStart(project: string): Promise<{ origin: string; server: ChildProcess }> {
  const port = await freePort();
  const server = spawn(path.join(project, 'node_modules/.bin/next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: project,
    env,
    stdio: 'ignore',
  });
  const origin = `http://127.0.0.1:${String(port)}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`next start exited (${String(server.exitCode)})`);
    const answered = await fetch(origin).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return { origin, server };
    if (Date.now() > deadline) throw new Error('next start did not answer within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('a Next.js App Router site built from the packed packages', () => {
  let fixture: FrameworkSite;
  let served: { origin: string; server: ChildProcess } | undefined;
  let pageUrl: string;

  before(async () => {
    fixture = await frameworkSite({
      prefix: 'omni-pack-next-',
      files: {
        'package.json': JSON.stringify({ name: 'a-next-site', private: true }),
        'next.config.mjs': NEXT_CONFIG,
        'tsconfig.json': JSON.stringify(NEXT_TSCONFIG),
        'app/layout.tsx': NEXT_LAYOUT_TSX,
        'app/page.tsx': NEXT_PAGE_TSX,
        'app/chat.tsx': NEXT_CHAT_TSX,
        'app/worker/page.tsx': NEXT_WORKER_PAGE_TSX,
      },
      packages: [
        `next@${NEXT_VERSION}`,
        `react@${REACT_VERSION}`,
        `react-dom@${REACT_VERSION}`,
        `@types/react@${REACT_TYPES_VERSION}`,
        `@types/react-dom@${REACT_TYPES_VERSION}`,
        '@types/node@22',
      ],
      roomName: 'Next.js lobby',
      message: MESSAGE,
    });
    // Type-checks the app against the shipped declarations and builds it; the server imports the packages here.
    await run(path.join(fixture.project, 'node_modules/.bin/next'), ['build'], fixture.project, env);
    served = await nextStart(fixture.project);
    pageUrl = fixture.appUrl(`${served.origin}/`);
  });

  after(async () => {
    served?.server.kill();
    await fixture.stop();
  });

  test("the server's HTML holds <omni-room> with its attributes and its facade as a declarative shadow root", async () => {
    const html = await (await fetch(pageUrl)).text();
    const element = /<omni-room[^>]*>[\s\S]*?<\/omni-room>/u.exec(html)?.[0] ?? '';
    assert.match(element, /^<omni-room [^>]*room="![^"]+"/u, html);
    assert.match(element, /theme="dark"/u);
    assert.match(element, /<template shadowrootmode="open" shadowrootdelegatesfocus="">/u);
    assert.match(element, /part="facade-title">![^<]+<\/p>/u);
    assert.match(element, /Join the discussion<\/button>/u);
  });

  test('no layout shift from first paint to the upgraded element showing its room', async () => {
    const context = await fixture.browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      await context.addInitScript({ content: LAYOUT_SHIFT_OBSERVER });
      const page = await context.newPage();
      await page.goto(pageUrl);
      // Upgraded and mounted: the room's view, inside the same shadow root the server's HTML declared.
      await page.waitForFunction(() => document.querySelector('omni-room')?.shadowRoot?.querySelector('.omni-view'), undefined, {
        timeout: 60_000,
      });
      await page.evaluate(() => document.querySelector('omni-room')?.updateComplete);
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
      const shift = await page.evaluate(() => (window as unknown as { __layoutShift: { total: number; sources: string[] } }).__layoutShift);
      assert.deepEqual(shift, { total: 0, sources: [] });
    } finally {
      await context.close();
    }
  });

  test('in Chromium, a member sees the messages and the app receives omni-unread-change', async () => {
    await checkFrameworkApp(fixture, {
      url: pageUrl,
      framework: 'Next.js',
      // React's hydration errors (a server's HTML the client did not expect), minified in a production build.
      warning: 'Minified React error',
    });
  });

  test("with the engine in a worker: Turbopack built the worker, and the member's room shows through it", async () => {
    const { hs, alice } = fixture;
    const context = await fixture.browser.newContext();
    try {
      const page = await context.newPage();
      const notes = engineNotes(page);
      const started = page.waitForEvent('worker', { timeout: 60_000 });
      await page.goto(fixture.appUrl(`${served?.origin ?? ''}/worker`));
      assert.equal(await page.locator('head meta[name="omni-chat-engine"]').getAttribute('content'), 'worker');
      await page.waitForFunction(() => 'omniChat' in window);
      await page.evaluate(
        async ([homeserver, username, password]) => {
          await (window as unknown as { omniChat: { signIn(options: object): Promise<unknown> } }).omniChat.signIn({
            homeserver,
            username,
            password,
          });
        },
        [hs.baseUrl, alice.username, alice.password] as const,
      );
      const worker = await started;
      assert.match(new URL(worker.url()).pathname, /^\/_next\/static\//u);
      await page.locator('omni-room').getByRole('log').getByText(MESSAGE).waitFor({ timeout: 60_000 });
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
});
