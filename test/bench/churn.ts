/**
 * `pnpm bench churn`: elements coming and going, as on a feed or a single-page app, against a real
 * Synapse in Debian's Chromium (production build, served statically):
 *
 *  - mount/unmount MOUNTS `<omni-room>` elements (rounds of ROUND, each painting its room's latest
 *    message before it is removed): JS heap after GC and DOM nodes against the baseline taken after one
 *    warm-up round (engine loaded, signed in) — target: no growth beyond noise;
 *  - long tasks during the churn and during a burst of BURST messages typed and sent in one room (each
 *    send writes the outbox to IndexedDB) — target: none over 50 ms attributable to storage writes.
 *
 * Prints a table and writes bench-results/churn.json. A command that prints figures, not a test.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { startSynapse, type Homeserver } from '@omnisocial/testing';
import { launchChromium } from '../support/chromium.ts';
import { bounded } from './bounded.ts';
import type { ChurnBench, LongTaskFigures } from './churn-page.ts';
import { buildBenchPages, serveStatic } from './static.ts';
import { check, info, num, obj, type Figure, type Json } from './figures.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = path.join(root, '.cache/bench/churn');
const MOUNTS = Number(process.env['OMNI_BENCH_MOUNTS'] ?? 200);
const ROUND = 5;
const ROOMS = 20;
const BURST = Number(process.env['OMNI_BENCH_BURST'] ?? 30);
const HEAP_NOISE = 1024 * 1024;

type Window_ = { churn: ChurnBench };

async function heapAfterGc(cdp: CDPSession): Promise<number> {
  // Twice: the first collection can leave objects whose finalizers free more.
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

/** Runs the scenario against `shared` (left running) or a Synapse of its own. */
export async function runChurnBench(shared?: Homeserver): Promise<void> {
  let own: Homeserver | undefined;
  const started = Date.now();
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof serveStatic>> | undefined;
  try {
    process.stdout.write('omni bench churn: building the page for production…\n');
    await buildBenchPages(outDir, ['test/bench/churn.html']);
    server = await serveStatic(outDir);
    process.stdout.write('omni bench churn: starting Synapse and seeding…\n');
    const homeserver = shared ?? (own = await startSynapse({ bench: true }));
    const member = await homeserver.registerUser({ displayName: 'Churn Member' });
    const poster = await homeserver.registerUser({ displayName: 'Poster' });
    const rooms: string[] = [];
    const markers: string[] = [];
    for (let i = 0; i < ROOMS; i += 1) {
      const { roomId } = await poster.createRoom({ name: `Churn room ${String(i)}`, preset: 'public_chat' });
      await member.joinRoom(roomId);
      await poster.sendMessage(roomId, `hello from room ${String(i)}`);
      const marker = `latest in churn room ${String(i)}`;
      await poster.sendMessage(roomId, marker);
      rooms.push(roomId);
      markers.push(marker);
    }

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 900, height: 1600 } });
    const page: Page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await page.goto(`${server.origin}/test/bench/churn.html`);
    await page.waitForFunction(() => 'churn' in window);
    await bounded(
      page.evaluate(([hs, user, password]) => (window as unknown as Window_).churn.signIn(hs, user, password), [
        homeserver.baseUrl,
        member.username,
        member.password,
      ] as const),
      'churn: sign-in',
    );
    const round = (index: number): Promise<number> => {
      const from = (index * ROUND) % ROOMS;
      const ids = rooms.slice(from, from + ROUND);
      const marks = markers.slice(from, from + ROUND);
      return bounded(
        page.evaluate(([hs, i, m]) => (window as unknown as Window_).churn.round(hs, i, m), [homeserver.baseUrl, ids, marks] as const),
        `churn: round ${String(index)} (${String(ROUND)} mounts)`,
      );
    };
    // Warm-up: loads the views and the engine and opens every room once.
    for (let i = 0; i < ROOMS / ROUND; i += 1) await round(i);
    await page.waitForTimeout(500);
    const baselineHeap = await heapAfterGc(cdp);
    const baselineNodes = await page.evaluate(() => (window as unknown as Window_).churn.domNodes());
    await page.evaluate(() => (window as unknown as Window_).churn.takeLongTasks());

    process.stdout.write(`omni bench churn: ${String(MOUNTS)} mounts…\n`);
    const roundMs: number[] = [];
    for (let i = 0; i < MOUNTS / ROUND; i += 1) roundMs.push(await round(i));
    const churnTasks: LongTaskFigures = await page.evaluate(() => (window as unknown as Window_).churn.takeLongTasks());
    await page.waitForTimeout(500);
    const afterHeap = await heapAfterGc(cdp);
    const afterNodes = await page.evaluate(() => (window as unknown as Window_).churn.domNodes());

    process.stdout.write(`omni bench churn: a burst of ${String(BURST)} messages…\n`);
    await page.evaluate(
      ([hs, id]) => {
        const el = document.createElement('omni-room');
        el.setAttribute('homeserver', hs);
        el.setAttribute('room', id);
        el.style.setProperty('--omni-room-height', '600px');
        document.getElementById('rooms')?.append(el);
      },
      [homeserver.baseUrl, rooms[0] ?? ''] as const,
    );
    const textbox = page.getByRole('textbox', { name: 'Message' });
    await textbox.waitFor({ timeout: 60_000 });
    await page.evaluate(() => (window as unknown as Window_).churn.takeLongTasks());
    for (let i = 0; i < BURST; i += 1) {
      await textbox.fill(`burst message ${String(i)}`);
      await textbox.press('Enter');
    }
    await poster.waitForMessage(rooms[0] ?? '', (event) => event.content['body'] === `burst message ${String(BURST - 1)}`, 60_000);
    await page.waitForTimeout(500);
    const burstTasks: LongTaskFigures = await page.evaluate(() => (window as unknown as Window_).churn.takeLongTasks());
    await context.close();

    const growth = afterHeap - baselineHeap;
    const sortedRounds = [...roundMs].sort((a, b) => a - b);
    const medianRound = sortedRounds[Math.floor(sortedRounds.length / 2)] ?? Number.NaN;
    const lines = [
      '',
      `Churn — ${String(MOUNTS)} <omni-room> mounted and removed in rounds of ${String(ROUND)} over ${String(ROOMS)} rooms`,
      '',
      `  JS heap after GC   baseline ${mb(baselineHeap)}   after ${mb(afterHeap)}   growth ${mb(growth)} (${(growth / MOUNTS / 1024).toFixed(1)} KB per mount; target ≤ ${mb(HEAP_NOISE)} noise) ${growth <= HEAP_NOISE ? 'ok' : 'over'}`,
      `  DOM nodes          baseline ${String(baselineNodes)}   after ${String(afterNodes)}   ${afterNodes <= baselineNodes ? 'ok' : 'over'}`,
      `  round of ${String(ROUND)} mounted → painted: median ${String(Math.round(medianRound))} ms`,
      `  long tasks during churn: ${String(churnTasks.count)} (max ${String(Math.round(churnTasks.maxMs))} ms, total ${String(Math.round(churnTasks.totalMs))} ms)`,
      `  long tasks during a burst of ${String(BURST)} sends (outbox writes to IndexedDB): ${String(burstTasks.count)} (max ${String(Math.round(burstTasks.maxMs))} ms) ${burstTasks.maxMs <= 50 ? 'ok' : 'over'}`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
    const durationS = Math.round((Date.now() - started) / 1000);
    await mkdir(path.join(root, 'bench-results'), { recursive: true });
    await writeFile(
      path.join(root, 'bench-results/churn.json'),
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          mounts: MOUNTS,
          burst: BURST,
          heap: { baselineBytes: baselineHeap, afterBytes: afterHeap, growthBytes: growth, ok: growth <= HEAP_NOISE },
          domNodes: { baseline: baselineNodes, after: afterNodes },
          roundMs: roundMs.map(Math.round),
          longTasks: { churn: churnTasks, burst: burstTasks },
          durationS,
        },
        null,
        2,
      )}\n`,
    );
    process.stdout.write(`Written bench-results/churn.json (${String(durationS)} s)\n`);
  } finally {
    await browser?.close();
    await server?.close();
    await own?.stop();
  }
}

/** The summary's rows (all.ts) from bench-results/churn.json. */
export function churnFigures(churn: Json): Figure[] {
  const figures: Figure[] = [];
  const growth = num(obj(churn['heap'])['growthBytes']);
  figures.push({
    figure: `mount/unmount ${String(churn['mounts'])}: JS heap after GC vs baseline`,
    value: growth,
    unit: 'B',
    target: '≤ 1 MB noise',
    ok: check(growth, (v) => v <= 1024 * 1024),
  });
  const nodes = obj(churn['domNodes']);
  const nodeGrowth = (num(nodes['after']) ?? Number.NaN) - (num(nodes['baseline']) ?? Number.NaN);
  figures.push({
    figure: 'mount/unmount: DOM nodes vs baseline',
    value: num(nodeGrowth),
    unit: '',
    target: '≤ 0',
    ok: check(num(nodeGrowth), (v) => v <= 0),
  });
  const tasks = obj(churn['longTasks']);
  const burstTasks = obj(tasks['burst']);
  const burst = num(burstTasks['maxMs']);
  figures.push({
    figure: `longest task during a burst of ${String(num(churn['burst']) ?? '')} sends (outbox writes to IndexedDB)`,
    value: burst,
    unit: 'ms',
    target: '≤ 50 ms',
    ok: check(burst, (v) => v <= 50),
  });
  figures.push(info('long tasks (> 50 ms) during that burst', num(burstTasks['count']), ''));
  figures.push(info('long tasks (> 50 ms) during mount/unmount', num(obj(tasks['churn'])['count']), ''));
  figures.push(info('longest task during mount/unmount', num(obj(tasks['churn'])['maxMs']), 'ms'));
  return figures;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await runChurnBench();
