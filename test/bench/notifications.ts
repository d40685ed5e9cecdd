/**
 * `pnpm bench notifications`: mention → system notification shown. A member's page (one `<omni-room>`, signed in,
 * notifications turned on with **Notify me**) is in the background; another member sends a message mentioning
 * them; the figure is the time from the send request leaving to the page creating the notification, median and
 * worst of the runs (Chromium, real Synapse, sliding sync).
 *
 * Prints a line and writes bench-results/notifications.json. A command that prints figures, not a test.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Homeserver } from '@omnisocial/testing';
import { launchChromium, servePages } from '../support/chromium.ts';
import { openNotifyPage } from '../support/notify-page.ts';
import { bounded } from './bounded.ts';
import { median } from './stats.ts';
import { info, num, type Figure, type Json } from './figures.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env['OMNI_BENCH_RUNS'] ?? 5);

export async function runNotificationsBench(homeserver: Homeserver): Promise<void> {
  const [browser, pages] = await Promise.all([launchChromium(), servePages()]);
  try {
    const member = await homeserver.registerUser({ displayName: 'Reader' });
    const writer = await homeserver.registerUser({ displayName: 'Writer' });
    const { roomId } = await writer.createRoom({ name: 'Notification bench', preset: 'public_chat' });
    await member.joinRoom(roomId);
    const url = pages.url(`/test/pages/session.html?${new URLSearchParams({ hs: homeserver.baseUrl, room: roomId }).toString()}`);
    const page = await openNotifyPage(browser, url, member.toJSON(), homeserver.baseUrl, { grant: true });
    const notify = page.page.locator('omni-room').getByRole('button', { name: 'Notify me' });
    await notify.waitFor({ timeout: 60_000 });
    await notify.click();
    await page.hide();
    const runsMs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const sent = Date.now();
      await writer.sendEvent(roomId, 'm.room.message', {
        msgtype: 'm.text',
        body: `Reader, run ${String(run)}`,
        'm.mentions': { user_ids: [member.userId] },
      });
      await bounded(
        page.page.waitForFunction(
          (count) => (window as unknown as { shownNotifications: unknown[] }).shownNotifications.length > count,
          run,
          { timeout: 0 },
        ),
        'notification shown',
      );
      const shown = await page.shown();
      runsMs.push((shown[run]?.at ?? Number.NaN) - sent);
    }
    await page.context.close();
    const result = { date: new Date().toISOString(), medianMs: median(runsMs), maxMs: Math.max(...runsMs), runsMs };
    await mkdir(`${root}bench-results`, { recursive: true });
    await writeFile(`${root}bench-results/notifications.json`, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      `omni bench notifications: mention → notification shown ${result.medianMs.toFixed(0)} ms median, ${result.maxMs.toFixed(0)} ms worst (${String(RUNS)} runs)\n`,
    );
  } finally {
    await browser.close();
    await pages.close();
  }
}

/** The summary's rows (all.ts) from bench-results/notifications.json. */
export function notificationsFigures(notified: Json): Figure[] {
  const figures: Figure[] = [];
  for (const [figure, key] of [
    ['mention → notification shown, median', 'medianMs'],
    ['mention → notification shown, worst', 'maxMs'],
  ] as const) {
    figures.push(info(figure, num(notified[key]), 'ms'));
  }
  return figures;
}
