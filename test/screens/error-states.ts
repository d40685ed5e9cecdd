/**
 * Screenshots of `<omni-room>`'s error states and sign-in offers, as a member sees them, against a real
 * Synapse: a homeserver that is down, an unknown room, a guest on a members-only room, and a visitor with
 * no session. Each at 320, 390 and 1280 px, light and dark; warns when one scrolls sideways.
 *
 *   sh scripts/with-env.sh node test/screens/error-states.ts [output folder]
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startSynapse } from '@omnisocial/testing';
import { launchChromium, servePages } from '../support/chromium.ts';

const out = path.resolve(process.argv[2] ?? '/tmp/omni-error-screens');
await mkdir(out, { recursive: true });

const hs = await startSynapse();
const [browser, pages] = await Promise.all([launchChromium(), servePages()]);
try {
  const bob = await hs.registerUser({ displayName: 'Bob' });
  const { alias } = await bob.createRoom({ alias: `members-${Date.now()}`, name: 'Members lounge', preset: 'public_chat' });
  if (!alias) throw new Error('no alias');

  interface Shot {
    name: string;
    hs: string;
    room: string;
    guest?: boolean;
    /** Text to wait for inside the element's shadow roots. */
    until: string;
  }
  const shots: Shot[] = [
    { name: 'unreachable', hs: 'http://127.0.0.1:9', room: `#lobby:${hs.serverName}`, until: 'Cannot reach the chat server' },
    { name: 'unknown-room', hs: hs.baseUrl, room: `#no-such-room:${hs.serverName}`, guest: true, until: 'does not exist' },
    { name: 'guest-members-only', hs: hs.baseUrl, room: alias, guest: true, until: 'it is for members only' },
    { name: 'signed-out', hs: hs.baseUrl, room: alias, until: 'Continue as guest' },
  ];

  const deepText = (page: Page): Promise<string> =>
    page.evaluate(() => {
      let text = '';
      const visit = (n: Node): void => {
        if (n.nodeType === Node.TEXT_NODE) text += n.textContent ?? '';
        if (n instanceof Element && n.shadowRoot) visit(n.shadowRoot);
        for (const child of n.childNodes) visit(child);
      };
      visit(document.body);
      return text;
    });

  for (const shot of shots) {
    for (const width of [320, 390, 1280]) {
      for (const theme of ['light', 'dark'] as const) {
        const context = await browser.newContext({ viewport: { width, height: 760 }, colorScheme: theme });
        const page = await context.newPage();
        const query = new URLSearchParams({ hs: shot.hs, room: shot.room });
        await page.goto(pages.url(`test/pages/session.html?${query}`));
        await page.evaluate((dark) => {
          document.body.style.margin = '16px';
          document.body.style.background = dark ? '#0d1117' : '#f6f7f9';
          const room = document.querySelector('omni-room');
          if (room) room.setAttribute('theme', dark ? 'dark' : 'light');
        }, theme === 'dark');
        if (shot.guest) {
          await page.evaluate(
            (homeserver) =>
              (window as unknown as { omni: { signIn: (o: object) => Promise<unknown> } }).omni.signIn({ homeserver, guest: true }),
            shot.hs,
          );
        }
        const deadline = Date.now() + 60_000;
        while (!(await deepText(page)).includes(shot.until)) {
          if (Date.now() > deadline) throw new Error(`${shot.name}: "${shot.until}" never showed`);
          await page.waitForTimeout(250);
        }
        await page.waitForTimeout(300);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 0) console.warn(`${shot.name} ${width}px ${theme}: scrolls sideways by ${overflow}px`);
        const file = path.join(out, `${shot.name}-${width}-${theme}.png`);
        await page.screenshot({ path: file });
        console.log(file);
        await context.close();
      }
    }
  }
} finally {
  await browser.close();
  await pages.close();
  await hs.stop();
}
