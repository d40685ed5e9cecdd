/**
 * `pnpm bench busy`: one `<omni-room>` open while PEERS real members (packages/testing peers, each its own
 * account and access token) write in the room for DURATION_S seconds against a real Synapse, in Debian's
 * Chromium (Lit's production build): each peer, at random, says it is typing, then sends a message, then
 * pauses, so messages and typing notices arrive the way a busy conversation brings them. The page reads:
 *
 *  - long tasks (PerformanceObserver `longtask`, over 50 ms): count and longest — target none;
 *  - frame intervals (requestAnimationFrame) meanwhile: p50, p95, longest, frames that skipped a vsync —
 *    target p95 within one vsync;
 *  - messages shown at the end against messages sent (every one must arrive).
 *
 * Prints a table and writes bench-results/busy.json. A command that prints figures, not a test.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { launchChromium, servePages } from '../support/chromium.ts';
import { bounded } from './bounded.ts';
import { check, info, num, obj, type Figure, type Json } from './figures.ts';
import { percentile } from './stats.ts';
import { describeEchoTrace, traceLongTasks } from './echo-trace.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PEERS = Number(process.env['OMNI_BENCH_BUSY_PEERS'] ?? 20);
const DURATION_S = Number(process.env['OMNI_BENCH_BUSY_S'] ?? 20);
/** Each peer's pause between messages, ms (uniform): 20 peers send about 8 messages per second together. */
const PAUSE_MS: readonly [number, number] = [1000, 4000];
/** How long a peer "types" before its message is sent, ms (uniform). */
const TYPING_MS: readonly [number, number] = [300, 1200];
const FRAME_MS = 1000 / 60;
const DROPPED_FRAME_MS = FRAME_MS * 1.5;
const LONG_TASK_MS = 50;
/** `OMNI_BENCH_BUSY_TRACE=1`: trace the page meanwhile and break its long tasks down (the trace slows it: diagnosis only). */
const TRACE = process.env['OMNI_BENCH_BUSY_TRACE'] === '1';

const round = (value: number): number => Math.round(value * 10) / 10;
const between = ([low, high]: readonly [number, number]): number => low + Math.random() * (high - low);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface PageFigures {
  longTasks: number[];
  frames: number[];
  shown: number;
}

interface BusyProbe {
  start(): void;
  stop(marker: string): PageFigures;
}

/** In the page: long tasks and frame intervals from `start()` to `stop()`, and the messages shown. */
async function installProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const all = (node: ParentNode, selector: string): Element[] => {
      const found = [...node.querySelectorAll(selector)];
      for (const el of node.querySelectorAll('*')) if (el.shadowRoot) found.push(...all(el.shadowRoot, selector));
      return found;
    };
    let longTasks: number[] = [];
    let frames: number[] = [];
    let running = false;
    new PerformanceObserver((list) => {
      if (running) for (const entry of list.getEntries()) longTasks.push(entry.duration);
    }).observe({ type: 'longtask' });
    let last = 0;
    const frame = (now: number): void => {
      if (!running) return;
      if (last > 0) frames.push(now - last);
      last = now;
      requestAnimationFrame(frame);
    };
    const probe: BusyProbe = {
      start() {
        longTasks = [];
        frames = [];
        last = 0;
        running = true;
        requestAnimationFrame(frame);
      },
      stop(marker) {
        running = false;
        const log = all(document, '[role="log"]')[0];
        const shown = log ? [...log.querySelectorAll('article[data-key]')].filter((a) => a.textContent.includes(marker)).length : 0;
        return { longTasks, frames, shown };
      },
    };
    Object.assign(window, { omniBusy: probe });
  });
}

/** One peer writing until `until`: typing, a message, a pause; resolves with the messages it sent. */
async function write(peer: Peer, roomId: string, index: number, until: number, marker: string, log: string[]): Promise<number> {
  let sent = 0;
  await sleep(between([0, PAUSE_MS[1]]));
  while (Date.now() < until) {
    await peer.setTyping(roomId, true, 10_000).catch(() => undefined);
    await sleep(between(TYPING_MS));
    const label = `${marker} from peer ${String(index)}, number ${String(sent)}:`;
    await peer.sendMessage(roomId, `${label} ${'words '.repeat(1 + ((index + sent) % 12))}`);
    log.push(label);
    sent += 1;
    await sleep(between(PAUSE_MS));
  }
  await peer.setTyping(roomId, false).catch(() => undefined);
  return sent;
}

/** Runs the scenario against `shared` (left running) or a Synapse of its own. */
export async function runBusyBench(shared?: Homeserver): Promise<void> {
  let own: Homeserver | undefined;
  const started = Date.now();
  let browser: Browser | undefined;
  let pages: Awaited<ReturnType<typeof servePages>> | undefined;
  try {
    process.stdout.write(`omni bench busy: starting Synapse, Vite and Chromium; ${String(PEERS)} peers…\n`);
    const [hs, launched, served] = await Promise.all([
      shared ?? startSynapse({ bench: true }).then((s) => (own = s)),
      launchChromium(),
      servePages({ production: true }),
    ]);
    browser = launched;
    pages = served;
    const member = await hs.registerUser({ displayName: 'Reader' });
    const { roomId } = await member.createRoom({ name: 'Busy room', preset: 'public_chat' });
    const peers: Peer[] = [];
    for (let i = 0; i < PEERS; i += 1) {
      const peer = await hs.registerUser({ displayName: `Peer ${String(i)}` });
      await peer.joinRoom(roomId);
      peers.push(peer);
    }
    await member.sendMessage(roomId, 'welcome');
    const { openRoom } = await import('./sending.ts');
    const url = served.url(`/test/pages/session.html?hs=${encodeURIComponent(hs.baseUrl)}&room=${encodeURIComponent(roomId)}`);
    const open = await openRoom(launched, url, member, hs.baseUrl);
    const page = open.page;
    await page.getByRole('log').getByText('welcome').waitFor({ timeout: 60_000 });
    await installProbe(page);
    const litBuild = (await page.evaluate(() => 'litIssuedWarnings' in globalThis)) ? 'development' : 'production';

    const marker = `busy-${Math.random().toString(36).slice(2, 8)}`;
    const loadBefore = loadavg()[0] ?? Number.NaN;
    await page.evaluate(() => (window as unknown as { omniBusy: BusyProbe }).omniBusy.start());
    process.stdout.write(`omni bench busy: ${String(PEERS)} peers writing for ${String(DURATION_S)} s…\n`);
    const until = Date.now() + DURATION_S * 1000;
    const sentLog: string[] = [];
    const writing = (): Promise<number[]> =>
      bounded(
        Promise.all(peers.map((peer, i) => write(peer, roomId, i, until, marker, sentLog))),
        'busy: the peers writing',
        (DURATION_S + 120) * 1000,
      );
    let counts: number[];
    if (TRACE) {
      const { result, trace } = await traceLongTasks(page, writing);
      counts = result;
      if (trace) process.stdout.write(`${describeEchoTrace(trace, 'long tasks traced ({sends}, medians per task)').join('\n')}\n`);
      else process.stdout.write('  no long task in the trace\n');
    } else counts = await writing();
    const sent = counts.reduce((a, b) => a + b, 0);
    // The last messages arrive with the next sync: wait until the one stored last is shown, then read.
    const latest = sentLog[sentLog.length - 1];
    const latestShown = latest
      ? await page
          .getByRole('log')
          .getByText(latest)
          .waitFor({ timeout: 30_000 })
          .then(
            () => true,
            () => false,
          )
      : false;
    const figures = await page.evaluate((m) => (window as unknown as { omniBusy: BusyProbe }).omniBusy.stop(m), marker);
    const loadAfter = loadavg()[0] ?? Number.NaN;
    await open.close();

    const longTasks = figures.longTasks.filter((d) => d > LONG_TASK_MS);
    const frameP95 = percentile(figures.frames, 95);
    const dropped = figures.frames.filter((f) => f > DROPPED_FRAME_MS).length;
    const results = {
      date: new Date().toISOString(),
      peers: PEERS,
      durationS: DURATION_S,
      messagesSent: sent,
      messagesPerS: round(sent / DURATION_S),
      longTasks: {
        count: longTasks.length,
        maxMs: round(Math.max(0, ...longTasks)),
        totalMs: round(longTasks.reduce((a, b) => a + b, 0)),
        durationsMs: longTasks.map(round),
        targetMs: LONG_TASK_MS,
        ok: longTasks.length === 0,
      },
      frames: {
        count: figures.frames.length,
        p50Ms: round(percentile(figures.frames, 50)),
        p95Ms: round(frameP95),
        maxMs: round(Math.max(0, ...figures.frames)),
        dropped,
        ok: frameP95 <= DROPPED_FRAME_MS,
      },
      // The log is virtualised: only the messages in and near the view are in the DOM.
      latestShown,
      shownInDom: figures.shown,
      machine: { cpus: availableParallelism(), loadAverageAtStart: round(loadBefore), loadAverageAtEnd: round(loadAfter), litBuild },
      runS: Math.round((Date.now() - started) / 1000),
    };
    const ok = (pass: boolean): string => (pass ? 'ok' : 'over');
    const lines = [
      '',
      `One <omni-room> open while ${String(PEERS)} peers write for ${String(DURATION_S)} s — Synapse ${hs.serverName}, Chromium, Lit ${litBuild} build; ${String(results.machine.cpus)} CPUs, load average ${String(results.machine.loadAverageAtStart)} → ${String(results.machine.loadAverageAtEnd)}`,
      `  messages sent                       ${String(sent)} (${String(results.messagesPerS)} per s, with typing notices); latest shown: ${results.latestShown ? 'yes' : 'no'}`,
      `  long tasks over 50 ms               ${String(longTasks.length)} (longest ${String(results.longTasks.maxMs)} ms) target none ${ok(results.longTasks.ok)}`,
      `  frame interval p95                  ${String(results.frames.p95Ms)} ms (p50 ${String(results.frames.p50Ms)} ms, max ${String(results.frames.maxMs)} ms; ${String(dropped)} of ${String(results.frames.count)} frames skipped a vsync) target ≤ 16.7 ms (one vsync) ${ok(results.frames.ok)}`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
    await mkdir(`${root}bench-results`, { recursive: true });
    await writeFile(`${root}bench-results/busy.json`, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`Written bench-results/busy.json (${String(results.runS)} s)\n`);
  } finally {
    await browser?.close();
    await pages?.close();
    await own?.stop();
  }
}

/** The summary's rows (all.ts) from bench-results/busy.json. */
export function busyFigures(busy: Json): Figure[] {
  const peers = String(num(busy['peers']) ?? '');
  const tasks = obj(busy['longTasks']);
  const count = num(tasks['count']);
  const frames = obj(busy['frames']);
  const p95 = num(frames['p95Ms']);
  return [
    { figure: `while ${peers} peers write: long tasks over 50 ms`, value: count, unit: '', target: '0', ok: check(count, (v) => v === 0) },
    info(`while ${peers} peers write: longest task`, num(tasks['maxMs']), 'ms'),
    {
      figure: `while ${peers} peers write: frame p95 (≤ 1.5 frames = one vsync)`,
      value: p95,
      unit: 'ms',
      target: '≤ 16.7 ms',
      ok: typeof frames['ok'] === 'boolean' ? frames['ok'] : undefined,
    },
    info(`while ${peers} peers write: messages per second`, num(busy['messagesPerS']), ''),
  ];
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await runBusyBench();
