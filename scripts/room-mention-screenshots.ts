/**
 * `node scripts/room-mention-screenshots.ts`: screenshots of the composer's suggestions offering `@room` (test/pages/
 * session.html, a real Synapse, Chromium) at 390 and 1280 px wide, light and dark, written to docs/screenshots/
 * (`mentions-room-suggestion-*`): the room's creator, whose level reaches `notifications.room`, has typed "@ro" and
 * the list offers a member and "@room — Notify everyone in this room", the latter chosen with the arrow key.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSynapse } from '@omnisocial/testing';
import { launchChromium, servePages } from '../test/support/chromium.ts';
import { openRoomForScreenshot } from '../test/support/page.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const homeserver = await startSynapse();
const [browser, pages] = await Promise.all([launchChromium(), servePages()]);
try {
  const rosa = await homeserver.registerUser({ displayName: 'Rosa Romero' });
  const bob = await homeserver.registerUser({ displayName: 'Bob Okafor' });
  for (const width of [390, 1280]) {
    for (const theme of ['light', 'dark']) {
      const alice = await homeserver.registerUser({ displayName: 'Alice Liddell' });
      const { roomId } = await alice.createRoom({ name: 'Design review', preset: 'public_chat' });
      await rosa.joinRoom(roomId);
      await bob.joinRoom(roomId);
      await bob.sendMessage(roomId, 'The new feed is on staging.');
      await rosa.sendMessage(roomId, 'Counts load in one request now.');
      const page = await browser.newPage({ viewport: { width, height: 700 }, colorScheme: theme === 'dark' ? 'dark' : 'light' });
      await openRoomForScreenshot(page, pages.url, homeserver.baseUrl, roomId, theme, alice);
      const room = page.locator('omni-room');
      await room.getByRole('article').filter({ hasText: 'one request' }).waitFor({ timeout: 60_000 });
      const box = room.getByRole('textbox', { name: 'Message' });
      await box.click();
      await page.keyboard.type('Review at three, @ro');
      await room.getByRole('option', { name: /@room/u }).waitFor({ timeout: 20_000 });
      await page.keyboard.press('ArrowDown');
      // The focus ring and the chosen option's background settle after the list's first paint.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const suffix = `${theme === 'dark' ? '-dark' : ''}-${String(width)}`;
      await room.screenshot({ path: path.join(root, `docs/screenshots/mentions-room-suggestion${suffix}.png`) });
      process.stdout.write(`mentions-room-suggestion${suffix}\n`);
      await page.close();
    }
  }
} finally {
  await browser.close();
  await pages.close();
  await homeserver.stop();
}
