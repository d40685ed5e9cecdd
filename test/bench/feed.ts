/**
 * `pnpm bench feed`: fifty `<omni-chat>` on one page (production build, served statically), the first
 * below the fold, against a real Synapse in Debian's Chromium. A visitor reads open posts (as a guest).
 *
 *  - homeserver requests and engine/views chunks before any element is near the viewport — target 0;
 *  - element enters the viewport → its first messages painted: cold (nothing loaded yet) and warm (the
 *    next post, engine running), at 1× and 4× CPU — target ≤ 400 ms cold (DESIGN.md);
 *  - scrolling through all fifty: sync connections (most sync requests in flight at once — target 1),
 *    homeserver requests per element, JS heap after GC (total and per element), DOM nodes of a collapsed
 *    element, cumulative layout shift — target 0.
 *
 * Prints a table and writes bench-results/feed.json. A command that prints figures, not a test.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { startSynapse, type Homeserver } from '@omnisocial/testing';
import { postRoomAlias, postRoomCreateRequest } from '@omnisocial/core/internal';
import { launchChromium } from '../support/chromium.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { bounded } from './bounded.ts';
import type { FeedBench } from './feed-page.ts';
import { buildBenchPages, serveStatic } from './static.ts';
import { median } from './stats.ts';
import { arr, check, info, num, obj, type Figure, type Json } from './figures.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = path.join(root, '.cache/bench/feed');
const POSTS = 50;
const COLD_TARGET_MS = 400;
const RUNS = Number(process.env['OMNI_BENCH_RUNS'] ?? 5);

type Window_ = { feed: FeedBench };
const marker = (index: number): string => `latest on post ${String(index)}`;

async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

async function openFeed(
  browser: Browser,
  url: string,
  throttle: number,
): Promise<{ page: Page; cdp: CDPSession; homeserverRequests(): number; wasmRequests(): number; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
  const page = await context.newPage();
  const homeserver = new URL(url).searchParams.get('hs') ?? '';
  let requests = 0;
  let wasm = 0;
  page.on('request', (request) => {
    if (request.url().startsWith(homeserver)) requests += 1;
    if (new URL(request.url()).pathname.endsWith('.wasm')) wasm += 1;
  });
  if (process.env['OMNI_BENCH_VERBOSE']) {
    // Every request the page makes, with when it started (ms since the page was opened) and took.
    const opened = Date.now();
    page.on('requestfinished', (request) => {
      const timing = request.timing();
      const url = request.url().startsWith(homeserver) ? request.url().slice(homeserver.length) : new URL(request.url()).pathname;
      process.stdout.write(
        `  ${String(Math.round(timing.startTime - opened)).padStart(6)} ms  ${String(Math.round(timing.responseEnd)).padStart(5)} ms  ${request.method()} ${url.slice(0, 110)}\n`,
      );
    });
  }
  const cdp = await context.newCDPSession(page);
  if (throttle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  await page.goto(url);
  await page.waitForFunction(() => 'feed' in window);
  return { page, cdp, homeserverRequests: () => requests, wasmRequests: () => wasm, close: () => context.close() };
}

/** Scrolls element `index` into the middle of the viewport and resolves with enter → painted ms. */
async function reveal(page: Page, index: number): Promise<number> {
  if (process.env['OMNI_BENCH_VERBOSE']) process.stdout.write(`  -- post ${String(index)} scrolled into view at ${String(Date.now())}\n`);
  await page.evaluate((i) => document.querySelectorAll('omni-chat')[i]?.scrollIntoView({ block: 'center' }), index);
  return bounded(
    page.evaluate(([i, m]) => (window as unknown as Window_).feed.enterToPaint(i, m), [index, marker(index)] as const),
    `feed: post ${String(index)} entered → first messages painted`,
  );
}

/** Runs the scenario against `shared` (left running) or a Synapse of its own. */
export async function runFeedBench(shared?: Homeserver): Promise<void> {
  let own: Homeserver | undefined;
  const started = Date.now();
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof serveStatic>> | undefined;
  let proxy: FaultProxy | undefined;
  try {
    process.stdout.write('omni bench feed: building the page for production…\n');
    await buildBenchPages(outDir, ['test/bench/feed.html']);
    server = await serveStatic(outDir);
    process.stdout.write(`omni bench feed: starting Synapse and seeding ${String(POSTS)} post rooms…\n`);
    const homeserver = shared ?? (own = await startSynapse({ bench: true }));
    proxy = await startFaultProxy(homeserver.baseUrl);
    const site = await homeserver.registerUser({ displayName: 'Site moderator' });
    for (let i = 0; i < POSTS; i += 1) {
      const post = { id: `bench-post-${String(i)}`, title: `Post ${String(i)}`, open: true, moderators: [site.userId] };
      const alias = postRoomAlias(post.id, { serverName: homeserver.serverName });
      const { room_id: roomId } = await site.request<{ room_id: string }>(
        'POST',
        '/_matrix/client/v3/createRoom',
        postRoomCreateRequest(post, alias, site.userId),
      );
      await site.sendMessage(roomId, `first words on post ${String(i)}`);
      await site.sendMessage(roomId, marker(i));
    }
    const url = `${server.origin}/test/bench/feed.html?hs=${encodeURIComponent(proxy.baseUrl)}`;
    browser = await launchChromium();

    // Cold and warm, several fresh visits each, at 1× and 4× CPU.
    const startup: { throttle: number; coldMs: number[]; warmMs: number[]; requestsBeforeView: number[]; engineBeforeView: boolean[] }[] =
      [];
    for (const throttle of [1, 4]) {
      const entry = {
        throttle,
        coldMs: [] as number[],
        warmMs: [] as number[],
        requestsBeforeView: [] as number[],
        engineBeforeView: [] as boolean[],
      };
      for (let run = 0; run < RUNS; run += 1) {
        const visit = await openFeed(browser, url, throttle);
        await visit.page.waitForTimeout(2000);
        entry.requestsBeforeView.push(visit.homeserverRequests());
        entry.engineBeforeView.push(await visit.page.evaluate(() => (window as unknown as Window_).feed.engineLoaded()));
        entry.coldMs.push(await reveal(visit.page, 0));
        // Far enough from the first that it was not loaded ahead with it.
        entry.warmMs.push(await reveal(visit.page, 10));
        await visit.close();
      }
      startup.push(entry);
      process.stdout.write(
        `omni bench feed: ${String(throttle)}× cold ${String(Math.round(median(entry.coldMs)))} ms, warm ${String(Math.round(median(entry.warmMs)))} ms\n`,
      );
    }

    // One visit scrolling through the whole feed.
    process.stdout.write('omni bench feed: scrolling through the feed…\n');
    proxy.clearLog();
    const visit = await openFeed(browser, url, 1);
    await visit.page.waitForTimeout(1000);
    const collapsedNodes = await visit.page.evaluate(() => (window as unknown as Window_).feed.nodesOf(49));
    const heapBefore = await heapAfterGc(visit.cdp);
    await reveal(visit.page, 0);
    const requestsAfterFirst = proxy.log().length;
    const paintMs: number[] = [];
    for (let i = 1; i < POSTS; i += 1) paintMs.push(await reveal(visit.page, i));
    await visit.page.waitForTimeout(1000);
    const requestsAll = proxy.log().length;
    const heapAfter = await heapAfterGc(visit.cdp);
    const syncConnections = await visit.page.evaluate(() => (window as unknown as Window_).feed.syncConnections());
    const cls = await visit.page.evaluate(() => (window as unknown as Window_).feed.layoutShift());
    const shifts = await visit.page.evaluate(() => (window as unknown as Window_).feed.layoutShifts());
    // A page of public posts never needs the crypto wasm.
    const wasmRequests = visit.wasmRequests();
    await visit.close();

    const perElementRequests = (requestsAll - requestsAfterFirst) / (POSTS - 1);
    const heapPerElement = (heapAfter - heapBefore) / POSTS;
    const ok = (pass: boolean): string => (pass ? 'ok' : 'over');
    const lines = [
      '',
      `Feed of ${String(POSTS)} <omni-chat> (open posts, visitor reading as a guest), median of ${String(RUNS)} fresh visits`,
      '',
      '  cpu   hs requests before view   engine before view   enter → painted cold   enter → painted warm',
      ...startup.map(
        (s) =>
          `  ${`${String(s.throttle)}×`.padStart(3)}   ${`${String(Math.max(...s.requestsBeforeView))} ${ok(Math.max(...s.requestsBeforeView) === 0)}`.padStart(23)}   ${`${s.engineBeforeView.some(Boolean) ? 'yes' : 'no'} ${ok(!s.engineBeforeView.some(Boolean))}`.padStart(18)}   ${`${String(Math.round(median(s.coldMs)))} ms ${s.throttle === 1 ? ok(median(s.coldMs) <= COLD_TARGET_MS) : ''}`.padStart(20)}   ${`${String(Math.round(median(s.warmMs)))} ms`.padStart(20)}`,
      ),
      `  (cold target ≤ ${String(COLD_TARGET_MS)} ms at 1×, includes the guest session, engine and views chunks)`,
      '',
      '  scrolling through all fifty:',
      `    sync connections                 ${String(syncConnections)} (target 1) ${ok(syncConnections === 1)}`,
      `    homeserver requests per element  ${perElementRequests.toFixed(1)} (first element: ${String(requestsAfterFirst)} incl. guest registration and first sync)`,
      `    enter → painted, elements 2–50   median ${String(Math.round(median(paintMs)))} ms, max ${String(Math.round(Math.max(...paintMs)))} ms`,
      `    JS heap after GC                 ${(heapAfter / 1024 / 1024).toFixed(1)} MB total, ${(heapPerElement / 1024).toFixed(0)} KB per element`,
      `    DOM nodes of a collapsed element ${String(collapsedNodes)}`,
      `    cumulative layout shift          ${cls.toFixed(4)} (target 0) ${ok(cls === 0)}`,
      `    crypto wasm requests             ${String(wasmRequests)} (target 0) ${ok(wasmRequests === 0)}`,
      ...shifts.flatMap((s) => [
        `    layout shift ${s.value.toFixed(5)} at ${String(s.at)} ms:`,
        ...s.sources.map((source) => `      ${source.node}: ${source.from} → ${source.to}`),
      ]),
      '',
    ];
    process.stdout.write(lines.join('\n'));
    const durationS = Math.round((Date.now() - started) / 1000);
    await mkdir(path.join(root, 'bench-results'), { recursive: true });
    await writeFile(
      path.join(root, 'bench-results/feed.json'),
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          posts: POSTS,
          startup,
          scroll: {
            syncConnections,
            requestsAfterFirst,
            perElementRequests,
            paintMs: paintMs.map(Math.round),
            heapBefore,
            heapAfter,
            heapPerElement,
            collapsedNodes,
            cls,
            layoutShifts: shifts,
            wasmRequests,
          },
          durationS,
        },
        null,
        2,
      )}\n`,
    );
    process.stdout.write(`Written bench-results/feed.json (${String(durationS)} s)\n`);
  } finally {
    await browser?.close();
    await server?.close();
    await proxy?.close();
    await own?.stop();
  }
}

/** The summary's rows (all.ts) from bench-results/feed.json. */
export function feedFigures(feed: Json): Figure[] {
  const figures: Figure[] = [];
  for (const s of arr(feed['startup'])) {
    const throttle = num(s['throttle']) ?? 1;
    const before = Math.max(...arr(s['requestsBeforeView']).map(Number));
    if (throttle === 1)
      figures.push({
        figure: 'homeserver requests before any element in view (50 posts)',
        value: before,
        unit: '',
        target: '0',
        ok: before === 0,
      });
    const cold = num(median(arr(s['coldMs']).map(Number)));
    const warm = num(median(arr(s['warmMs']).map(Number)));
    figures.push({
      figure: `public post chat, enter → first messages painted, cold, ${String(throttle)}× CPU`,
      value: cold,
      unit: 'ms',
      target: throttle === 1 ? '≤ 400 ms' : '—',
      ok: throttle === 1 ? check(cold, (v) => v <= 400) : undefined,
    });
    figures.push(info(`public post chat, enter → painted, warm, ${String(throttle)}× CPU`, warm, 'ms'));
  }
  const scroll = obj(feed['scroll']);
  const sync = num(scroll['syncConnections']);
  figures.push({ figure: 'feed of 50: sync connections', value: sync, unit: '', target: '1', ok: check(sync, (v) => v === 1) });
  figures.push(info('feed of 50: homeserver requests per element', num(scroll['perElementRequests']), ''));
  figures.push(info('feed of 50: JS heap after GC, total', num(scroll['heapAfter']), 'B'));
  figures.push(info('feed of 50: JS heap per element', num(scroll['heapPerElement']), 'B'));
  figures.push(info('feed of 50: DOM nodes per collapsed element', num(scroll['collapsedNodes']), ''));
  const cls = num(scroll['cls']);
  figures.push({ figure: 'feed of 50: cumulative layout shift', value: cls, unit: '', target: '0', ok: check(cls, (v) => v === 0) });
  return figures;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await runFeedBench();
