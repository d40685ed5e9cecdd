/**
 * `node scripts/thread-preview-screenshots.ts`: screenshots at 390 and 1280 px wide, light and dark, against a real
 * Synapse in Chromium, written to docs/screenshots/:
 * - `thread-link-preview-*`: a member's open thread (test/pages/session.html) whose reply carries a link, with the
 *   homeserver's preview card of a page of test/support/preview-site.ts under it;
 * - `thread-visitor-unread-*`: a visitor of an open post (test/pages/post.html, no account) who read its thread,
 *   then a reply came: "3 replies" and the badge 1 under the root, counted from the read point kept in their browser.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSynapse } from '@omnisocial/testing';
import { postRoomAlias, postRoomCreateRequest } from '@omnisocial/core/internal';
import { launchChromium, servePages } from '../test/support/chromium.ts';
import { openRoomForScreenshot } from '../test/support/page.ts';
import { startPreviewSite } from '../test/support/preview-site.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const homeserver = await startSynapse();
const [browser, pages, site] = await Promise.all([launchChromium(), servePages(), startPreviewSite()]);

function threadReply(rootId: string, body: string): Record<string, unknown> {
  return {
    msgtype: 'm.text',
    body,
    'm.relates_to': { rel_type: 'm.thread', event_id: rootId, is_falling_back: true, 'm.in_reply_to': { event_id: rootId } },
  };
}

/** Two frames: what the screenshot takes is painted. */
const settle = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));

try {
  const bob = await homeserver.registerUser({ displayName: 'Bob Okafor' });
  const carol = await homeserver.registerUser({ displayName: 'Carol Nguyen' });
  for (const width of [390, 1280]) {
    for (const theme of ['light', 'dark'] as const) {
      const suffix = `${String(width)}-${theme}`;
      const viewport = { width, height: width < 600 ? 760 : 640 };

      // A member's thread with a preview card under a reply.
      const alice = await homeserver.registerUser({ displayName: 'Alice Liddell' });
      const { roomId } = await bob.createRoom({ name: 'Weekend plans', preset: 'public_chat' });
      await alice.joinRoom(roomId);
      const question = await bob.sendMessage(roomId, 'Shall we go to the beach on Saturday?');
      await alice.sendEvent(roomId, 'm.room.message', threadReply(question, 'Yes! When is low tide?'));
      await bob.sendEvent(
        roomId,
        'm.room.message',
        threadReply(question, `The tide tables are out: ${site.origin}/article?thread-${suffix}`),
      );
      await alice.sendMessage(roomId, 'I will bring the umbrella.');
      const page = await browser.newPage({ viewport, colorScheme: theme });
      await openRoomForScreenshot(page, pages.url, homeserver.baseUrl, roomId, theme, alice);
      const room = page.locator('omni-room');
      await room.locator('[part="thread-summary"]').first().click({ timeout: 60_000 });
      const image = room.locator('omni-thread [part="link-preview-thumbnail"] img');
      await image.waitFor({ timeout: 60_000 });
      await image.evaluate((img: HTMLImageElement) => img.decode());
      // Shown is read: the thread's "1 unread" goes before the picture is taken.
      await room.locator('omni-thread .thread-count').waitFor({ state: 'detached', timeout: 30_000 });
      await page.evaluate(settle);
      await room.screenshot({ path: path.join(root, `docs/screenshots/thread-link-preview-${suffix}.png`) });
      process.stdout.write(`thread-link-preview-${suffix}\n`);
      await page.close();

      // A visitor of an open post: the badge counts the two replies they have not read.
      const post = `trail-${suffix}-${crypto.randomUUID().slice(0, 6)}`;
      const { room_id: postRoom } = await carol.request<{ room_id: string }>(
        'POST',
        '/_matrix/client/v3/createRoom',
        postRoomCreateRequest({ id: post, open: true }, postRoomAlias(post, { serverName: homeserver.serverName }), carol.userId),
      );
      await bob.joinRoom(postRoom);
      const rootId = await carol.sendMessage(postRoom, 'Which trail should we take on Saturday?');
      await bob.sendEvent(postRoom, 'm.room.message', threadReply(rootId, 'The river trail, it has shade.'));
      await carol.sendEvent(postRoom, 'm.room.message', threadReply(rootId, 'River trail it is, I will bring water.'));
      await carol.sendMessage(postRoom, 'Count me in for the picnic.');
      const context = await browser.newContext({ viewport, colorScheme: theme });
      const visitor = await context.newPage();
      const query = new URLSearchParams({ hs: homeserver.baseUrl, post, open: '', title: 'Trail day on Saturday', theme });
      await visitor.goto(pages.url(`/test/pages/post.html?${query.toString()}`));
      const chat = visitor.locator('omni-chat');
      await chat.getByText('You are writing as a guest.').waitFor({ timeout: 60_000 });
      const badge = chat.locator('[part="thread-summary"] .thread-unread');
      await badge.waitFor({ timeout: 60_000 });
      await chat.locator('[part="thread-summary"]').click();
      await chat.locator('omni-thread').getByText('I will bring water.').waitFor({ timeout: 60_000 });
      await badge.waitFor({ state: 'detached', timeout: 30_000 });
      await chat.getByRole('button', { name: 'Close thread' }).click();
      await bob.sendEvent(postRoom, 'm.room.message', threadReply(rootId, 'Bring sun cream too, the river trail is long.'));
      await chat.locator('[part="thread-summary"] .thread-unread', { hasText: '1' }).waitFor({ timeout: 60_000 });
      await visitor.evaluate(settle);
      await chat.screenshot({ path: path.join(root, `docs/screenshots/thread-visitor-unread-${suffix}.png`) });
      process.stdout.write(`thread-visitor-unread-${suffix}\n`);
      await context.close();
    }
  }
} finally {
  await browser.close();
  await pages.close();
  await site.close();
  await homeserver.stop();
}
