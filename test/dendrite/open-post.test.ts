/**
 * A visitor following an open post on a homeserver without `/events` peeking and without single state reads
 * for non-members (Dendrite 0.13.8, docs/homeservers.md): the binding comes from the room's whole state, new
 * messages arrive by paging `/messages` forwards, a deletion arrives as the message again, emptied, and is
 * shown as deleted — all without the visitor joining. Run on Dendrite, in `pnpm test dendrite`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startHomeserver, type Homeserver, type Peer } from '@omnisocial/testing';
import { postRoomAlias, postRoomCreateRequest } from '@omnisocial/core/internal';
import { launchChromium, servePages } from '../support/chromium.ts';
import { articles } from '../support/page.ts';

const TIMEOUT = 60_000;

void describe('an open post followed from outside on Dendrite', () => {
  let hs: Homeserver;
  let bob: Peer;
  let browser: Browser;
  let pages: Awaited<ReturnType<typeof servePages>>;

  before(async () => {
    [hs, browser, pages] = await Promise.all([startHomeserver({}, 'dendrite'), launchChromium(), servePages()]);
    bob = await hs.registerUser({ displayName: 'Bob' });
  });

  after(async () => {
    await browser.close();
    await pages.close();
    await hs.stop();
  });

  void test('a visitor sees new messages and a deletion live, and nobody sees the visitor', { timeout: 3 * TIMEOUT }, async () => {
    const post = `paged-${crypto.randomUUID().slice(0, 8)}`;
    const { room_id: roomId } = await bob.request<{ room_id: string }>(
      'POST',
      '/_matrix/client/v3/createRoom',
      postRoomCreateRequest({ id: post, open: true }, postRoomAlias(post, { serverName: hs.serverName }), bob.userId),
    );
    await bob.sendMessage(roomId, 'the first comment');

    const context = await browser.newContext();
    const page: Page = await context.newPage();
    const polls: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes(`/rooms/${encodeURIComponent(roomId)}/messages?dir=f`)) polls.push(request.url());
    });
    await page.goto(pages.url(`/test/pages/post.html?${new URLSearchParams({ hs: hs.baseUrl, post, open: '' }).toString()}`));
    const chat = page.locator('omni-chat').first();
    await articles(chat, 'the first comment').waitFor({ timeout: TIMEOUT });
    await chat.getByText('You are writing as a guest.').waitFor({ timeout: TIMEOUT });

    await bob.sendMessage(roomId, 'a second comment');
    const removed = await bob.sendMessage(roomId, 'a comment soon deleted');
    await articles(chat, 'a second comment').waitFor({ timeout: TIMEOUT });
    await articles(chat, 'a comment soon deleted').waitFor({ timeout: TIMEOUT });
    await bob.redact(roomId, removed);
    await articles(chat, 'a comment soon deleted').waitFor({ state: 'detached', timeout: TIMEOUT });
    assert.equal(await articles(chat, 'a second comment').count(), 1, 'each message is shown once');
    assert.ok(polls.length > 0, 'the room was followed by paging /messages forwards');

    const { chunk } = await bob.request<{ chunk: { state_key: string; content: { membership: string } }[] }>(
      'GET',
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/members`,
    );
    assert.deepEqual(
      chunk.filter((event) => event.content.membership === 'join').map((event) => event.state_key),
      [bob.userId],
      'the visitor did not join',
    );
    await context.close();
  });
});
