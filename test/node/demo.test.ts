/**
 * The demo is the main job: `pnpm demo`, run as a person or a script runs it (here without a
 * terminal), must bring up a page where two seeded members chat through <omni-room>, whose header
 * says who is signed in, that fits a phone, and that a signal to `pnpm demo` stops, Synapse with it.
 * The site's companion runs beside Synapse: it owns the posts' rooms and signs the members in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { postRoomAlias } from '@omnisocial/server';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let demo: ChildProcess;
let output = '';
let pageUrl: string;
let homeserverUrl: string;
let synapsePid: number;
let companionUrl: string;
let bot: string;
let browser: Browser;

function waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo never printed ${String(pattern)}:\n${output}`)), timeoutMs);
    const check = (): void => {
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    demo.stdout?.on('data', check);
    demo.on('exit', () => reject(new Error(`demo exited early:\n${output}`)));
    check();
  });
}

/** Waits for the header to say `who` is signed in; on a timeout, says what it showed instead and what the page logged. */
async function signedInAs(page: Page, who: RegExp, logged: readonly string[]): Promise<void> {
  const header = page.getByRole('banner');
  try {
    await header.getByText(who).waitFor({ timeout: 30_000 });
  } catch (error) {
    const shown = await header.innerText().catch(() => '(no header)');
    const title = await header
      .locator('[title]')
      .first()
      .getAttribute('title')
      .catch(() => null);
    throw new Error(
      `the header never said ${String(who)}: it shows ${JSON.stringify(shown)}${title ? ` (title ${JSON.stringify(title)})` : ''}; ` +
        `the page logged ${JSON.stringify(logged)}`,
      { cause: error },
    );
  }
}

/** What the page reports as errors: its console errors and uncaught exceptions. */
function pageErrors(page: Page): string[] {
  const logged: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') logged.push(message.text());
  });
  page.on('pageerror', (error) => logged.push(error.message));
  return logged;
}

before(async () => {
  // Its own session: no controlling terminal, as from a script, a service manager or an agent.
  demo = spawn('pnpm', ['demo'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  demo.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [, page, homeserver] = await waitForOutput(/Open:\s+(\S+)\s+Homeserver:\s+(\S+)/, 180_000);
  pageUrl = page ?? '';
  homeserverUrl = homeserver ?? '';
  synapsePid = Number(/Synapse is pid (\d+)/u.exec(output)?.[1]);
  [, companionUrl = '', bot = ''] = /Companion:\s+(\S+) \(bot (@[^;\s]+);/u.exec(output) ?? [];
  browser = await launchChromium();
});

after(async () => {
  if (demo.exitCode === null && demo.pid !== undefined) {
    try {
      process.kill(-demo.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  demo.stdout?.destroy();
  demo.stderr?.destroy();
  await browser.close();
});

test('two seeded members chat through <omni-room> on the demo page; a visitor reads the feed as a guest', async () => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  for (const page of [alice, bob]) page.on('pageerror', (error) => errors.push(error.message));
  await alice.goto(pageUrl);
  await bob.goto(pageUrl);
  const community = (page: typeof alice) => page.getByRole('complementary', { name: 'Community chat' });

  // Before signing in, Bob is a visitor: the first post's open discussion is readable as a guest.
  await bob
    .getByRole('region', { name: 'Feed' })
    .getByRole('article')
    .filter({ hasText: 'So much faster on my old phone' })
    .last()
    .waitFor({ timeout: 30_000 });

  await alice.getByRole('button', { name: 'Sign in as Alice' }).click();
  await bob.getByRole('button', { name: 'Sign in as Bob' }).click();

  await community(alice).getByRole('article').filter({ hasText: 'Welcome to the OmniSocial lobby' }).waitFor({ timeout: 30_000 });
  await community(bob).getByRole('textbox', { name: 'Message' }).fill('Hello Alice, it is Bob');
  await community(bob).getByRole('button', { name: 'Send' }).click();
  await community(alice).getByRole('article').filter({ hasText: 'Hello Alice, it is Bob' }).waitFor({ timeout: 30_000 });

  await community(alice).getByRole('textbox', { name: 'Message' }).fill('Hi Bob!');
  await community(alice).getByRole('textbox', { name: 'Message' }).press('Enter');
  await community(bob).getByRole('article').filter({ hasText: 'Hi Bob!' }).waitFor({ timeout: 30_000 });

  await alice.getByRole('button', { name: '#design' }).click();
  await community(alice).getByRole('article').filter({ hasText: 'Dark mode mock-ups' }).waitFor({ timeout: 30_000 });
  assert.deepEqual(errors, []);
});

test('the header says who is signed in: a visitor, a member after signing in, the same member after a reload', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const logged = pageErrors(page);
  await page.goto(pageUrl);
  const header = page.getByRole('banner');
  await header.getByText('Reading as a guest').or(header.getByText('Not signed in')).first().waitFor({ timeout: 30_000 });
  await header.getByRole('button', { name: 'Sign in as Bob' }).click();
  await signedInAs(page, /Signed in as @bob:/u, logged);
  assert.equal(await header.getByRole('button', { name: /Sign in as/u }).count(), 0, 'the header still offers "Sign in as…"');
  await header.getByRole('button', { name: 'Sign out' }).waitFor();

  await page.reload();
  await signedInAs(page, /Signed in as @bob:/u, logged);
  assert.equal(await header.getByRole('button', { name: /Sign in as/u }).count(), 0);
  await context.close();
});

test('the demo page never scrolls sideways at 320, 390 and 1280 px, light and dark, for a visitor and a member', async () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const width of [320, 390, 1280]) {
      const context = await browser.newContext({ viewport: { width, height: 800 }, colorScheme });
      const page = await context.newPage();
      const logged = pageErrors(page);
      await page.goto(pageUrl);
      const feed = page.getByRole('region', { name: 'Feed' });
      await feed.getByRole('article').filter({ hasText: 'So much faster on my old phone' }).last().waitFor({ timeout: 30_000 });
      for (const who of ['visitor', 'member']) {
        if (who === 'member') {
          await page.getByRole('button', { name: 'Sign in as Alice' }).click();
          await signedInAs(page, /Signed in as @alice:/u, logged);
          await feed.getByRole('textbox', { name: 'Message' }).first().waitFor({ timeout: 30_000 });
        }
        const wide = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: innerWidth }));
        assert.ok(wide.page <= wide.window, `${who} at ${String(width)} px ${colorScheme}: the page is ${String(wide.page)} px wide`);
        const send = feed.getByRole('button', { name: 'Send' }).first();
        const box = await send.boundingBox();
        assert.ok(box && box.x + box.width <= width, `${who} at ${String(width)} px: Send is cut off`);
      }
      await context.close();
    }
  }
});

test("the demo runs with its companion: it answers, the posts' rooms are its bot's, and the members signed in through it", async () => {
  const health = await fetch(`${companionUrl}/_omni/v1/health`);
  assert.equal(health.status, 200, `the companion at ${companionUrl} does not answer:\n${output}`);
  assert.deepEqual(await health.json(), { ok: true });

  // A seeded post's room, read as a visitor reads it.
  const guest = await fetch(`${homeserverUrl}/_matrix/client/v3/register?kind=guest`, { method: 'POST', body: '{}' });
  const { access_token: token } = (await guest.json()) as { access_token: string };
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(homeserverUrl + path, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200, path);
    return (await response.json()) as T;
  };
  const serverName = /\(server name ([^)\s]+)\)/u.exec(output)?.[1] ?? '';
  const alias = postRoomAlias('posts/photo-feed', { serverName });
  const { room_id: roomId } = await get<{ room_id: string }>(`/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`);
  const state = await get<Array<{ type: string; sender: string }>>(`/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`);
  assert.equal(state.find((event) => event.type === 'm.room.create')?.sender, bot, 'the post room was not created by the bot');
  assert.equal(state.find((event) => event.type === 'org.omnisocial.post')?.sender, bot, 'the binding was not sent by the bot');

  // "Sign in as Alice" above went through the site's backend and the companion (a login token).
  assert.match(output, /the site signed alice in through the companion/u, output);
});

test('a signal to `pnpm demo`, without a terminal, stops the demo and its Synapse by PID', async () => {
  const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
  demo.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.ok(Number.isInteger(synapsePid), `the demo did not say which pid Synapse has:\n${output}`);
  assert.match(output, new RegExp(`Synapse \\(pid ${String(synapsePid)}\\) stopped`, 'u'), output);
  assert.throws(() => process.kill(synapsePid, 0), 'the Synapse process is still there');
  await assert.rejects(fetch(`${homeserverUrl}/_matrix/client/versions`), 'Synapse still answers after the demo stopped');
  await assert.rejects(fetch(`${companionUrl}/_omni/v1/health`), 'the companion still answers after the demo stopped');
});
