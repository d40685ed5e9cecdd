/**
 * `node scripts/worker-engine-figures.ts [runs]`: the built `omni-chat.js` (run `pnpm build` first) on one host page,
 * the engine on the main thread and in a dedicated worker (docs/engine.md), against a real Synapse in Chromium:
 * - time to first message: from navigation to the first message shown, a member signed in with a token, for a
 *   room of 30 messages, each run in a fresh browser context (cold storage, warm HTTP cache), modes alternating;
 * - main-thread long tasks (over 50 ms) during that time;
 * - screenshots of the room through the worker engine at 390 and 1280 px wide, light and dark
 *   (docs/screenshots/worker-engine-room-*.png).
 * Prints medians and spread with the machine's load average.
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSynapse } from '@omnisocial/testing';
import { launchChromium, serveStatic } from '../test/support/chromium.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.argv[2] ?? 5);

const page = (mode: string, homeserver: string, room: string, credentials: object, theme: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="omni-chat-engine" content="${mode}">` +
  `<title>Engine: ${mode}</title><script>window.longTasks=0;new PerformanceObserver((l)=>{window.longTasks+=l.getEntries().length}).observe({type:'longtask',buffered:true});</script>` +
  `<script type="module">import { signIn } from '/dist/omni-chat.js'; signIn(${JSON.stringify(credentials)});</script></head>` +
  `<body style="margin:0;padding:1rem;background:Canvas"><omni-room homeserver="${homeserver}" room="${room}" theme="${theme}" style="block-size:640px"></omni-room></body></html>`;

const homeserver = await startSynapse();
const browser = await launchChromium();
try {
  const alice = await homeserver.registerUser({ displayName: 'Alice Liddell' });
  const bob = await homeserver.registerUser({ displayName: 'Bob Okafor' });
  const { roomId } = await bob.createRoom({ name: 'Engine off the main thread', preset: 'public_chat' });
  await alice.joinRoom(roomId);
  for (let i = 1; i <= 30; i += 1) await (i % 3 === 0 ? alice : bob).sendMessage(roomId, `Message ${String(i)} of the history`);
  const credentials = { homeserver: homeserver.baseUrl, accessToken: alice.accessToken, userId: alice.userId, deviceId: alice.deviceId };
  const pages: Record<string, string> = {};
  for (const mode of ['main', 'worker'])
    for (const theme of ['light', 'dark']) pages[`/${mode}-${theme}.html`] = page(mode, homeserver.baseUrl, roomId, credentials, theme);
  const site = await serveStatic(path.join(root, 'packages/elements'), pages);
  try {
    const figures: Record<string, { first: number[]; longTasks: number[] }> = {
      main: { first: [], longTasks: [] },
      worker: { first: [], longTasks: [] },
    };
    const loads: number[] = [];
    for (let run = 0; run <= runs; run += 1) {
      for (const mode of run % 2 === 0 ? ['main', 'worker'] : ['worker', 'main']) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const tab = await context.newPage();
        await tab.goto(site.url(`/${mode}-light.html`));
        const first = await tab.waitForFunction(
          () => {
            const deep = (scope: ParentNode): boolean =>
              scope.querySelector('[role="log"] article') !== null ||
              [...scope.querySelectorAll('*')].some((node) => node.shadowRoot !== null && deep(node.shadowRoot));
            return deep(document) ? performance.now() : false;
          },
          undefined,
          { polling: 'raf', timeout: 60_000 },
        );
        const at = (await first.jsonValue()) as number;
        const longTasks = await tab.evaluate(() => (window as unknown as { longTasks: number }).longTasks);
        // The first run of each mode warms the HTTP cache and Synapse; it is not counted.
        if (run > 0) {
          figures[mode]?.first.push(at);
          figures[mode]?.longTasks.push(longTasks);
          loads.push(loadavg()[0] ?? 0);
        }
        await context.close();
      }
    }
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
    for (const [mode, { first, longTasks }] of Object.entries(figures)) {
      process.stdout.write(
        `${mode}: time to first message median ${median(first).toFixed(0)} ms (min ${Math.min(...first).toFixed(0)}, max ${Math.max(...first).toFixed(0)}, n=${String(first.length)}); ` +
          `main-thread long tasks median ${String(median(longTasks))} (${longTasks.join(', ')})\n`,
      );
    }
    process.stdout.write(`load average (1 min) during the runs: ${loads.map((l) => l.toFixed(1)).join(', ')}\n`);

    for (const width of [390, 1280]) {
      for (const theme of ['light', 'dark']) {
        const context = await browser.newContext({ viewport: { width, height: 720 }, colorScheme: theme === 'dark' ? 'dark' : 'light' });
        const tab = await context.newPage();
        await tab.goto(site.url(`/worker-${theme}.html`));
        const room = tab.locator('omni-room');
        await room.getByRole('article').filter({ hasText: 'Message 30 of' }).waitFor({ timeout: 60_000 });
        await room.getByRole('textbox', { name: 'Message' }).fill('Typed while the engine runs in a worker');
        await tab.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        const file = `docs/screenshots/worker-engine-room${theme === 'dark' ? '-dark' : ''}-${String(width)}.png`;
        await room.screenshot({ path: path.join(root, file) });
        process.stdout.write(`${file}\n`);
        await context.close();
      }
    }
  } finally {
    await site.close();
  }
} finally {
  await browser.close();
  await homeserver.stop();
}
