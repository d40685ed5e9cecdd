/**
 * `node scripts/counts-screenshots.ts`: screenshots of `<omni-count>` on a feed (test/pages/feed-counts.html)
 * against a real Synapse and the companion, at 390 and 1280 px wide, light and dark, written to
 * docs/screenshots/counts-feed-*.png. The first post carries its open discussion under it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, servePages } from '../test/support/chromium.ts';
import { startCountsSite } from '../test/support/counts-site.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const counts = await startCountsSite(6, (index) => [3, 1, 0, 12, 2, 0][index] ?? 0);
const [browser, pages] = await Promise.all([launchChromium(), servePages()]);
try {
  for (const width of [390, 1280]) {
    for (const theme of ['light', 'dark']) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      const query = new URLSearchParams({
        companion: counts.site.companion.siteApiUrl,
        hs: counts.site.homeserver.baseUrl,
        posts: '6',
        theme,
        chat: '',
      });
      await page.goto(pages.url(`/test/pages/feed-counts.html?${query.toString()}`));
      await page.evaluate(() => (window as unknown as { feedReady: Promise<number> }).feedReady);
      await page.locator('omni-chat').getByRole('article').first().waitFor({ timeout: 60_000 });
      if (theme === 'dark') await page.locator('omni-chat').evaluate((chat) => chat.setAttribute('theme', 'dark'));
      await page.waitForTimeout(500);
      const file = path.join(root, `docs/screenshots/counts-feed${theme === 'dark' ? '-dark' : ''}-${String(width)}.png`);
      await page.screenshot({ path: file, fullPage: true });
      process.stdout.write(`${file}\n`);
      await page.close();
    }
  }
} finally {
  await browser.close();
  await pages.close();
  await counts.site.stop();
}
