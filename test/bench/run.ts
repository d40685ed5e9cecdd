/**
 * `pnpm bench`: sync scoped to what is on screen, measured against a real Synapse in Debian's Chromium.
 *
 *  (a) time from `<omni-room>` connected to its first message painted, for a member joined to
 *      1, 100 and 500 rooms (median of RUNS fresh pages each) — target: 500 rooms / 1 room ≤ 1.2;
 *  (b) sync connections (sync requests in flight at once) and homeserver requests for 1, 10 and 50
 *      elements on one page — target: one sync connection.
 *
 * Prints a table and writes bench-results/sync.json. A command that prints figures, not a test.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, servePages } from '../support/chromium.ts';
import { bounded } from './bounded.ts';
import type { OmniBench } from './page.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env['OMNI_BENCH_RUNS'] ?? 7);
const ROOM_COUNTS = [1, 100, 500] as const;
const ELEMENT_COUNTS = [1, 10, 50] as const;
const RATIO_TARGET = 1.2;
const SEED_CONCURRENCY = 4;
const SYNC_PATH = /\/_matrix\/client\/(?:unstable\/org\.matrix\.simplified_msc3575|v3|r0)\/sync\b/;

interface PaintFigures {
  rooms: number;
  /** CPU slowdown (Chromium's CPU throttling): 1, or 4 for a phone. */
  throttle: number;
  runsMs: number[];
  medianMs: number;
}

interface RequestFigures {
  elements: number;
  syncConnections: number;
  syncRequests: number;
  requestsAfterMount: number;
  requestsTotal: number;
  paintMs: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function inBatches<T>(count: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += SEED_CONCURRENCY) {
    const size = Math.min(SEED_CONCURRENCY, count - start);
    results.push(...(await Promise.all(Array.from({ length: size }, (_, i) => task(start + i)))));
  }
  return results;
}

/** Counts the page's homeserver requests (the sync connections are counted in the page, see page.ts). */
function watchRequests(
  page: Page,
  homeserver: string,
): { mark(): void; log(): string[]; figures(): Omit<RequestFigures, 'elements' | 'paintMs'> } {
  const log: string[] = [];
  let total = 0;
  let afterMark = 0;
  let marked = false;
  let syncRequests = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  page.on('request', (request) => {
    if (!request.url().startsWith(homeserver)) return;
    total += 1;
    if (marked) {
      afterMark += 1;
      log.push(`${Math.round(performance.now())} ${request.method()} ${request.url().slice(homeserver.length)}`);
    }
    if (SYNC_PATH.test(request.url())) {
      syncRequests += 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
    }
  });
  const done = (request: { url(): string }): void => {
    if (request.url().startsWith(homeserver) && SYNC_PATH.test(request.url())) inFlight -= 1;
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return {
    mark: () => {
      marked = true;
    },
    log: () => log,
    figures: () => ({ syncConnections: maxInFlight, syncRequests, requestsAfterMount: afterMark, requestsTotal: total }),
  };
}

async function openSignedIn(
  browser: Browser,
  url: string,
  homeserver: string,
  member: Peer,
  throttle = 1,
): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (throttle > 1) await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: throttle });
  await page.goto(url);
  await page.waitForFunction(() => 'omniBench' in window);
  await bounded(
    page.evaluate(([hs, username, password]) => (window as unknown as { omniBench: OmniBench }).omniBench.signIn(hs, username, password), [
      homeserver,
      member.username,
      member.password,
    ] as const),
    'sync: sign-in',
  );
  return { page, close: () => context.close() };
}

function firstPaint(page: Page, homeserver: string, roomIds: readonly string[]): Promise<number> {
  return bounded(
    page.evaluate(([hs, ids]) => (window as unknown as { omniBench: OmniBench }).omniBench.firstPaint(hs, ids), [
      homeserver,
      roomIds,
    ] as const),
    `sync: ${String(roomIds.length)} <omni-room> → first message painted`,
  );
}

/** Runs the sync scenario against `shared` (left running) or a Synapse of its own. */
export async function runSyncBench(shared?: Homeserver): Promise<void> {
  let pages: Awaited<ReturnType<typeof servePages>> | undefined;
  let browser: Browser | undefined;
  let own: Homeserver | undefined;

  try {
    const started = Date.now();
    if (!shared) process.stdout.write('omni bench: starting Synapse…\n');
    const homeserver = shared ?? (own = await startSynapse({ bench: true }));
    const member = await homeserver.registerUser({ displayName: 'Bench Member' });
    const poster = await homeserver.registerUser({ displayName: 'Poster' });

    pages = await servePages();
    const url = pages.url('/test/bench/index.html');
    browser = await launchChromium();

    // Rooms the member has joined; the first 50 carry a message from another member.
    const rooms: string[] = [];
    const seedTo = async (count: number): Promise<void> => {
      const from = rooms.length;
      if (count <= from) return;
      process.stdout.write(`omni bench: seeding rooms ${from + 1}–${count}…\n`);
      const created = await inBatches(count - from, async (i) => {
        const index = from + i;
        const { roomId } = await member.createRoom({ name: `Bench room ${index}`, preset: 'public_chat' });
        if (index < 50) {
          await poster.joinRoom(roomId);
          await poster.sendMessage(roomId, `first message in room ${index}`);
        }
        return roomId;
      });
      rooms.push(...created);
    };

    // Warm-up: Vite transforms and pre-bundles on the first visit; that cost is no part of the figures.
    await seedTo(1);
    {
      const warm = await openSignedIn(browser, url, homeserver.baseUrl, member);
      await firstPaint(warm.page, homeserver.baseUrl, rooms.slice(0, 1));
      await warm.close();
    }

    const paint: PaintFigures[] = [];
    for (const count of ROOM_COUNTS) {
      await seedTo(count);
      // 4× CPU (a phone) for the two ends of the ratio.
      for (const throttle of count === ROOM_COUNTS[0] || count === ROOM_COUNTS.at(-1) ? [1, 4] : [1]) {
        const runsMs: number[] = [];
        for (let run = 0; run < RUNS; run += 1) {
          const signedIn = await openSignedIn(browser, url, homeserver.baseUrl, member, throttle);
          runsMs.push(await firstPaint(signedIn.page, homeserver.baseUrl, rooms.slice(0, 1)));
          await signedIn.close();
        }
        paint.push({ rooms: count, throttle, runsMs: runsMs.map((ms) => Math.round(ms)), medianMs: Math.round(median(runsMs)) });
        process.stdout.write(
          `omni bench: ${count} rooms joined, ${throttle}× CPU → median ${Math.round(median(runsMs))} ms (${runsMs.map((ms) => Math.round(ms)).join(', ')})\n`,
        );
      }
    }

    const requests: RequestFigures[] = [];
    for (const elements of ELEMENT_COUNTS) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const watch = watchRequests(page, homeserver.baseUrl);
      await page.goto(url);
      await page.waitForFunction(() => 'omniBench' in window);
      await bounded(
        page.evaluate(
          ([hs, username, password]) => (window as unknown as { omniBench: OmniBench }).omniBench.signIn(hs, username, password),
          [homeserver.baseUrl, member.username, member.password] as const,
        ),
        'sync: sign-in',
      );
      watch.mark();
      const paintMs = await firstPaint(page, homeserver.baseUrl, rooms.slice(0, elements));
      // Let the long-poll settle so a late burst of requests would be counted.
      await page.waitForTimeout(1000);
      const sync = await page.evaluate(() => (window as unknown as { omniBench: OmniBench }).omniBench.syncCounts());
      requests.push({
        elements,
        paintMs: Math.round(paintMs),
        ...watch.figures(),
        syncConnections: sync.connections,
        syncRequests: sync.requests,
      });
      if (process.env['OMNI_BENCH_VERBOSE']) process.stdout.write(`${watch.log().join('\n')}\n`);
      await context.close();
    }

    const ratioAt = (throttle: number): number => {
      const at = paint.filter((p) => p.throttle === throttle);
      const first = at[0]?.medianMs ?? 0;
      const last = at.at(-1)?.medianMs ?? 0;
      return first > 0 ? last / first : Number.NaN;
    };
    const ratio = ratioAt(1);
    const ratio4x = ratioAt(4);
    const verdict = (ok: boolean): string => (ok ? 'ok' : 'over');
    const lines = [
      '',
      `Sync scoped to what is on screen — Synapse ${homeserver.serverName}, Chromium, median of ${RUNS} runs`,
      '',
      '(a) <omni-room> connected → first message painted',
      '  rooms joined   CPU   median ms   runs (ms)',
      ...paint.map(
        (p) =>
          `  ${String(p.rooms).padStart(12)}   ${`${String(p.throttle)}×`.padStart(3)}   ${String(p.medianMs).padStart(9)}   ${p.runsMs.join(', ')}`,
      ),
      `  ratio 500/1: ${ratio.toFixed(2)} (target ≤ ${RATIO_TARGET}) ${verdict(ratio <= RATIO_TARGET)}; at 4× CPU ${ratio4x.toFixed(2)}`,
      '',
      '(b) one page, member joined to 500 rooms',
      '  elements   sync connections   sync requests   requests after mount   requests total   all painted ms',
      ...requests.map(
        (r) =>
          `  ${String(r.elements).padStart(8)}   ${`${r.syncConnections} ${verdict(r.syncConnections === 1)}`.padStart(16)}   ${String(r.syncRequests).padStart(13)}   ${String(r.requestsAfterMount).padStart(20)}   ${String(r.requestsTotal).padStart(14)}   ${String(r.paintMs).padStart(14)}`,
      ),
      '  (target: 1 sync connection whatever the number of elements)',
      '',
    ];
    process.stdout.write(lines.join('\n'));
    await mkdir(`${root}bench-results`, { recursive: true });
    const results = {
      date: new Date().toISOString(),
      runs: RUNS,
      firstPaint: {
        scenarios: paint,
        ratio500to1: Number(ratio.toFixed(3)),
        ratio500to1At4x: Number(ratio4x.toFixed(3)),
        target: RATIO_TARGET,
        ok: ratio <= RATIO_TARGET,
      },
      requests: { scenarios: requests, target: { syncConnections: 1 }, ok: requests.every((r) => r.syncConnections === 1) },
      durationS: Math.round((Date.now() - started) / 1000),
    };
    await writeFile(`${root}bench-results/sync.json`, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`Written bench-results/sync.json (${results.durationS} s)\n`);
  } finally {
    await browser?.close();
    await pages?.close();
    await own?.stop();
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await runSyncBench();
