/**
 * `pnpm bench threads`: opening a thread of REPLIES replies in `<omni-room>` (production build, Debian's
 * Chromium, a real Synapse): ms from the summary's click to the first reply shown and to the last
 * (latest) one, where the thread opens; then the most elements the thread's log held while scrolled
 * back to its root (target ≤ 300: virtualised like the main timeline, counted as its figure is).
 * Prints a table and writes bench-results/threads.json. A command that prints figures, not a test.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { startSynapse, type Homeserver } from '@omnisocial/testing';
import { launchChromium } from '../support/chromium.ts';
import { bounded } from './bounded.ts';
import { buildBenchPages, serveStatic } from './static.ts';
import type { ThreadFigures, ThreadsBench } from './threads-page.ts';
import { check, info, num, type Figure, type Json } from './figures.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = path.join(root, '.cache/bench/threads');
const REPLIES = Number(process.env['OMNI_BENCH_THREAD_REPLIES'] ?? 500);
export const THREAD_NODE_BUDGET = 300;

type Window_ = { threadsBench: ThreadsBench };

export async function runThreadsBench(shared?: Homeserver): Promise<void> {
  let own: Homeserver | undefined;
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof serveStatic>> | undefined;
  const started = Date.now();
  try {
    process.stdout.write('omni bench threads: building the page for production…\n');
    await buildBenchPages(outDir, ['test/bench/threads.html']);
    server = await serveStatic(outDir);
    const homeserver = shared ?? (own = await startSynapse({ bench: true }));
    const member = await homeserver.registerUser({ displayName: 'Thread Reader' });
    const poster = await homeserver.registerUser({ displayName: 'Poster' });
    const { roomId } = await poster.createRoom({ name: 'Threads bench', preset: 'public_chat' });
    await member.joinRoom(roomId);
    process.stdout.write(`omni bench threads: seeding a thread of ${String(REPLIES)} replies…\n`);
    const rootId = await poster.sendMessage(roomId, 'the thread root');
    for (let i = 1; i <= REPLIES; i += 1) {
      await poster.sendEvent(roomId, 'm.room.message', {
        msgtype: 'm.text',
        body: `reply ${String(i)} of the thread`,
        'm.relates_to': { rel_type: 'm.thread', event_id: rootId, is_falling_back: true, 'm.in_reply_to': { event_id: rootId } },
      });
    }
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.origin}/test/bench/threads.html`);
    await page.waitForFunction(() => 'threadsBench' in window);
    await bounded(
      page.evaluate(([hs, user, password]) => (window as unknown as Window_).threadsBench.signIn(hs, user, password), [
        homeserver.baseUrl,
        member.username,
        member.password,
      ] as const),
      'threads: sign-in',
    );
    const figures: ThreadFigures = await bounded(
      page.evaluate(([hs, id, latest]) => (window as unknown as Window_).threadsBench.open(hs, id, 'the thread root', latest), [
        homeserver.baseUrl,
        roomId,
        `reply ${String(REPLIES)} of the thread`,
      ] as const),
      'threads: opening the thread',
    );
    await context.close();
    const ok = figures.maxNodes <= THREAD_NODE_BUDGET;
    process.stdout.write(
      [
        '',
        `Threads — a thread of ${String(REPLIES)} replies opened from its summary`,
        `  first reply shown     ${String(Math.round(figures.firstMs))} ms`,
        `  last reply shown      ${String(Math.round(figures.lastMs))} ms (the thread opens at its latest reply)`,
        `  thread log elements   ${String(figures.maxNodes)} max, open and scrolled back to the root (target ≤ ${String(THREAD_NODE_BUDGET)}) ${ok ? 'ok' : 'over'}`,
        `  reply tiles in the DOM at the end: ${String(figures.tilesAtEnd)}`,
        '',
      ].join('\n'),
    );
    await mkdir(path.join(root, 'bench-results'), { recursive: true });
    await writeFile(
      path.join(root, 'bench-results/threads.json'),
      `${JSON.stringify({ date: new Date().toISOString(), replies: REPLIES, ...figures, ok, durationS: Math.round((Date.now() - started) / 1000) }, null, 2)}\n`,
    );
    process.stdout.write('Written bench-results/threads.json\n');
  } finally {
    await browser?.close();
    await server?.close();
    await own?.stop();
  }
}

/** The summary's rows (all.ts) from bench-results/threads.json. */
export function threadsFigures(threads: Json): Figure[] {
  const figures: Figure[] = [];
  const replies = String(num(threads['replies']) ?? '');
  figures.push(info(`thread of ${replies}: first reply shown`, num(threads['firstMs']), 'ms'));
  figures.push(info(`thread of ${replies}: last reply shown`, num(threads['lastMs']), 'ms'));
  const nodes = num(threads['maxNodes']);
  figures.push({
    figure: `thread of ${replies}: thread log DOM nodes (max)`,
    value: nodes,
    unit: '',
    target: '≤ 300',
    ok: check(nodes, (v) => v <= 300),
  });
  return figures;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await runThreadsBench();
