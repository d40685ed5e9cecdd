/**
 * Comment counts on a feed, as a visitor sees them (real Synapse, the companion, Chromium): fifty `<omni-count>`
 * show "N comments" under their posts from one request to the companion and none to the homeserver, and the
 * count under a post follows its discussion when someone writes in it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { COUNTS_PATH } from '@omnisocial/server';
import { launchChromium, servePages } from '../support/chromium.ts';
import { startCountsSite, type CountsSite } from '../support/counts-site.ts';

const SEEN = { timeout: 60_000 };
/** Post i has i % 4 comments: 0, 1, 2, 3, 0, 1… */
const commentsOf = (index: number): number => index % 4;

describe('comment counts on a feed (real Synapse, companion, Chromium)', () => {
  let counts: CountsSite;
  let browser: Browser;
  let pages: Awaited<ReturnType<typeof servePages>>;

  before(async () => {
    [counts, browser, pages] = await Promise.all([startCountsSite(50, commentsOf), launchChromium(), servePages()]);
  });

  after(async () => {
    await browser.close();
    await pages.close();
    await counts.site.stop();
  });

  async function openFeed(query: Record<string, string>): Promise<{ page: Page; countRequests: string[]; homeserverRequests: string[] }> {
    const page = await browser.newPage();
    const countRequests: string[] = [];
    const homeserverRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes(COUNTS_PATH)) countRequests.push(request.url());
      if (request.url().startsWith(counts.site.homeserver.baseUrl)) homeserverRequests.push(request.url());
    });
    const search = new URLSearchParams({ companion: counts.site.companion.siteApiUrl, hs: counts.site.homeserver.baseUrl, ...query });
    await page.goto(pages.url(`/test/pages/feed-counts.html?${search.toString()}`));
    return { page, countRequests, homeserverRequests };
  }

  test('fifty counts under fifty posts cost one request to the companion and none to the homeserver', async () => {
    const { page, countRequests, homeserverRequests } = await openFeed({});
    await page.evaluate(() => (window as unknown as { feedReady: Promise<number> }).feedReady);
    for (const index of [0, 1, 2, 3, 49]) {
      const expected = commentsOf(index) === 1 ? '1 comment' : `${String(commentsOf(index))} comments`;
      const article = page
        .getByRole('article')
        .filter({ has: page.getByRole('heading', { name: `Post ${String(index + 1)}`, exact: true }) });
      await article.getByText(expected, { exact: true }).waitFor(SEEN);
    }
    assert.equal(countRequests.length, 1, `one batched request, not one per post: ${countRequests.join(', ')}`);
    assert.equal(new URL(countRequests[0] ?? '').searchParams.getAll('post').length, 50);
    assert.deepEqual(homeserverRequests, [], 'counts never touch the homeserver from the page');
    await page.close();
  });

  test('the count under a post follows its discussion when someone writes in it', async () => {
    const { page } = await openFeed({ chat: '' });
    const first = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'Post 1', exact: true }) });
    await first.locator('omni-count').getByText('0 comments', { exact: true }).waitFor(SEEN);
    // Post 1 had no room: the reader's page opens it, and a member writes the first comment.
    const roomId = await counts.writer.resolveAlias(`#post.post-0:${counts.site.homeserver.serverName}`);
    await counts.writer.joinRoom(roomId);
    await counts.writer.sendMessage(roomId, 'The very first comment');
    await first.getByRole('article').filter({ hasText: 'The very first comment' }).waitFor(SEEN);
    await first.locator('omni-count').getByText('1 comment', { exact: true }).waitFor(SEEN);
    await page.close();
  });
});
