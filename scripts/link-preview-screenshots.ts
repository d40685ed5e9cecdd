/**
 * `node scripts/link-preview-screenshots.ts`: screenshots of a message with a link preview card (test/pages/session.html,
 * a real Synapse previewing a page of test/support/preview-site.ts on loopback, Chromium) at 390 and 1280 px wide,
 * light and dark, written to docs/screenshots/link-preview-*.png: the card's thumbnail, title, description and host
 * under Bob's message, the header's **Link previews** toggle pressed.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSynapse } from '@omnisocial/testing';
import { launchChromium, servePages } from '../test/support/chromium.ts';
import { openRoomForScreenshot } from '../test/support/page.ts';
import { startPreviewSite } from '../test/support/preview-site.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const homeserver = await startSynapse();
const [browser, pages, site] = await Promise.all([launchChromium(), servePages(), startPreviewSite()]);
try {
  const bob = await homeserver.registerUser({ displayName: 'Bob Okafor' });
  for (const width of [390, 1280]) {
    for (const theme of ['light', 'dark']) {
      const alice = await homeserver.registerUser({ displayName: 'Alice Liddell' });
      const { roomId } = await bob.createRoom({ name: 'Weekend plans', preset: 'public_chat' });
      await alice.joinRoom(roomId);
      await bob.sendMessage(roomId, 'Shall we go to the beach on Saturday?');
      await alice.sendMessage(roomId, 'Yes! When is low tide?');
      await bob.sendMessage(roomId, `The tide tables are out: ${site.origin}/article?${theme}-${String(width)}`);
      const page = await browser.newPage({ viewport: { width, height: 640 }, colorScheme: theme === 'dark' ? 'dark' : 'light' });
      await openRoomForScreenshot(page, pages.url, homeserver.baseUrl, roomId, theme, alice);
      // The card with its thumbnail decoded: what a member sees once the preview has arrived.
      await page.locator('omni-room [part="link-preview-thumbnail"] img').waitFor({ timeout: 60_000 });
      await page.locator('omni-room [part="link-preview-thumbnail"] img').evaluate((image: HTMLImageElement) => image.decode());
      const suffix = `${theme === 'dark' ? '-dark' : ''}-${String(width)}`;
      await page.locator('omni-room').screenshot({ path: path.join(root, `docs/screenshots/link-preview${suffix}.png`) });
      process.stdout.write(`link-preview${suffix}\n`);
      await page.close();
    }
  }
} finally {
  await browser.close();
  await pages.close();
  await site.close();
  await homeserver.stop();
}
