/**
 * The homeserver itself crashes mid-conversation: Synapse is killed (SIGKILL, by PID) while a member
 * is chatting, the member keeps typing, and Synapse is started again on the same port and database.
 * Nothing typed meanwhile is lost or duplicated, the order holds, and the conversation resumes live.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { launchChromium, servePages } from '../support/chromium.ts';
import { sendWithEnter as type, signInThroughPage } from '../support/page.ts';
import { quietWindow, settled } from '../support/wait.ts';

const TIMEOUT = { timeout: 60_000 };
/** How long a duplicate of a message retried across the crash is given to reach the server before counting. */
const NO_DUPLICATE_WINDOW_MS = 2_000;

let browser: Browser;
let pages: Awaited<ReturnType<typeof servePages>>;
let hs: Homeserver;
let alice: Peer;
let bob: Peer;
let roomId: string;
let alias: string;

before(async () => {
  [browser, pages, hs] = await Promise.all([launchChromium(), servePages(), startSynapse({ own: true })]);
  [alice, bob] = await Promise.all([hs.registerUser({ displayName: 'Alice' }), hs.registerUser({ displayName: 'Bob' })]);
  const created = await bob.createRoom({ alias: 'crash', name: 'Crash', preset: 'public_chat' });
  roomId = created.roomId;
  alias = created.alias ?? '';
  await alice.joinRoom(roomId);
  await bob.sendMessage(roomId, 'before the crash');
});

after(async () => {
  await browser.close();
  await pages.close();
  await hs.stop();
});

async function aliceOnServer(): Promise<string[]> {
  const events = await bob.roomMessages(roomId, { limit: 100 });
  return events.filter((e) => e.type === 'm.room.message' && e.sender === alice.userId).map((e) => String(e.content['body']));
}

test('Synapse killed and restarted mid-conversation: messages typed meanwhile arrive once, in order, and sync resumes', async () => {
  const page = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(pages.url(`/test/pages/session.html?hs=${encodeURIComponent(hs.baseUrl)}&room=${encodeURIComponent(alias)}`));
  // The first visit of a fresh dev server transforms every module: give it time on a loaded machine.
  await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 180_000 });
  await signInThroughPage(page, hs.baseUrl, alice);
  await page.getByRole('log').getByText('before the crash').waitFor(TIMEOUT);
  await type(page, 'just before');
  await page.getByRole('log').getByText('just before').waitFor(TIMEOUT);

  await hs.kill();
  for (const body of ['while down 1', 'while down 2', 'while down 3']) await type(page, body);
  // Each stays visible (local echo) while the server is gone.
  await page.getByRole('log').getByText('while down 3').waitFor(TIMEOUT);

  await hs.restart();
  await settled(aliceOnServer, (bodies) => bodies.length >= 4, 90_000);
  // Let any duplicate retry land before judging.
  await quietWindow(NO_DUPLICATE_WINDOW_MS);
  assert.deepEqual(await aliceOnServer(), ['just before', 'while down 1', 'while down 2', 'while down 3']);

  // The sync connection is back: a new message from Bob shows up live.
  await bob.sendMessage(roomId, 'after the restart');
  await page.getByRole('log').getByText('after the restart').waitFor({ timeout: 90_000 });
  assert.deepEqual(errors, []);
});
