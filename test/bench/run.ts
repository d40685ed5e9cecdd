/**
 * `pnpm bench`: sync scoped to what is on screen, measured against a real Synapse in Debian's Chromium.
 *
 *  (a) time from `<omni-room>` connected to its first message painted, for members joined to
 *      1, 100 and 500 rooms (median of RUNS fresh pages each, the members' runs interleaved; 1 and 500
 *      rooms at 4× CPU too) — target: 500 rooms / 1 room ≤ 1.2;
 *  (b) sync connections (sync requests in flight at once) and homeserver requests for 1, 10 and 50
 *      elements on one page — target: one sync connection.
 *
 * Prints a table and writes bench-results/sync.json. A command that prints figures, not a test.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Peer, startSynapse, type Homeserver, type TestUser } from '@omnisocial/testing';
import type { Browser, Page, Request } from 'playwright-core';
import { LIGHT_READ_CONN_ID } from '@omnisocial/core/internal';
import { launchChromium, servePages } from '../support/chromium.ts';
import { bounded } from './bounded.ts';
import type { OmniBench } from './page.ts';
import { median } from './stats.ts';
import { connIdOf, isEngineSync } from './sync-connection.ts';
import { arr, check, info, num, obj, type Figure, type Json } from './figures.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env['OMNI_BENCH_RUNS'] ?? 7);
const ROOM_COUNTS = [1, 100, 500] as const;
const ELEMENT_COUNTS = [1, 10, 50] as const;
const RATIO_TARGET = 1.2;
const SEED_CONCURRENCY = 4;
/** How many times each member's first room-carrying sliding-sync request is replayed to weigh Synapse's CPU. */
const REPLAYS = 20;
const SLIDING_PATH = /\/_matrix\/client\/unstable\/org\.matrix\.simplified_msc3575\/sync\b/;
const SYNC_PATH = /\/_matrix\/client\/(?:unstable\/org\.matrix\.simplified_msc3575|v3|r0)\/sync\b/;
/**
 * What only a room's light read asks for (sync/light-read.ts) from a homeserver without sliding sync: its state one
 * type at a time, its messages, the member's preview setting. With sliding sync it is one request on its own
 * connection (`LIGHT_READ_CONN_ID`).
 */
const LIGHT_READ_PATH = /\/rooms\/[^/]+\/(?:state\/(?!m\.room\.member\/)|messages\b|account_data\/)/;
/** One per light read without sliding sync: the room's create event. */
const LIGHT_READ_ONE = /\/rooms\/[^/]+\/state\/m\.room\.create\//;

interface PaintFigures {
  rooms: number;
  /** CPU slowdown (Chromium's CPU throttling): 1, or 4 for a phone. */
  throttle: number;
  runsMs: number[];
  medianMs: number;
  /**
   * `light`: the page mounts the room in the task its sign-in resolves in, as a site does, and the room's light read
   * shows it; `engine`: the page mounts it once the engine syncs, and the engine shows it.
   */
  path: 'light' | 'engine';
  /** Per run: the engine showed the room (no light read made), whichever path the run took. */
  byEngine: boolean[];
}

interface RequestFigures {
  elements: number;
  syncConnections: number;
  syncRequests: number;
  requestsAfterMount: number;
  requestsTotal: number;
  /** Rooms read before the engine, and the requests those light reads made. */
  lightReads: number;
  lightReadRequests: number;
  /** From mounting to the engine's first sync request; null when it made none. */
  firstSyncMs: number | null;
  paintMs: number;
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
  let markedAt = 0;
  let firstSyncMs: number | null = null;
  let lightReads = 0;
  let lightReadRequests = 0;
  page.on('request', (request) => {
    if (!request.url().startsWith(homeserver)) return;
    total += 1;
    const path = request.url().slice(homeserver.length);
    const sync = SYNC_PATH.test(path);
    const lightRead = sync && request.method() === 'POST' && connIdOf(request.postData()) === LIGHT_READ_CONN_ID;
    if (marked) {
      afterMark += 1;
      log.push(`${Math.round(performance.now())} ${request.method()} ${path}${lightRead ? ` (${LIGHT_READ_CONN_ID})` : ''}`);
      if (lightRead || (request.method() === 'GET' && LIGHT_READ_PATH.test(path))) lightReadRequests += 1;
      if (lightRead || (request.method() === 'GET' && LIGHT_READ_ONE.test(path))) lightReads += 1;
      if (firstSyncMs === null && sync && !lightRead) firstSyncMs = Math.round(performance.now() - markedAt);
    }
    if (sync && !lightRead) {
      syncRequests += 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
    }
  });
  const done = (request: Request): void => {
    if (request.url().startsWith(homeserver) && SYNC_PATH.test(request.url()) && isEngineSync(request.postData())) inFlight -= 1;
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return {
    mark: () => {
      marked = true;
      markedAt = performance.now();
    },
    log: () => log,
    figures: () => ({
      syncConnections: maxInFlight,
      syncRequests,
      requestsAfterMount: afterMark,
      requestsTotal: total,
      lightReads,
      lightReadRequests,
      firstSyncMs,
    }),
  };
}

/** A fresh context's page at `throttle`× CPU. */
async function openPage(browser: Browser, throttle = 1): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (throttle > 1) await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: throttle });
  return { page, close: () => context.close() };
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

/**
 * A fresh page signs `member` in and, in the task the sign-in resolves in (`path` light) or once the engine's first
 * sync request has gone out (`path` engine), mounts one `<omni-room>` per room: ms from mounting to every one painted.
 */
async function paintAfterSignIn(
  page: Page,
  url: string,
  homeserver: string,
  member: Peer,
  roomIds: readonly string[],
  path: 'light' | 'engine',
): Promise<number> {
  await page.goto(url);
  await page.waitForFunction(() => 'omniBench' in window);
  return bounded(
    page.evaluate(
      async ([hs, username, password, ids, afterEngine]) => {
        const bench = (window as unknown as { omniBench: OmniBench }).omniBench;
        await bench.signIn(hs, username, password);
        if (afterEngine) await bench.engineSyncing();
        return bench.firstPaint(hs, ids);
      },
      [homeserver, member.username, member.password, roomIds, path === 'engine'] as const,
    ),
    `sync: sign-in, then ${String(roomIds.length)} <omni-room> → first message painted (${path})`,
  );
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

/** Synapse's CPU time so far (user + system), in ms. */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${String(pid)}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Waits (at most a minute) until Synapse uses under 5 % of a core over a second: after seeding hundreds of
 * rooms it works through background jobs (the user directory, caches) for a while, and timing a first
 * message meanwhile measures that work, not the rooms joined.
 */
async function synapseIdle(pid: number): Promise<string> {
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    const before = await cpuMs(pid);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const used = (await cpuMs(pid)) - before;
    if (used < 50) return `${String(used)} ms of CPU in the last second, after ${String(Math.round((Date.now() - started) / 1000))} s`;
  }
  return 'still busy after 60 s';
}

/** What the sync scenario seeds: its members and rooms (see seedSyncRooms), kept in the bench's snapshot. */
export interface SyncSeed {
  /** The member joined to the most rooms (ROOM_COUNTS' largest); the first 50 rooms carry a message. */
  member: TestUser;
  rooms: string[];
  /** For each room count, a member joined to that many of `rooms` (rooms[0], the one shown, included). */
  members: Array<[number, TestUser]>;
}

/** Changes whenever seedSyncRooms() seeds something else, so an older snapshot is not reused. */
export const SYNC_SEED_KEY = { counts: ROOM_COUNTS, format: 1 };

/** Seeds the rooms and members of (a) and (b). */
export async function seedSyncRooms(homeserver: Homeserver): Promise<SyncSeed> {
  const [member, poster] = await Promise.all([
    homeserver.registerUser({ displayName: 'Bench Member' }),
    homeserver.registerUser({ displayName: 'Poster' }),
  ]);
  const largest = Math.max(...ROOM_COUNTS);
  process.stdout.write(`omni bench sync: seeding ${String(largest)} rooms…\n`);
  const rooms = await inBatches(largest, async (index) => {
    const { roomId } = await member.createRoom({ name: `Bench room ${String(index)}`, preset: 'public_chat' });
    if (index < 50) {
      await poster.joinRoom(roomId);
      await poster.sendMessage(roomId, `first message in room ${String(index)}`);
    }
    return roomId;
  });
  // One member per room count, all joined to the room shown (rooms[0]): their runs are interleaved, so
  // the machine's load drifting during the scenario weighs on every count alike.
  const members: Array<[number, TestUser]> = [[largest, member]];
  for (const count of ROOM_COUNTS) {
    if (count === largest) continue;
    const other = await homeserver.registerUser({ displayName: `Member of ${String(count)} rooms` });
    await inBatches(count, (index) => other.joinRoom(rooms[index] ?? ''));
    members.push([count, other]);
  }
  return { member, rooms, members };
}

/**
 * Runs the sync scenario against `shared` (left running) or a Synapse of its own; `seeded`, when given, is
 * its rooms already on `shared` (seeded while `pnpm build` ran, or from the bench's snapshot).
 */
export async function runSyncBench(shared?: Homeserver, seeded?: Promise<SyncSeed>): Promise<void> {
  let pages: Awaited<ReturnType<typeof servePages>> | undefined;
  let browser: Browser | undefined;
  let own: Homeserver | undefined;

  try {
    const started = Date.now();
    if (!shared) process.stdout.write('omni bench: starting Synapse…\n');
    const homeserver = shared ?? (own = await startSynapse({ bench: true }));
    const seed = await (seeded ?? seedSyncRooms(homeserver));
    // Accounts from a snapshot are reached at this run's address.
    const peer = (user: TestUser): Peer => new Peer({ ...user, homeserver: homeserver.baseUrl });
    const member = peer(seed.member);
    const { rooms } = seed;
    const members = new Map(seed.members.map(([count, user]) => [count, peer(user)]));
    const largest = Math.max(...ROOM_COUNTS);

    pages = await servePages();
    const url = pages.url('/test/bench/index.html');
    browser = await launchChromium();

    const idle = await synapseIdle(homeserver.pid);
    process.stdout.write(`omni bench: Synapse idle after seeding (${idle})\n`);

    // Warm-up: Vite transforms and pre-bundles on the first visit; that cost is no part of the figures.
    {
      const warm = await openSignedIn(browser, url, homeserver.baseUrl, member);
      await firstPaint(warm.page, homeserver.baseUrl, rooms.slice(0, 1));
      await warm.close();
    }

    const roomSyncs = new Map<number, { body: string; authorization: string }>();
    // 4× CPU (a phone) for the two ends of the ratio.
    const cases = ROOM_COUNTS.flatMap((count) =>
      (count === ROOM_COUNTS[0] || count === largest ? [1, 4] : [1]).flatMap((throttle) =>
        (['light', 'engine'] as const).map((path) => ({ count, throttle, path, runsMs: [] as number[], byEngine: [] as boolean[] })),
      ),
    );
    for (let run = 0; run < RUNS; run += 1) {
      // Each round in another order, so no count always follows the same one.
      const order = cases.map((_, i) => cases[(i + run) % cases.length]).filter((c) => c !== undefined);
      for (const c of order) {
        const signedIn = await openPage(browser, c.throttle);
        if (!roomSyncs.has(c.count)) {
          signedIn.page.on('request', (request) => {
            const body = request.postData() ?? '';
            // The engine's request (the light read's own connection carries the room too).
            if (SLIDING_PATH.test(request.url()) && isEngineSync(body) && body.includes('room_subscriptions') && !roomSyncs.has(c.count)) {
              roomSyncs.set(c.count, { body, authorization: request.headers()['authorization'] ?? '' });
            }
          });
        }
        c.runsMs.push(
          await paintAfterSignIn(signedIn.page, url, homeserver.baseUrl, members.get(c.count) ?? member, rooms.slice(0, 1), c.path),
        );
        const by = await signedIn.page.evaluate(() => (window as unknown as { omniBench: OmniBench }).omniBench.paintedBy());
        c.byEngine.push(by.lightReads === 0);
        await signedIn.close();
      }
    }
    // Synapse's own cost, apart from the browser's and the machine's load: the first sliding-sync request
    // carrying the room, as each member's page sent it, replayed from Node (a new connection each time).
    const serverCost: Array<{ rooms: number; cpuMs: number; bytes: number }> = [];
    for (const count of ROOM_COUNTS) {
      const captured = roomSyncs.get(count);
      if (!captured) continue;
      let bytes = 0;
      const before = await cpuMs(homeserver.pid);
      for (let i = 0; i < REPLAYS; i += 1) {
        const response = await fetch(`${homeserver.baseUrl}/_matrix/client/unstable/org.matrix.simplified_msc3575/sync`, {
          method: 'POST',
          headers: { authorization: captured.authorization, 'content-type': 'application/json' },
          body: captured.body,
          signal: AbortSignal.timeout(30_000),
        });
        bytes = (await response.text()).length;
      }
      serverCost.push({ rooms: count, cpuMs: Math.round((((await cpuMs(homeserver.pid)) - before) / REPLAYS) * 10) / 10, bytes });
    }
    const serverFirst = serverCost[0]?.cpuMs ?? Number.NaN;
    const serverRatio = (serverCost.at(-1)?.cpuMs ?? Number.NaN) / serverFirst;
    process.stdout.write(
      `omni bench: Synapse CPU per first sliding-sync request carrying the room (${String(REPLAYS)} replays): ${serverCost.map((c) => `${String(c.rooms)} rooms ${String(c.cpuMs)} ms, ${String(c.bytes)} B`).join('; ')}\n`,
    );
    const paint: PaintFigures[] = cases.map(({ count, throttle, path, runsMs, byEngine }) => ({
      rooms: count,
      throttle,
      path,
      runsMs: runsMs.map((ms) => Math.round(ms)),
      medianMs: Math.round(median(runsMs)),
      byEngine,
    }));
    /** A run's ms, marked E where the engine showed the room (no light read), L where the light read did. */
    const marked = (p: PaintFigures): string => p.runsMs.map((ms, i) => `${String(ms)} ${p.byEngine[i] === true ? 'E' : 'L'}`).join(', ');
    const mounted = (p: PaintFigures): string => (p.path === 'light' ? 'mounted as the sign-in resolves' : 'mounted once the engine syncs');
    for (const p of paint) {
      process.stdout.write(
        `omni bench: ${String(p.rooms)} rooms joined, ${String(p.throttle)}× CPU, ${mounted(p)} → median ${String(p.medianMs)} ms (${marked(p)})\n`,
      );
    }

    const requests: RequestFigures[] = [];
    for (const elements of ELEMENT_COUNTS) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const watch = watchRequests(page, homeserver.baseUrl);
      // The page mounts its rooms as soon as the sign-in resolves, in the same task, as a site's page does: a second
      // call from here would come frames later, after the engine had started without waiting for any light read.
      await page.exposeFunction('omniBenchMounting', () => watch.mark());
      await page.goto(url);
      await page.waitForFunction(() => 'omniBench' in window);
      const paintMs = await bounded(
        page.evaluate(
          async ([hs, username, password, ids]) => {
            const bench = (window as unknown as { omniBench: OmniBench }).omniBench;
            await bench.signIn(hs, username, password);
            void (window as unknown as { omniBenchMounting: () => Promise<void> }).omniBenchMounting();
            return bench.firstPaint(hs, ids);
          },
          [homeserver.baseUrl, member.username, member.password, rooms.slice(0, elements)] as const,
        ),
        `sync: sign-in, then ${String(elements)} <omni-room> → first message painted`,
      );
      // The engine's first sync request, however long the page's light reads held it (up to 15 s), then a second
      // for the long-poll to settle, so a late burst of requests would be counted.
      for (const until = Date.now() + 15_000; watch.figures().firstSyncMs === null && Date.now() < until;) await page.waitForTimeout(100);
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

    const ratioAt = (throttle: number, path: 'light' | 'engine' = 'light'): number => {
      const at = paint.filter((p) => p.throttle === throttle && p.path === path);
      const first = at[0]?.medianMs ?? 0;
      const last = at.at(-1)?.medianMs ?? 0;
      return first > 0 ? last / first : Number.NaN;
    };
    const ratio = ratioAt(1);
    const ratio4x = ratioAt(4);
    const engineRatio = ratioAt(1, 'engine');
    const engineRatio4x = ratioAt(4, 'engine');
    const verdict = (ok: boolean): string => (ok ? 'ok' : 'over');
    const lines = [
      '',
      `Sync scoped to what is on screen — Synapse ${homeserver.serverName}, Chromium, median of ${RUNS} runs`,
      '',
      '(a) <omni-room> connected → first message painted; mounted as the sign-in resolves (light read) or once the engine syncs',
      '  rooms joined   CPU   mounted      median ms   runs (ms; L: shown by the light read, E: by the engine)',
      ...paint.map(
        (p) =>
          `  ${String(p.rooms).padStart(12)}   ${`${String(p.throttle)}×`.padStart(3)}   ${(p.path === 'light' ? 'at sign-in' : 'after sync').padEnd(10)}   ${String(p.medianMs).padStart(9)}   ${marked(p)}`,
      ),
      `  ratio 500/1, light read: ${ratio.toFixed(2)} (target ≤ ${RATIO_TARGET}) ${verdict(ratio <= RATIO_TARGET)}; at 4× CPU ${ratio4x.toFixed(2)} ${verdict(ratio4x <= RATIO_TARGET)}`,
      `  ratio 500/1, engine: ${engineRatio.toFixed(2)} ${verdict(engineRatio <= RATIO_TARGET)}; at 4× CPU ${engineRatio4x.toFixed(2)} ${verdict(engineRatio4x <= RATIO_TARGET)}`,
      `  Synapse CPU per first sliding-sync request carrying the room: ${serverCost.map((c) => `${String(c.rooms)} rooms ${String(c.cpuMs)} ms (${String(c.bytes)} B)`).join(', ')}; ratio 500/1 ${serverRatio.toFixed(2)}`,
      '',
      '(b) one page, member joined to 500 rooms',
      '  elements   sync connections   sync requests   requests after mount   requests total   all painted ms   light reads (requests)   first sync ms',
      ...requests.map(
        (r) =>
          `  ${String(r.elements).padStart(8)}   ${`${r.syncConnections} ${verdict(r.syncConnections === 1)}`.padStart(16)}   ${String(r.syncRequests).padStart(13)}   ${String(r.requestsAfterMount).padStart(20)}   ${String(r.requestsTotal).padStart(14)}   ${String(r.paintMs).padStart(14)}   ${`${String(r.lightReads)} (${String(r.lightReadRequests)})`.padStart(22)}   ${String(r.firstSyncMs ?? 'none').padStart(13)}`,
      ),
      '  (sync connections and requests one second after the engine’s first sync request; first sync: from mounting to it)',
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
        engineRatio500to1: Number(engineRatio.toFixed(3)),
        engineRatio500to1At4x: Number(engineRatio4x.toFixed(3)),
        synapseCpuPerRoomSync: serverCost,
        synapseCpuRatio500to1: Number(serverRatio.toFixed(3)),
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

/** The summary's rows (all.ts) from bench-results/sync.json. */
export function syncFigures(sync: Json): Figure[] {
  const figures: Figure[] = [];
  const paint = obj(sync['firstPaint']);
  for (const s of arr(paint['scenarios'])) {
    figures.push(
      info(
        `<omni-room> → first message painted, ${String(s['rooms'])} rooms joined, ${String(num(s['throttle']) ?? 1)}× CPU, ${s['path'] === 'engine' ? 'mounted once the engine syncs' : 'mounted as the sign-in resolves'}`,
        num(s['medianMs']),
        'ms',
      ),
    );
  }
  for (const [key, throttle, how] of [
    ['ratio500to1', '1×', 'light read'],
    ['ratio500to1At4x', '4×', 'light read'],
    ['engineRatio500to1', '1×', 'engine'],
    ['engineRatio500to1At4x', '4×', 'engine'],
  ] as const) {
    const ratio = num(paint[key]);
    figures.push({
      figure: `time to first message, 500 rooms / 1 room, ${throttle} CPU, ${how}`,
      value: ratio,
      unit: '×',
      target: '≤ 1.2',
      ok: check(ratio, (v) => v <= 1.2),
    });
  }
  const serverRatio = num(paint['synapseCpuRatio500to1']);
  figures.push({
    figure: 'Synapse CPU per first sync carrying the room, 500 rooms / 1 room (load-proof)',
    value: serverRatio,
    unit: '×',
    target: '≤ 1.2',
    ok: check(serverRatio, (v) => v <= 1.2),
  });
  for (const r of arr(obj(sync['requests'])['scenarios'])) {
    const connections = num(r['syncConnections']);
    figures.push({
      figure: `sync connections, ${String(r['elements'])} <omni-room> on one page`,
      value: connections,
      unit: '',
      target: '1',
      ok: check(connections, (v) => v === 1),
    });
    figures.push(info(`light-read requests, ${String(r['elements'])} eager <omni-room> on one page`, num(r['lightReadRequests']), ''));
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await runSyncBench();
