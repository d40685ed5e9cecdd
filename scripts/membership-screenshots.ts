/**
 * `node scripts/membership-screenshots.ts`: screenshots of a membership summary (test/pages/session.html, a real
 * Synapse, Chromium) at 390 and 1280 px wide, light and dark, in English and in German, written to
 * docs/screenshots/: five members join and one of them leaves between two messages, one line says so, worded by the
 * elements in the room's language (`membership-summary-<lang>-*`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSynapse } from '@omnisocial/testing';
import { launchChromium, servePages } from '../test/support/chromium.ts';
import { signInThroughPage } from '../test/support/page.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const homeserver = await startSynapse();
const [browser, pages] = await Promise.all([launchChromium(), servePages()]);
try {
  const bob = await homeserver.registerUser({ displayName: 'Bob Okafor' });
  const alice = await homeserver.registerUser({ displayName: 'Alice Liddell' });
  const { roomId } = await bob.createRoom({ name: 'Design review', preset: 'public_chat' });
  await alice.joinRoom(roomId);
  await bob.sendMessage(roomId, 'Morning all, the new feed is on staging.');
  const newcomers = await Promise.all(
    ['Carol Danvers', 'Dave Lister', 'Erin Brockovich', 'Frank Ocean', 'Grace Hopper'].map((displayName) =>
      homeserver.registerUser({ displayName }),
    ),
  );
  for (const member of newcomers) await member.joinRoom(roomId);
  await newcomers[2]?.request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/leave`, {});
  await bob.sendMessage(roomId, 'Welcome, everyone!');

  for (const lang of ['en', 'de']) {
    for (const width of [390, 1280]) {
      for (const theme of ['light', 'dark']) {
        const page = await browser.newPage({ viewport: { width, height: 520 }, colorScheme: theme === 'dark' ? 'dark' : 'light' });
        await page.goto(pages.url(`/test/pages/session.html?${new URLSearchParams({ hs: homeserver.baseUrl, room: roomId }).toString()}`));
        await page.evaluate(() => {
          document.body.style.cssText = 'margin:0;padding:1rem;background:Canvas';
        });
        await page.locator('omni-room').evaluate(
          (room, [value, language]) => {
            room.setAttribute('theme', value ?? 'auto');
            room.setAttribute('lang', language ?? 'en');
            room.setAttribute('loading', 'eager');
          },
          [theme, lang],
        );
        await signInThroughPage(page, homeserver.baseUrl, alice);
        const summary = page.locator('details.notice-summary summary');
        await summary.waitFor({ timeout: 60_000 });
        await page.getByText('Welcome, everyone!').waitFor({ timeout: 60_000 });
        console.log(`${lang} ${String(width)} ${theme}: ${await summary.innerText()}`);
        const suffix = `${lang}${theme === 'dark' ? '-dark' : ''}-${String(width)}`;
        await page.screenshot({ path: path.join(root, `docs/screenshots/membership-summary-${suffix}.png`) });
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
  await pages.close();
  await homeserver.stop();
}
