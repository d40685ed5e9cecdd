/**
 * The demo is the main job: `pnpm demo` must bring up a page where two seeded members chat
 * through <omni-room>, and Ctrl-C must leave no Synapse behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let demo: ChildProcess;
let output = '';
let pageUrl: string;
let homeserverUrl: string;
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

before(async () => {
  demo = spawn(process.execPath, ['scripts/demo.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  demo.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [, page, homeserver] = await waitForOutput(/Open:\s+(\S+)\s+Homeserver:\s+(\S+)/, 180_000);
  pageUrl = page ?? '';
  homeserverUrl = homeserver ?? '';
  browser = await launchChromium();
});

after(async () => {
  await browser.close();
  if (demo.exitCode === null) demo.kill('SIGKILL');
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

test('stopping the demo stops its Synapse', async () => {
  const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
  demo.kill('SIGINT');
  assert.equal(await exited, 0);
  await assert.rejects(fetch(`${homeserverUrl}/_matrix/client/versions`), 'Synapse still answers after the demo stopped');
});
