/**
 * `pnpm bench peers`: the same room shown by three clients against the same Synapse, each built for
 * production by Vite and served as static files, in Debian's Chromium at 1× and 4× CPU throttling:
 *
 *  - omni: `<omni-room>` through the public API (signIn + element);
 *  - baseline: matrix-js-sdk with its defaults (createClient + startClient, no filter);
 *  - peer: hydrogen-view-sdk, set up as its README shows (Platform with olm, Client, RoomViewModel, TimelineView).
 *
 * Each run is a fresh browser context (cold: empty caches and storage) that logs in with a password and
 * stops at the first frame showing the room's latest message (ours: and at the first frame in which the composer's
 * textbox is enabled, "composer usable", which the light read may paint the message before). Figures per client: time to that frame;
 * application bytes as the static server sent them (uncompressed, every worker's fetches included) for requests
 * that arrived before that frame, and all it sent by the time the heap is read ("settled"); homeserver response
 * bodies and requests (not counting CORS preflights); JS heap after GC of the page and of every dedicated, shared
 * and service worker of its context (peers/heap.ts). The member has joined OTHER_ROOMS other rooms with some
 * history, as a real account has. Prints each figure's median (min–max) over the runs and the ratios ours /
 * baseline and ours / peer with the range the runs give, and writes bench-results/peers.json (every run, and each
 * figure's median, min, max and quartiles).
 *
 * Homeserver bytes are counted at a loopback proxy that stands for the homeserver's public address: it names
 * itself where Synapse names its base URL (well-known, login), or Hydrogen, which follows well-known, would
 * leave it after one request. Every request of the context (page and service worker) is watched; a client
 * with any request to Synapse's own address gets "not measured" instead of homeserver figures and ratios.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { startSynapse, type Homeserver } from '@omnisocial/testing';
import { launchChromium } from '../support/chromium.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import type { PeerResult } from './peers/measure.ts';
import { homeserverImplausible, ratioOf } from './peers/plausible.ts';
import { buildBenchPages } from './static.ts';
import { serveApp, type AppServer } from './peers/app-server.ts';
import { contextHeap } from './peers/heap.ts';
import { codeByScript, type ScriptCode } from './peers/heap-code.ts';
import { ratioSpread, spreadOf, type Spread } from '../support/peers-spread.ts';
import { arr, check, info, num, obj, type Figure, type Json } from './figures.ts';
import { connIdOf } from './sync-connection.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = path.join(root, '.cache/bench/peers');
const RUNS = Number(process.env['OMNI_BENCH_PEER_RUNS'] ?? process.env['OMNI_BENCH_RUNS'] ?? 5);
const OTHER_ROOMS = Number(process.env['OMNI_BENCH_OTHER_ROOMS'] ?? 30);
const HISTORY = 50;
const ALL_CLIENTS = ['omni', 'baseline', 'hydrogen'] as const;
type Client = (typeof ALL_CLIENTS)[number];
/** OMNI_BENCH_PEER_CLIENTS=hydrogen,omni and OMNI_BENCH_PEER_THROTTLES=1 shorten a run; all of them by default. */
const CLIENTS: readonly Client[] = (() => {
  const asked = process.env['OMNI_BENCH_PEER_CLIENTS']?.split(',').map((name) => name.trim());
  return asked ? ALL_CLIENTS.filter((client) => asked.includes(client)) : ALL_CLIENTS;
})();
const THROTTLES: readonly number[] = process.env['OMNI_BENCH_PEER_THROTTLES']?.split(',').map(Number) ?? [1, 4];
/** OMNI_BENCH_PEER_TRACE=1 prints every request each run made (page or service worker) and what the proxy saw. */
const TRACE = process.env['OMNI_BENCH_PEER_TRACE'] === '1';
/** Simplified sliding sync (MSC4186): ours' engine and its light read both post there, each on its own connection. */
const SLIDING_SYNC = /\/_matrix\/client\/unstable\/org\.matrix\.simplified_msc3575\/sync\b/;
/** A folder to write each run's page heap snapshot to (`<client>-<cpu>x-<n>.heapsnapshot`), for DevTools' Memory panel. */
const HEAP_SNAPSHOTS = process.env['OMNI_BENCH_PEER_HEAP_SNAPSHOTS'];
let snapshotsTaken = 0;
/** A folder to write each run's page CPU profile to (`<client>-<cpu>x-<n>.cpuprofile`, from navigation to the figures), for DevTools' Performance panel. */
const PROFILES = process.env['OMNI_BENCH_PEER_PROFILES'];
let profilesTaken = 0;

/** Writes the page's heap snapshot into HEAP_SNAPSHOTS; its path and the code it holds by script (peers/heap-code.ts). */
async function writeHeapSnapshot(cdp: CDPSession, name: string): Promise<{ file: string; code: ScriptCode[] }> {
  const chunks: string[] = [];
  const collect = (event: { chunk: string }): void => void chunks.push(event.chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', collect);
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', collect);
  await mkdir(HEAP_SNAPSHOTS ?? '.', { recursive: true });
  snapshotsTaken += 1;
  const file = path.join(HEAP_SNAPSHOTS ?? '.', `${name}-${String(snapshotsTaken)}.heapsnapshot`);
  const json = chunks.join('');
  await writeFile(file, json);
  return { file, code: codeByScript(json) };
}

interface RunFigures {
  firstMessageMs: number;
  /** Ours: until the composer's textbox is enabled (the engine runs and has the room); NaN for the others. */
  composerUsableMs: number;
  /** Application files the static server sent for requests that arrived before the first message was painted. */
  appBytes: number;
  /** All application files sent by the time the heap is read (what loads after the first message included). */
  appBytesSettled: number;
  homeserverBytes: number;
  homeserverRequests: number;
  /** The page's heap and every worker's of its browser context, after garbage collection. */
  heapBytes: number;
  /** The page's own heap alone. */
  pageHeapBytes: number;
  /** How many workers (dedicated, shared, service) the heap figure includes. */
  workers: number;
}

const FIGURES = [
  'firstMessageMs',
  'composerUsableMs',
  'appBytes',
  'appBytesSettled',
  'homeserverBytes',
  'homeserverRequests',
  'heapBytes',
  'pageHeapBytes',
  'workers',
] as const;

interface ClientFigures {
  client: Client;
  throttle: number;
  runs: RunFigures[];
  median: RunFigures;
  /** Median, min–max and interquartile range of each figure over the runs. */
  spread: Record<keyof RunFigures, Spread>;
  error?: string;
  /** Why the homeserver figures are not this client's real traffic; they are then left out (NaN, null in JSON). */
  homeserverNotMeasured?: string;
}

/** Where a run's requests may go: the static server (application files), the proxy, or — wrongly — Synapse itself. */
interface Origins {
  app: string;
  proxy: string;
  direct: string;
}

/** Hydrogen's README serves its service worker beside the page; its Platform does not run without it. */
async function addHydrogenServiceWorker(): Promise<void> {
  const hydrogenSw = path.join(path.dirname(createRequire(import.meta.url).resolve('hydrogen-view-sdk')), 'sw.js');
  await copyFile(hydrogenSw, path.join(outDir, 'test/bench/peers/sw.js'));
}

async function runOnce(
  browser: Browser,
  pageUrl: string,
  app: AppServer,
  proxy: FaultProxy,
  origins: Origins,
  marker: string,
  throttle: number,
): Promise<RunFigures & { error?: string; homeserverNotMeasured?: string }> {
  const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
  // Context events include the service worker's requests (Hydrogen's worker fetches for its page);
  // page events alone would miss them. Application bytes are counted at the static server instead, which
  // sees the requests of every worker too.
  const direct: string[] = [];
  const trace: string[] = [];
  /** The page's sliding sync requests' connections, in the order they started: ours' light read has its own (conn_id). */
  const slidingConnections: string[] = [];
  context.on('request', (request) => {
    const url = request.url();
    const from = request.serviceWorker() ? 'service worker' : 'page';
    const sliding = request.method() === 'POST' && SLIDING_SYNC.test(url);
    const connId = sliding ? connIdOf(request.postData()) : '';
    if (sliding && !request.serviceWorker()) slidingConnections.push(connId);
    if (TRACE)
      trace.push(`    ${from.padEnd(14)} ${request.method().padEnd(7)} ${url.split('?')[0] ?? url}${connId ? ` (${connId})` : ''}`);
    if (url.startsWith(origins.direct)) direct.push(`${request.method()} ${new URL(url).pathname} from the ${from}`);
  });
  const page: Page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  if (throttle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  if (PROFILES) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  proxy.clearLog();
  app.clearLog();
  const none = {
    firstMessageMs: Number.NaN,
    composerUsableMs: Number.NaN,
    appBytes: Number.NaN,
    appBytesSettled: Number.NaN,
    homeserverBytes: Number.NaN,
    homeserverRequests: Number.NaN,
    heapBytes: Number.NaN,
    pageHeapBytes: Number.NaN,
    workers: Number.NaN,
  };
  try {
    await page.goto(pageUrl);
    const settled = await page
      .waitForFunction(() => window.peerResult !== undefined, undefined, { timeout: 60_000, polling: 50 })
      .then(
        () => true,
        () => false,
      );
    if (!settled) return { ...none, error: 'nothing painted within 60 s' };
    if (PROFILES) {
      const { profile } = await cdp.send('Profiler.stop');
      const client = path.basename(pageUrl.split('?')[0] ?? pageUrl, '.html');
      await mkdir(PROFILES, { recursive: true });
      profilesTaken += 1;
      const file = path.join(PROFILES, `${client}-${String(throttle)}x-${String(profilesTaken)}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      process.stdout.write(`  CPU profile: ${file}\n`);
    }
    const homeserverBytes = proxy.forwardedBytes();
    const proxied = proxy.log().filter((entry) => entry.method !== 'OPTIONS');
    const result = await page.evaluate(() => window.peerResult as PeerResult);
    const heap = await contextHeap(browser, cdp);
    if (HEAP_SNAPSHOTS) {
      const client = path.basename(pageUrl.split('?')[0] ?? pageUrl, '.html');
      const { file, code } = await writeHeapSnapshot(cdp, `${client}-${String(throttle)}x`);
      const total = code.reduce((sum, entry) => sum + entry.bytes, 0);
      const lines = code
        .slice(0, 8)
        .map((entry) => `    ${kb(entry.bytes).padStart(8)}  ${String(entry.functions).padStart(5)} functions  ${entry.script}`);
      process.stdout.write(`  heap snapshot: ${file}\n  code in the page's heap by script (${kb(total)} in all)\n${lines.join('\n')}\n`);
    }
    const paintedAt = result.timeOrigin + result.firstMessageMs;
    const sent = app.log();
    const before = sent.filter((entry) => entry.at <= paintedAt);
    if (TRACE) {
      const atProxy = proxied.map(
        (entry) =>
          `    proxy          ${entry.method.padEnd(7)} ${entry.path.split('?')[0] ?? entry.path}${entry.connId ? ` (${entry.connId})` : ''}`,
      );
      const served = sent.map(
        (entry) => `    app ${entry.at <= paintedAt ? 'before' : 'after '}     ${String(entry.bytes).padStart(8)} ${entry.path}`,
      );
      const workers = heap.workers.map((w) => `    ${w.type.padEnd(14)} ${kb(w.usedBytes).padStart(8)} ${w.url.split('?')[0] ?? w.url}`);
      // The page's waterfall: when each request started and its response ended, ms from navigation, first message last.
      const timings = await page.evaluate(() =>
        (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((entry) => ({
          name: entry.name,
          start: entry.startTime,
          end: entry.responseEnd,
        })),
      );
      // Resource timing has no bodies: its sliding sync entries (in start order) take the connections of the requests
      // the browser saw, in the same order.
      const connections = [...slidingConnections];
      const waterfall = [
        ...timings.map((entry) => {
          const connId = SLIDING_SYNC.test(entry.name) ? (connections.shift() ?? '') : '';
          return `    ${entry.start.toFixed(0).padStart(6)} → ${entry.end.toFixed(0).padStart(6)} ms  ${new URL(entry.name).pathname.replace(/^\/_matrix\/client\//, '')}${connId ? ` (${connId})` : ''}`;
        }),
        `    ${result.firstMessageMs.toFixed(0).padStart(6)}           first message painted`,
      ];
      const homeserverOrigin = new URL(proxy.baseUrl).origin;
      const beforeFirst = timings.filter((entry) => entry.name.startsWith(homeserverOrigin) && entry.start < result.firstMessageMs).length;
      trace.push(`  timeline (page): ${String(beforeFirst)} homeserver requests started before the first message\n${waterfall.join('\n')}`);
      process.stdout.write(
        `  ${pageUrl.split('?')[0] ?? ''}: requests seen in the browser\n${trace.join('\n')}\n  served (before/after the first message)\n${served.join('\n')}\n  at the proxy (${String(homeserverBytes)} bytes)\n${atProxy.join('\n')}\n  heap: page ${kb(heap.pageBytes)}\n${workers.join('\n')}\n`,
      );
    }
    const notMeasured = homeserverImplausible({
      direct,
      loggedInThroughProxy: proxied.some((entry) => entry.method === 'POST' && /\/login$/.test(entry.path.split('?')[0] ?? '')),
      homeserverBytes,
      marker,
    });
    return {
      firstMessageMs: result.firstMessageMs,
      composerUsableMs: result.composerUsableMs ?? Number.NaN,
      appBytes: before.reduce((sum, entry) => sum + entry.bytes, 0),
      appBytesSettled: sent.reduce((sum, entry) => sum + entry.bytes, 0),
      homeserverBytes: notMeasured ? Number.NaN : homeserverBytes,
      homeserverRequests: notMeasured ? Number.NaN : proxied.length,
      heapBytes: heap.totalBytes,
      pageHeapBytes: heap.pageBytes,
      workers: heap.workers.length,
      ...(result.error ? { error: result.error } : {}),
      ...(notMeasured ? { homeserverNotMeasured: notMeasured } : {}),
    };
  } finally {
    await context.close();
  }
}

const kb = (bytes: number): string => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(0)} KB` : '—');
const ms = (value: number): string => (Number.isFinite(value) ? `${Math.round(value)} ms` : '—');
/** "median (min–max)" of a figure, each value shown by `show`. */
const withSpread = (s: Spread, show: (value: number) => string): string =>
  Number.isFinite(s.median) ? `${show(s.median)} (${show(s.min)}–${show(s.max)})` : '—';
const kbOnly = (bytes: number): string => (bytes / 1024).toFixed(0);
const msOnly = (value: number): string => String(Math.round(value));
/** "median (low–high)" of ours / theirs, or why there is none. */
const ratioWithSpread = (ours: Spread, theirs: Spread, why?: { ours?: string; theirs?: string }): string => {
  const r = ratioOf(ours.median, theirs.median, why);
  if (!('value' in r)) return 'not measured';
  const range = ratioSpread(ours, theirs);
  return `${range.median.toFixed(2)} (${range.low.toFixed(2)}–${range.high.toFixed(2)})`;
};

/** Runs the scenario against `shared` (left running) or a Synapse of its own. */
export async function runPeersBench(shared?: Homeserver): Promise<void> {
  let own: Homeserver | undefined;
  const started = Date.now();
  let browser: Browser | undefined;
  let server: AppServer | undefined;
  let proxy: FaultProxy | undefined;
  try {
    process.stdout.write('omni bench peers: building the three pages for production…\n');
    await buildBenchPages(
      outDir,
      CLIENTS.map((client) => `test/bench/peers/${client}.html`),
    );
    await addHydrogenServiceWorker();
    server = await serveApp(outDir);
    process.stdout.write('omni bench peers: starting Synapse and seeding…\n');
    const homeserver = shared ?? (own = await startSynapse({ bench: true }));
    // The proxy stands for the homeserver's public address, so a client that follows well-known stays behind it.
    proxy = await startFaultProxy(homeserver.baseUrl, { publicBaseUrl: true });
    const origins: Origins = { app: server.origin, proxy: proxy.baseUrl, direct: new URL(homeserver.baseUrl).origin };
    const member = await homeserver.registerUser({ displayName: 'Bench Member' });
    const poster = await homeserver.registerUser({ displayName: 'Poster' });
    const { roomId } = await poster.createRoom({ name: 'Side by side', preset: 'public_chat' });
    await member.joinRoom(roomId);
    for (let i = 0; i < OTHER_ROOMS; i += 1) {
      const other = await poster.createRoom({ name: `Other room ${String(i)}`, preset: 'public_chat' });
      await member.joinRoom(other.roomId);
      for (let m = 0; m < 5; m += 1) await poster.sendMessage(other.roomId, `chatter ${String(m)} in room ${String(i)}`);
    }
    for (let i = 0; i < HISTORY - 1; i += 1) await poster.sendMessage(roomId, `history message ${String(i)}`);
    const marker = `latest message ${String(Date.now())}`;
    await poster.sendMessage(roomId, marker);

    browser = await launchChromium();
    const results: ClientFigures[] = [];
    for (const throttle of THROTTLES) {
      for (const client of CLIENTS) {
        const query = new URLSearchParams({ hs: proxy.baseUrl, user: member.username, password: member.password, room: roomId, marker });
        const pageUrl = `${server.origin}/test/bench/peers/${client}.html?${query.toString()}`;
        // One unmeasured visit so the OS file cache and Chromium's compiled-code cache do not favour whoever runs first.
        await runOnce(browser, pageUrl, server, proxy, origins, marker, 1);
        const runs: RunFigures[] = [];
        let error: string | undefined;
        let homeserverNotMeasured: string | undefined;
        for (let run = 0; run < RUNS; run += 1) {
          const figures = await runOnce(browser, pageUrl, server, proxy, origins, marker, throttle);
          if (figures.error) error = figures.error;
          else runs.push(figures);
          if (figures.homeserverNotMeasured) homeserverNotMeasured ??= figures.homeserverNotMeasured;
        }
        // One run with traffic past the proxy makes the others' homeserver figures suspect too.
        const suspect = (key: keyof RunFigures): boolean =>
          homeserverNotMeasured !== undefined && (key === 'homeserverBytes' || key === 'homeserverRequests');
        const spread = Object.fromEntries(FIGURES.map((key) => [key, spreadOf(suspect(key) ? [] : runs.map((r) => r[key]))])) as Record<
          keyof RunFigures,
          Spread
        >;
        const entry: ClientFigures = {
          client,
          throttle,
          runs,
          median: Object.fromEntries(FIGURES.map((key) => [key, spread[key].median])) as unknown as RunFigures,
          spread,
          ...(error ? { error } : {}),
          ...(homeserverNotMeasured ? { homeserverNotMeasured } : {}),
        };
        results.push(entry);
        process.stdout.write(
          `omni bench peers: ${client} at ${String(throttle)}× → ${ms(entry.median.firstMessageMs)}${Number.isFinite(entry.median.composerUsableMs) ? `, composer usable ${ms(entry.median.composerUsableMs)}` : ''}${error ? ` (error: ${error})` : ''}\n`,
        );
      }
    }

    const lines = [
      '',
      `Side by side — one room (${String(HISTORY)} messages), member in ${String(OTHER_ROOMS + 1)} rooms, cold context, password login; median (min–max) of ${String(RUNS)} runs`,
      '',
      '  client     cpu     first message ms       app bytes KB         settled KB      homeserver KB   hs requests   JS heap KB (page + workers)',
      ...results.map((r) => {
        const s = r.spread;
        const workers = Number.isFinite(s.workers.max) && s.workers.max > 0 ? ` incl. ${String(s.workers.max)} worker(s)` : '';
        return `  ${r.client.padEnd(9)}  ${`${String(r.throttle)}×`.padStart(3)}   ${withSpread(s.firstMessageMs, msOnly).padStart(20)}   ${withSpread(s.appBytes, kbOnly).padStart(18)}   ${withSpread(s.appBytesSettled, kbOnly).padStart(18)}   ${(r.homeserverNotMeasured ? 'not measured' : withSpread(s.homeserverBytes, kbOnly)).padStart(18)}   ${withSpread(s.homeserverRequests, String).padStart(11)}   ${withSpread(s.heapBytes, kbOnly)}${workers}${r.error ? `  error: ${r.error}` : ''}`;
      }),
      '',
      ...results
        .filter((r) => Number.isFinite(r.spread.composerUsableMs.median))
        .map(
          (r) =>
            `  ${r.client} at ${String(r.throttle)}×: composer usable (textbox enabled) ${withSpread(r.spread.composerUsableMs, msOnly)} ms, ${withSpread(r.spread.composerUsableMs, (v) => msOnly(v - r.spread.firstMessageMs.median))} ms after its median first message`,
        ),
      '',
      '  app bytes: sent by the static server for requests that arrived before the first message was painted; settled: all it',
      '  sent by the time the heap was read (ours: once the composer is usable). JS heap: the page and every dedicated, shared',
      '  and service worker of its context.',
      '',
      '  ratios ours / theirs: median (lowest–highest over the runs); below 1 means ours is smaller or faster',
      '  vs         cpu   first message        app bytes            homeserver bytes     JS heap',
    ];
    for (const throttle of THROTTLES) {
      const ours = results.find((r) => r.client === 'omni' && r.throttle === throttle);
      for (const other of ['baseline', 'hydrogen'] as const) {
        const theirs = results.find((r) => r.client === other && r.throttle === throttle);
        if (!ours || !theirs) continue;
        const why = { ours: ours.homeserverNotMeasured, theirs: theirs.homeserverNotMeasured };
        lines.push(
          `  ${other.padEnd(9)}  ${`${String(throttle)}×`.padStart(3)}   ${ratioWithSpread(ours.spread.firstMessageMs, theirs.spread.firstMessageMs).padEnd(19)}  ${ratioWithSpread(ours.spread.appBytes, theirs.spread.appBytes).padEnd(19)}  ${ratioWithSpread(ours.spread.homeserverBytes, theirs.spread.homeserverBytes, why).padEnd(19)}  ${ratioWithSpread(ours.spread.heapBytes, theirs.spread.heapBytes)}`,
        );
      }
    }
    const unmeasured = results.filter((r) => r.homeserverNotMeasured !== undefined);
    if (unmeasured.length > 0) lines.push('', '  homeserver bytes not measured:');
    for (const r of unmeasured) lines.push(`    ${r.client} at ${String(r.throttle)}×: ${r.homeserverNotMeasured ?? ''}`);
    lines.push('');
    process.stdout.write(lines.join('\n'));
    await mkdir(path.join(root, 'bench-results'), { recursive: true });
    const durationS = Math.round((Date.now() - started) / 1000);
    await writeFile(
      path.join(root, 'bench-results/peers.json'),
      `${JSON.stringify({ date: new Date().toISOString(), runs: RUNS, otherRooms: OTHER_ROOMS, history: HISTORY, results, durationS }, null, 2)}\n`,
    );
    process.stdout.write(`Written bench-results/peers.json (${String(durationS)} s)\n`);
  } finally {
    await browser?.close();
    await server?.close();
    await proxy?.close();
    await own?.stop();
  }
}

/** The summary's rows (all.ts) from bench-results/peers.json: ours alone, and ours / theirs. */
export function peersFigures(peers: Json): { figures: Figure[]; ratios: Figure[] } {
  const figures: Figure[] = [];
  const ratios: Figure[] = [];
  const results = arr(peers['results']);
  const find = (client: string, throttle: number): Json | undefined =>
    results.find((r) => r['client'] === client && r['throttle'] === throttle);
  for (const throttle of [1, 4]) {
    const ours = find('omni', throttle);
    if (!ours) continue;
    const oursMedian = obj(ours['median']);
    figures.push(
      info(`<omni-room> cold, password login → latest message, ${String(throttle)}× CPU`, num(oursMedian['firstMessageMs']), 'ms'),
    );
    if (typeof oursMedian['composerUsableMs'] === 'number') {
      figures.push(
        info(`<omni-room> cold, password login → composer usable, ${String(throttle)}× CPU`, num(oursMedian['composerUsableMs']), 'ms'),
      );
    }
    for (const [other, label] of [
      ['baseline', 'baseline (naive matrix-js-sdk)'],
      ['hydrogen', 'peer (hydrogen-view-sdk)'],
    ] as const) {
      const theirs = find(other, throttle);
      if (!theirs) continue;
      const theirMedian = obj(theirs['median']);
      for (const [key, what] of [
        ['firstMessageMs', 'time to first message'],
        ['appBytes', 'app bytes'],
        ['homeserverBytes', 'homeserver bytes'],
        ['heapBytes', 'JS heap'],
      ] as const) {
        // Homeserver bytes the bench could not count (traffic past its proxy) are not a figure to divide by.
        const why = (figures: Json): string | undefined =>
          key === 'homeserverBytes' && typeof figures['homeserverNotMeasured'] === 'string' ? figures['homeserverNotMeasured'] : undefined;
        const result = ratioOf(num(oursMedian[key]), num(theirMedian[key]), { ours: why(ours), theirs: why(theirs) });
        const value = 'value' in result ? result.value : undefined;
        // The lowest and highest ratio any of our runs and any of theirs give, beside the ratio of the medians.
        const spreadOfKey = (figures: Json): Json => obj(obj(figures['spread'])[key]);
        const [oursMin, oursMax, theirMin, theirMax] = [
          num(spreadOfKey(ours)['min']),
          num(spreadOfKey(ours)['max']),
          num(spreadOfKey(theirs)['min']),
          num(spreadOfKey(theirs)['max']),
        ];
        const range =
          value !== undefined && oursMin && oursMax && theirMin && theirMax
            ? ` [${(oursMin / theirMax).toFixed(2)}–${(oursMax / theirMin).toFixed(2)}]`
            : '';
        ratios.push({
          figure: `ours / ${label}: ${what}, ${String(throttle)}× CPU${range}${'notMeasured' in result ? ` — not measured: ${result.notMeasured}` : ''}${typeof theirs['error'] === 'string' ? ` (their error: ${theirs['error']})` : ''}`,
          value,
          unit: '×',
          target: '< 1',
          ok: check(value, (v) => v < 1),
        });
      }
    }
  }
  return { figures, ratios };
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await runPeersBench();
