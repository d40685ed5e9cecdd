/**
 * `node scripts/mention-screenshots.ts`: screenshots of mentions and unread badges (test/pages/session.html, a real
 * Synapse, Chromium) at 390 and 1280 px wide, light and dark, written to docs/screenshots/: the launcher with its
 * unread badge and mention mark (`mentions-launcher-*`), then the room open inline with the highlighted mention, the
 * **Next mention** and **Notify me** buttons (`mentions-room-*`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSynapse } from '@omnisocial/testing';
import { launchChromium, servePages } from '../test/support/chromium.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const homeserver = await startSynapse();
const [browser, pages] = await Promise.all([launchChromium(), servePages()]);
try {
  const bob = await homeserver.registerUser({ displayName: 'Bob Okafor' });
  for (const width of [390, 1280]) {
    for (const theme of ['light', 'dark']) {
      const alice = await homeserver.registerUser({ displayName: 'Alice Liddell' });
      const { roomId } = await bob.createRoom({ name: 'Design review', preset: 'public_chat' });
      await alice.joinRoom(roomId);
      const read = await bob.sendMessage(roomId, 'Morning all, the new feed is on staging.');
      await alice.request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/read_markers`, {
        'm.fully_read': read,
        'm.read': read,
      });
      await bob.sendMessage(roomId, 'Counts load in one request now.');
      await bob.sendEvent(roomId, 'm.room.message', {
        msgtype: 'm.text',
        body: 'Alice Liddell, could you check the dark theme?',
        'm.mentions': { user_ids: [alice.userId] },
      });
      await bob.sendMessage(roomId, 'Thanks!');
      const page = await browser.newPage({ viewport: { width, height: 700 }, colorScheme: theme === 'dark' ? 'dark' : 'light' });
      await page.goto(pages.url(`/test/pages/session.html?${new URLSearchParams({ hs: homeserver.baseUrl, room: roomId }).toString()}`));
      await page.evaluate(() => {
        const room = document.querySelector('omni-room');
        room?.setAttribute('presentation', 'launcher');
        document.body.style.cssText = 'margin:0;padding:1rem;background:Canvas';
      });
      await page.locator('omni-room').evaluate((room, value) => room.setAttribute('theme', value), theme);
      await page.evaluate(
        async ({ hs, username, password }) =>
          (window as unknown as { omni: { signIn(options: object): Promise<unknown> } }).omni.signIn({
            homeserver: hs,
            username,
            password,
          }),
        { hs: homeserver.baseUrl, username: alice.username, password: alice.password },
      );
      await page.waitForFunction(
        () => document.querySelector('omni-room')?.shadowRoot?.querySelector('[part="launcher-mentions"]')?.textContent === '@',
        null,
        { timeout: 60_000 },
      );
      const suffix = `${theme === 'dark' ? '-dark' : ''}-${String(width)}`;
      await page.screenshot({
        path: path.join(root, `docs/screenshots/mentions-launcher${suffix}.png`),
        clip: { x: 0, y: 0, width, height: 90 },
      });
      await page.locator('omni-room').evaluate((room) => room.removeAttribute('presentation'));
      await page.locator('omni-room').getByRole('article').filter({ hasText: 'dark theme' }).waitFor({ timeout: 60_000 });
      await page.waitForTimeout(800);
      await page.locator('omni-room').screenshot({ path: path.join(root, `docs/screenshots/mentions-room${suffix}.png`) });
      process.stdout.write(`mentions${suffix}\n`);
      await page.close();
    }
  }
} finally {
  await browser.close();
  await pages.close();
  await homeserver.stop();
}
