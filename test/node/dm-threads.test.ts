/**
 * Threads in `<omni-dm>` as two members live them, each in a browser of their own (Playwright contexts of Debian
 * Chromium, so each has their own session and crypto device) against a real Synapse: in their encrypted
 * conversation one replies in a thread, the other sees the summary under the root (never the reply in the main
 * timeline), opens the thread, reads the reply decrypted and answers there; the first reads that answer decrypted
 * in the thread panel, not in the main timeline. On the server the replies are `m.room.encrypted` whose relation
 * to the root is in the clear.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { launchChromium, servePages } from '../support/chromium.ts';
import { messagesIn, send, signInThroughPage } from '../support/page.ts';
import { until } from '../support/wait.ts';

const SEEN = { timeout: 30_000 };

let browser: Browser;
let pages: Awaited<ReturnType<typeof servePages>>;
let hs: Homeserver;

before(async () => {
  [browser, pages, hs] = await Promise.all([launchChromium(), servePages(), startSynapse()]);
});

after(async () => {
  await browser.close();
  await pages.close();
  await hs.stop();
});

/** A member's browser: its own context (own IndexedDB), with the DM page open on `other`, signed in. */
async function openDm(member: Peer, other: Peer): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`page error for ${member.userId}: ${error.message}`));
  await page.goto(pages.url(`/test/pages/dm.html?hs=${encodeURIComponent(hs.baseUrl)}&user=${encodeURIComponent(other.userId)}`));
  await page.getByRole('button', { name: 'Sign in' }).waitFor(SEEN);
  await signInThroughPage(page, hs.baseUrl, member);
  return page;
}

/** What a member's page shows, through the elements' shadow roots, to say what they saw when an expectation fails. */
async function seen(scope: Locator): Promise<string> {
  return scope.ariaSnapshot({ timeout: 5_000 }).catch(() => 'nothing readable');
}

async function expectIn(scope: Locator, body: string, who: string): Promise<Locator> {
  const article = messagesIn(scope, body).first();
  try {
    await article.waitFor(SEEN);
  } catch {
    assert.fail(`${who} does not see "${body}"; it shows: ${await seen(scope)}`);
  }
  return article;
}

/** The open thread (`<omni-thread>`, a region named "Thread"). */
const threadOf = (page: Page): Locator => page.locator('omni-thread');
const summaryUnder = (page: Page, root: string): Locator => messagesIn(page, root).first().locator('[part="thread-summary"]');

/** Messages containing `text` in the main timeline, the open thread's aside. */
async function inMainTimeline(page: Page, text: string): Promise<number> {
  return (await messagesIn(page, text).count()) - (await messagesIn(threadOf(page), text).count());
}

async function hasDeviceKeys(asker: Peer, member: Peer): Promise<boolean> {
  const answer = await asker.request<{ device_keys: Record<string, Record<string, unknown>> }>('POST', '/_matrix/client/v3/keys/query', {
    device_keys: { [member.userId]: [] },
  });
  return Object.keys(answer.device_keys[member.userId] ?? {}).length > 0;
}

describe('threads in <omni-dm> between two members, each in their own browser (real Synapse)', () => {
  test('each reads the other’s encrypted thread reply decrypted in the thread panel, never in the main timeline', async () => {
    const [carol, dave] = await Promise.all([hs.registerUser({ displayName: 'Carol' }), hs.registerUser({ displayName: 'Dave' })]);
    const davePage = await openDm(dave, carol);
    await davePage.getByText('Say hello to Carol').waitFor(SEEN);
    await until(() => hasDeviceKeys(carol, dave), "Dave's browser published its keys");
    const carolPage = await openDm(carol, dave);
    await carolPage.getByText('Say hello to Dave').waitFor(SEEN);

    const root = 'Where shall we meet on Friday?';
    await send(carolPage, root);
    await expectIn(davePage.locator('body'), root, 'Dave');

    // Carol answers herself in a thread: "Reply in thread" in her message's toolbar, then its own composer.
    const carolReply = 'How about the station café at six?';
    const rootOnCarol = await expectIn(carolPage.locator('body'), root, 'Carol');
    await rootOnCarol.hover();
    await rootOnCarol.getByRole('button', { name: 'Reply in thread' }).click();
    await carolPage.getByRole('region', { name: 'Thread' }).waitFor(SEEN);
    await send(threadOf(carolPage), carolReply);
    await expectIn(threadOf(carolPage), carolReply, 'Carol, in her thread,');

    // Dave sees the summary under the root, not the reply in the conversation; he opens the thread and reads it.
    await until(
      async () => /\b1 reply\b/u.test((await summaryUnder(davePage, root).textContent()) ?? ''),
      `Dave never saw "1 reply" under the root; he sees ${await seen(davePage.locator('body'))}`,
    );
    assert.equal(await messagesIn(davePage, carolReply).count(), 0, "Carol's thread reply shows in Dave's main timeline");
    await summaryUnder(davePage, root).click();
    await davePage.getByRole('region', { name: 'Thread' }).waitFor(SEEN);
    await expectIn(threadOf(davePage), carolReply, 'Dave, in the thread,');
    assert.equal(await threadOf(davePage).getByText('Waiting for the keys').count(), 0);
    assert.equal(await inMainTimeline(davePage, carolReply), 0, "Carol's thread reply also shows in Dave's main timeline");

    // He answers in the thread; Carol, with the thread open, reads it there decrypted.
    const daveReply = 'Six works, see you at the café';
    await send(threadOf(davePage), daveReply);
    await expectIn(threadOf(davePage), daveReply, 'Dave, in his thread,');
    await expectIn(threadOf(carolPage), daveReply, 'Carol, in the thread,');
    assert.equal(await threadOf(carolPage).getByText('Waiting for the keys').count(), 0);
    assert.equal(await inMainTimeline(carolPage, daveReply), 0, "Dave's thread reply shows in Carol's main timeline");
    await threadOf(carolPage).getByRole('button', { name: 'Close thread' }).click();
    await until(
      async () => /\b2 replies\b/u.test((await summaryUnder(carolPage, root).textContent()) ?? ''),
      `Carol never saw "2 replies" under the root; she sees ${await seen(carolPage.locator('body'))}`,
    );
    assert.equal(await messagesIn(carolPage, daveReply).count(), 0, "Dave's thread reply shows in Carol's main timeline");

    // On the wire: both replies encrypted, each related to the root in the clear.
    const [roomId] = (await carol.request<{ joined_rooms: string[] }>('GET', '/_matrix/client/v3/joined_rooms')).joined_rooms;
    const events = await carol.roomMessages(roomId ?? '', { limit: 30 });
    const threaded = events.filter(
      (event) => (event.content['m.relates_to'] as { rel_type?: string } | undefined)?.rel_type === 'm.thread',
    );
    assert.equal(threaded.length, 2, `two thread replies on the server, got ${threaded.length}`);
    for (const event of threaded) {
      assert.equal(event.type, 'm.room.encrypted');
      assert.equal(event.content['body'], undefined, 'no plain body on the server');
    }
    await Promise.all([carolPage.context().close(), davePage.context().close()]);
  });
});
