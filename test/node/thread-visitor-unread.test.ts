/**
 * The unread badge on a thread's summary for a visitor of an open post (docs/threads.md), in a browser context of
 * its own against a real Synapse: a visitor reads from outside and has no read receipts on the homeserver, so
 * their read point in each thread is kept in the browser (localStorage, bounded). A member writes replies in a
 * thread; the visitor sees the badge with their number, opens the thread and the badge goes; a reply that comes
 * later brings it back with 1, and a reload keeps what was read.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Locator } from 'playwright-core';
import { dendriteSkip, homeserverImplementation, startHomeserver, type Homeserver, type Peer } from '@omnisocial/testing';
import { postRoomAlias, postRoomCreateRequest } from '@omnisocial/core/internal';
import { launchChromium, servePages } from '../support/chromium.ts';
import { articles } from '../support/page.ts';
import { settled } from '../support/wait.ts';

const TIMEOUT = 60_000;
/** The key the visitor's thread read points are kept under, and how many it keeps (threads/visitor-reads.ts). */
const STORAGE_KEY = 'omni-visitor-thread-reads';
const MAX_VISITOR_THREADS = 500;
/** New replies reach a visitor by `/events` long-poll, which Dendrite does not serve (docs/homeservers.md). */
const options = { timeout: 6 * TIMEOUT, skip: dendriteSkip('eventsPeeking', homeserverImplementation()) };

describe('a visitor’s unread replies in the threads of an open post', () => {
  let hs: Homeserver;
  let bob: Peer;
  let browser: Browser;
  let pages: Awaited<ReturnType<typeof servePages>>;
  let context: BrowserContext | undefined;
  const tag = crypto.randomUUID().slice(0, 8);

  before(async () => {
    [hs, browser, pages] = await Promise.all([startHomeserver(), launchChromium(), servePages()]);
    bob = await hs.registerUser({ displayName: 'Bob' });
  });

  after(async () => {
    await context?.close();
    await browser.close();
    await pages.close();
    await hs.stop();
  });

  function threadReply(root: string, body: string): Record<string, unknown> {
    return {
      msgtype: 'm.text',
      body,
      'm.relates_to': { rel_type: 'm.thread', event_id: root, is_falling_back: true, 'm.in_reply_to': { event_id: root } },
    };
  }

  /** What the summary under the root shows: its line and its badge ('' when there is none). */
  async function summaryOf(chat: Locator, rootText: string): Promise<{ line: string; badge: string; name: string }> {
    const summary = articles(chat, rootText).locator('[part="thread-summary"]');
    const badge = summary.locator('.thread-unread');
    return {
      line: (await summary.locator('.thread-text').textContent()) ?? '',
      badge: (await badge.count()) > 0 ? ((await badge.textContent()) ?? '').trim() : '',
      name: (await summary.textContent())?.replace(/\s+/gu, ' ') ?? '',
    };
  }

  /** Waits for the summary's badge to show `badge` ('' for none), and fails with what it showed last. */
  async function badgeBecomes(chat: Locator, rootText: string, badge: string, what: string): Promise<void> {
    const seen = await settled(
      () => summaryOf(chat, rootText).catch(() => undefined),
      (shown) => shown?.badge === badge,
      TIMEOUT,
    );
    assert.equal(seen?.badge, badge, `${what}: the summary shows ${JSON.stringify(seen)}`);
  }

  test('counts the replies the visitor has not read, in this browser, across a reload', options, async () => {
    const post = `visitor-unread-${tag}`;
    const alias = postRoomAlias(post, { serverName: hs.serverName });
    const { room_id: roomId } = await bob.request<{ room_id: string }>(
      'POST',
      '/_matrix/client/v3/createRoom',
      postRoomCreateRequest({ id: post, open: true }, alias, bob.userId),
    );
    const rootText = 'Which trail on Saturday?';
    const root = await bob.sendMessage(roomId, rootText);
    await bob.sendEvent(roomId, 'm.room.message', threadReply(root, 'The river trail, it has shade.'));
    await bob.sendEvent(roomId, 'm.room.message', threadReply(root, 'Or the ridge, for the view.'));
    await bob.sendMessage(roomId, 'See you all there.');

    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // Threads read in other rooms before: the list is full, so reading this thread must drop the oldest.
    const earlier = Array.from({ length: MAX_VISITOR_THREADS }, (_, i) => [`!other${String(i)}:elsewhere`, `$root${String(i)}`, 1000 + i]);
    await page.addInitScript(
      ([key, value]) => {
        if (sessionStorage.getItem('seeded') === null) {
          localStorage.setItem(key, value);
          sessionStorage.setItem('seeded', '1');
        }
      },
      [STORAGE_KEY, JSON.stringify(earlier)] as const,
    );
    const url = pages.url(`/test/pages/post.html?${new URLSearchParams({ hs: hs.baseUrl, post, open: '' }).toString()}`);
    await page.goto(url);
    const chat = page.locator('omni-chat');
    await articles(chat, 'See you all there.').waitFor({ timeout: TIMEOUT });
    await chat.getByText('You are writing as a guest.').waitFor({ timeout: TIMEOUT });

    // Two replies from a member, none read: the badge says 2, and a screen reader hears it.
    await badgeBecomes(chat, rootText, '2', 'the visitor never saw 2 unread');
    const first = await summaryOf(chat, rootText);
    assert.match(first.line, /2 replies/u);
    assert.match(first.name, /2 unread/u);

    // Opening the thread shows its replies: read, the badge goes.
    await articles(chat, rootText).locator('[part="thread-summary"]').click();
    const thread = chat.locator('omni-thread');
    await articles(thread, 'Or the ridge, for the view.').waitFor({ timeout: TIMEOUT });
    await badgeBecomes(chat, rootText, '', 'the badge stayed once the thread was read');
    await thread.getByRole('button', { name: 'Close thread' }).click();
    await thread.waitFor({ state: 'detached', timeout: TIMEOUT });
    assert.equal((await summaryOf(chat, rootText)).badge, '');

    // Kept in the browser, bounded: this thread is in, the thread read longest ago is out.
    const stored = JSON.parse((await page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY)) ?? '[]') as [string, string, number][];
    assert.equal(stored.length, MAX_VISITOR_THREADS);
    assert.deepEqual(stored.at(-1)?.slice(0, 2), [roomId, root], 'the thread just read is the latest entry');
    assert.ok(!stored.some(([room]) => room === '!other0:elsewhere'), 'the oldest entry was kept past the bound');

    // A reply that comes later is new: the badge comes back with 1, live.
    await bob.sendEvent(roomId, 'm.room.message', threadReply(root, 'Ridge it is, bring water.'));
    await badgeBecomes(chat, rootText, '1', 'a later reply did not count as new');
    assert.match((await summaryOf(chat, rootText)).line, /3 replies/u);

    // A reload keeps what was read: 1 new, not 3.
    await page.reload();
    await articles(chat, 'See you all there.').waitFor({ timeout: TIMEOUT });
    await badgeBecomes(chat, rootText, '1', 'after a reload the visitor’s reads were lost');
    await chat.getByText('You are writing as a guest.').waitFor({ timeout: TIMEOUT });
    assert.equal((await summaryOf(chat, rootText)).badge, '1', 'the engine’s view counted otherwise than the light read’s');

    // Read again after the reload: gone, and still gone after another reload.
    await articles(chat, rootText).locator('[part="thread-summary"]').click();
    await articles(thread, 'Ridge it is, bring water.').waitFor({ timeout: TIMEOUT });
    await badgeBecomes(chat, rootText, '', 'the badge stayed once the new reply was read');
    await page.reload();
    await articles(chat, 'See you all there.').waitFor({ timeout: TIMEOUT });
    await chat.getByText('You are writing as a guest.').waitFor({ timeout: TIMEOUT });
    const settled = await summaryOf(chat, rootText);
    assert.match(settled.line, /3 replies/u);
    assert.equal(settled.badge, '', 'read replies came back unread after a reload');
  });
});
