/**
 * `pnpm bench sending`: the conversation's figures, against a real Synapse in Debian's Chromium.
 *
 *  (c) local echo: a real Enter keypress (Playwright's keyboard, so a trusted keydown) in the composer →
 *      the first animation frame in which the pending message is in the log, laid out and fully inside
 *      its viewport; ms from the keydown's timestamp and frames counted; p50/p95 over ECHO_SENDS sends —
 *      target one frame (16.7 ms);
 *  (d) sender → receiver over loopback: page A's Enter keydown → the first frame of page B showing it, p50;
 *  (e) a MESSAGES-message history (default 10,000) seeded with many `/send`s in flight: seeding time,
 *      then the member opens the room and scrolls up one 120 px step per frame through PAGINATIONS
 *      back-paginations: timeline DOM nodes, frame time, anchor drift per back-pagination (the
 *      top-visible message's `data-key` and offset from the log's top, before the page is requested and
 *      after it has settled), blank area (the part of the log's view no tile covers in the frame of a
 *      step, painted before the scroll event reaches the virtualizer), JS heap (after GC) once the room
 *      is open and after scrolling.
 *
 * Prints a table and writes bench-results/sending.json. A command that prints figures, not a test.
 */
import { readFile, readdir, mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createHash } from 'node:crypto';
import { Peer, SYNAPSE_VERSION, startSynapse, synapseConfigFingerprint, type Homeserver, type TestUser } from '@omnisocial/testing';
import { launchChromium, servePages } from '../support/chromium.ts';
import { WAIT_MS, bounded } from './bounded.ts';
import { SYNC_SEED_KEY, type SyncSeed } from './run.ts';
import { percentile } from './stats.ts';
import { check, info, num, obj, type Figure, type Json } from './figures.ts';
import { describeEchoTrace, traceEchoes, type EchoTrace } from './echo-trace.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ECHO_SENDS = Number(process.env['OMNI_BENCH_ECHO_SENDS'] ?? 60);
/** Sends traced after the timed ones (echo-trace.ts); 0: none. */
const ECHO_TRACE = Number(process.env['OMNI_BENCH_ECHO_TRACE'] ?? 0);
const LATENCY_SENDS = Number(process.env['OMNI_BENCH_LATENCY_SENDS'] ?? 20);
const MESSAGES = Number(process.env['OMNI_BENCH_MESSAGES'] ?? 10_000);
const PAGINATIONS = Number(process.env['OMNI_BENCH_PAGINATIONS'] ?? 30);
/**
 * Seeding is bound by Synapse's CPU per event (about 22 ms on SQLite here). Many `/send`s in flight let
 * it persist events in batches (one member × 4 in flight: 32 ms per event; × 16: 22 ms; × 32/64: no
 * better), while more sending members cost more per event (2 × 8: 24 ms, 4 × 4: 26 ms). Each member
 * has its own access token and transaction ids; the history's order does not matter here.
 */
const SEED_PEERS = Number(process.env['OMNI_BENCH_SEED_PEERS'] ?? 1);
/** `/send` requests in flight per seeding member. */
const SEED_IN_FLIGHT = Number(process.env['OMNI_BENCH_SEED_IN_FLIGHT'] ?? 16);
/** `OMNI_ENGINE=worker|shared|auto`: the pages ask for the engine there (`<meta name="omni-chat-engine">`), as the browser tests do. */
const ENGINE = /^(?:main|worker|shared|auto)$/.test(process.env['OMNI_ENGINE'] ?? '') ? process.env['OMNI_ENGINE'] : undefined;
const FRAME_MS = 1000 / 60;
/** A frame interval longer than this skipped at least one vsync. */
const DROPPED_FRAME_MS = FRAME_MS * 1.5;
const NODE_TARGET = 300;
const LATENCY_TARGET_MS = 250;
const SCROLL_STEP_PX = 120;
/** An uncovered stretch of the log's view longer than this is blank (the gaps between tiles are shorter). */
const BLANK_MIN_PX = 16;

const round = (value: number): number => Math.round(value * 10) / 10;
const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Synapse's CPU time so far (user + system), from /proc: seeding is bound by it. */
async function cpuSeconds(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

export async function openRoom(
  browser: Browser,
  url: string,
  member: Peer,
  homeserver: string,
): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.addStyleTag({ content: 'omni-room { display: block; height: 800px; }' });
  await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 60_000 });
  // Read when the first session starts (worker/choice.ts): before the sign-in.
  if (ENGINE) {
    await page.evaluate((engine) => {
      const meta = document.createElement('meta');
      meta.name = 'omni-chat-engine';
      meta.content = engine;
      document.head.append(meta);
    }, ENGINE);
  }
  await bounded(
    page.evaluate(
      ([hs, username, password]) =>
        (window as unknown as { omni: { signIn(o: object): Promise<unknown> } }).omni.signIn({ homeserver: hs, username, password }),
      [homeserver, member.username, member.password] as const,
    ),
    'sending: sign-in',
  );
  await page.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 60_000 });
  await page.getByRole('log').waitFor({ timeout: 60_000 });
  await installProbe(page);
  if (ENGINE)
    process.stdout.write(`omni bench sending: engine ${ENGINE}, the page's dedicated workers: ${String(page.workers().length)}\n`);
  return { page, close: () => context.close() };
}

interface EchoSample {
  /** keydown timestamp → the animation frame that shows the tile. */
  ms: number;
  /** Animation frames after the keydown until then; 1 is the very next frame. */
  frames: number;
  /** keydown → the tile inserted into the DOM (MutationObserver). */
  domMs: number;
  /** keydown timestamp → the page's first keydown listener running (input delay). */
  inputDelayMs: number;
  /** keydown timestamp → just after that frame was rendered (its layout, observers and paint done). */
  paintedMs: number;
}

interface Probe {
  all(node: ParentNode, selector: string): Element[];
  log(): HTMLElement | undefined;
  tile(text: string): HTMLElement | undefined;
  /** The tile is laid out and entirely inside the log's viewport. */
  visible(text: string): boolean;
  /** Measures the next trusted Enter keydown → the frame showing `text`; read it with `echo()`. */
  armEcho(text: string): void;
  echo(): Promise<EchoSample>;
  /** Records the wall time (ms since the epoch) of the next trusted Enter keydown; read it with `keydownAt()`. */
  armKeydown(): void;
  keydownAt(): Promise<number>;
  /** Resolves with the wall time of the first animation frame showing `text`. */
  shownAt(text: string): Promise<number>;
  sent(text: string): boolean;
  idle(): boolean;
}

/** In the page: helpers that find tiles through shadow roots and time frames (installed once per page). */
async function installProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const all = (node: ParentNode, selector: string): Element[] => {
      const found = [...node.querySelectorAll(selector)];
      if (node instanceof Element && node.shadowRoot) found.push(...all(node.shadowRoot, selector));
      for (const el of node.querySelectorAll('*')) if (el.shadowRoot) found.push(...all(el.shadowRoot, selector));
      return found;
    };
    const log = (): HTMLElement | undefined => all(document, '[role="log"]')[0] as HTMLElement | undefined;
    const tileIn = (l: HTMLElement, text: string): HTMLElement | undefined =>
      [...l.querySelectorAll<HTMLElement>('article[data-key]')].find((a) => a.textContent.includes(text));
    const tile = (text: string): HTMLElement | undefined => {
      const l = log();
      return l ? tileIn(l, text) : undefined;
    };
    const visible = (text: string): boolean => {
      const l = log();
      const t = tile(text);
      if (!l || !t) return false;
      const box = l.getBoundingClientRect();
      const rect = t.getBoundingClientRect();
      // Within a pixel: scroll offsets are whole pixels, tiles sit at fractional positions.
      return rect.height > 0 && rect.top >= box.top - 1 && rect.bottom <= box.bottom + 1;
    };
    let inputDelay = Number.NaN;
    const nextEnter = (): Promise<number> =>
      new Promise((resolve) => {
        const onKeydown = (event: KeyboardEvent): void => {
          if (event.key !== 'Enter' || !event.isTrusted) return;
          window.removeEventListener('keydown', onKeydown, true);
          inputDelay = performance.now() - event.timeStamp;
          resolve(event.timeStamp);
        };
        window.addEventListener('keydown', onKeydown, true);
      });
    let echo: Promise<EchoSample> | undefined;
    let keydown: Promise<number> | undefined;
    const probe: Probe = {
      all,
      log,
      tile,
      visible,
      armEcho(text) {
        echo = nextEnter().then(
          (start) =>
            new Promise<EchoSample>((resolve, reject) => {
              let domMs = Number.NaN;
              const l = log();
              // The probe's own work stays small: the log found once, not through every shadow root per mutation.
              const observer = new MutationObserver(() => {
                if (Number.isNaN(domMs) && l && tileIn(l, text)) domMs = performance.now() - start;
              });
              if (l) observer.observe(l, { childList: true, subtree: true, characterData: true });
              if (tile(text)) domMs = performance.now() - start;
              // Checked after each frame has been rendered (a message posted from its animation frame
              // runs after its layout, ResizeObserver callbacks and paint), timed at that frame's start.
              const after = new MessageChannel();
              let frames = 0;
              let frameAt = 0;
              after.port1.onmessage = (): void => {
                if (visible(text)) {
                  observer.disconnect();
                  after.port1.close();
                  resolve({ ms: frameAt - start, frames, domMs, inputDelayMs: inputDelay, paintedMs: performance.now() - start });
                } else if (frameAt - start > 10_000) {
                  observer.disconnect();
                  after.port1.close();
                  reject(new Error(`never shown: ${text}`));
                } else requestAnimationFrame(frame);
              };
              const frame = (): void => {
                frames += 1;
                frameAt = performance.now();
                after.port2.postMessage(null);
              };
              requestAnimationFrame(frame);
            }),
        );
      },
      echo: () => echo ?? Promise.reject(new Error('not armed')),
      armKeydown() {
        keydown = nextEnter().then((timeStamp) => performance.timeOrigin + timeStamp);
      },
      keydownAt: () => keydown ?? Promise.reject(new Error('not armed')),
      shownAt: (text) =>
        new Promise((resolve, reject) => {
          const started = performance.now();
          const frame = (): void => {
            if (visible(text)) resolve(performance.timeOrigin + performance.now());
            else if (performance.now() - started > 30_000) reject(new Error(`never shown: ${text}`));
            else requestAnimationFrame(frame);
          };
          requestAnimationFrame(frame);
        }),
      sent: (text) => tile(text)?.querySelector('.status.sent') != null,
      idle: () => log()?.getAttribute('aria-busy') === 'false',
    };
    Object.assign(window, { omniProbe: probe });
  });
}

/** Runs `fn` in the page with its probe (Playwright evaluates the function's source there). */
function probe(page: Page): <T>(fn: (probe: Probe, arg: string) => T | Promise<T>, arg?: string) => Promise<T> {
  return <T>(fn: (probe: Probe, arg: string) => T | Promise<T>, arg = ''): Promise<T> =>
    bounded(page.evaluate<T>(`(${fn.toString()})(window.omniProbe, ${JSON.stringify(arg)})`), `sending: ${arg || 'probe'}`);
}

/** Types into the composer, then presses Enter as the member would. */
async function typeAndPressEnter(page: Page, body: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).focus();
  await page.keyboard.insertText(body);
  await page.keyboard.press('Enter');
}

async function measureEcho(page: Page, body: string): Promise<EchoSample> {
  const inPage = probe(page);
  await inPage((p, text) => p.armEcho(text), body);
  await typeAndPressEnter(page, body);
  const sample = await inPage((p) => p.echo());
  // The next sample starts from a quiet page: this message's remote echo has arrived.
  await page.waitForFunction((text) => (window as unknown as { omniProbe: Probe }).omniProbe.sent(text), body, { timeout: 30_000 });
  return sample;
}

async function seedHistory(hs: Homeserver, roomId: string, first: Peer): Promise<{ seconds: number; cpuSeconds: number }> {
  const peers = [first];
  for (let i = 1; i < SEED_PEERS; i += 1) {
    const peer = await hs.registerUser({ displayName: `Seeder ${i}` });
    await peer.joinRoom(roomId);
    peers.push(peer);
  }
  const cpuBefore = await cpuSeconds(hs.pid);
  const started = Date.now();
  let next = 0;
  await Promise.all(
    peers.flatMap((peer) =>
      Array.from({ length: SEED_IN_FLIGHT }, async () => {
        for (let i = next++; i < MESSAGES; i = next++) {
          await peer.sendEvent(roomId, 'm.room.message', {
            msgtype: 'm.text',
            body: `history ${String(i).padStart(5, '0')} ${'lorem ipsum '.repeat(1 + (i % 5))}`,
          });
        }
      }),
    ),
  );
  return { seconds: (Date.now() - started) / 1000, cpuSeconds: (await cpuSeconds(hs.pid)) - cpuBefore };
}

interface HistoryFigures {
  paginated: number;
  frames: number[];
  drifts: Array<{ key: string; before: number; after: number }>;
  lostAnchors: number;
  maxNodes: number;
  /** Scroll steps whose frame showed part of the log's view without a tile, and the most px of it. */
  blankFrames: number;
  maxBlankPx: number;
  /** At the most nodes: how many tiles the log held, and its elements by tag (most first). */
  atMaxNodes: { tiles: number; tags: Record<string, number> };
  nodesAfterLoad: number;
  nodesAtEnd: number;
  heapAfterLoad: number;
  heapAfterScroll: number;
  oldestShown: string;
}

/** In the page: scrolls up through the history, one wheel-like step per frame, measuring as it goes. */
function scrollThroughHistory(page: Page, paginations: number): Promise<HistoryFigures> {
  return bounded(scrollInPage(page, paginations), `sending: scrolling back through ${String(paginations)} back-paginations`, 10 * WAIT_MS);
}

function scrollInPage(page: Page, paginations: number): Promise<HistoryFigures> {
  return page.evaluate(
    async ([wanted, step, blankMin]) => {
      const p = (window as unknown as { omniProbe: Probe }).omniProbe;
      const log = p.log();
      if (!log) throw new Error('no log');
      const frame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve));
      const gc = (globalThis as { gc?: () => void }).gc;
      const heap = (): number => {
        gc?.();
        return (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? Number.NaN;
      };
      const nodes = (): number => p.all(log, '*').length;
      let atMaxNodes = { tiles: 0, tags: {} as Record<string, number> };
      const noteNodes = (): void => {
        const all = p.all(log, '*');
        if (all.length <= maxNodes) return;
        maxNodes = all.length;
        const counts = new Map<string, number>();
        for (const node of all) {
          const tag = `${node.localName}${node.classList.length ? `.${[...node.classList].join('.')}` : ''}`;
          counts.set(tag, (counts.get(tag) ?? 0) + 1);
        }
        const tags = Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).slice(0, 12));
        atMaxNodes = { tiles: tiles().length, tags };
      };
      const busy = (): boolean => log.getAttribute('aria-busy') === 'true';
      const tiles = (): HTMLElement[] => [...log.querySelectorAll<HTMLElement>('[data-key]')];
      /** The first tile whose bottom is below the log's top edge. */
      const topVisible = (): { key: string; offset: number; text: string } | undefined => {
        const top = log.getBoundingClientRect().top;
        let best: { key: string; offset: number; text: string } | undefined;
        for (const tile of tiles()) {
          const rect = tile.getBoundingClientRect();
          if (rect.height === 0 || rect.bottom <= top + 1) continue;
          if (!best || rect.top - top < best.offset)
            best = { key: tile.dataset['key'] ?? '', offset: rect.top - top, text: tile.textContent };
        }
        return best;
      };
      /** Pixels of the log's view that no tile covers, counting only stretches longer than `blankMin`. */
      const blank = (): number => {
        const { top, bottom } = log.getBoundingClientRect();
        const spans = tiles()
          .map((tile) => tile.getBoundingClientRect())
          .filter((rect) => rect.height > 0 && rect.bottom > top && rect.top < bottom)
          .map((rect) => [Math.max(top, rect.top), Math.min(bottom, rect.bottom)] as const)
          .sort((a, b) => a[0] - b[0]);
        let uncovered = 0;
        let reached = top;
        for (const [from, to] of spans) {
          if (from - reached > blankMin) uncovered += from - reached;
          reached = Math.max(reached, to);
        }
        if (bottom - reached > blankMin) uncovered += bottom - reached;
        return uncovered;
      };
      const offsetOf = (key: string): number | undefined => {
        const tile = tiles().find((t) => t.dataset['key'] === key);
        return tile ? tile.getBoundingClientRect().top - log.getBoundingClientRect().top : undefined;
      };
      const settle = async (): Promise<void> => {
        let quiet = 0;
        const deadline = performance.now() + 30_000;
        while (quiet < 5 && performance.now() < deadline) {
          const t = await frame();
          frames.push(t - last);
          last = t;
          quiet = busy() ? 0 : quiet + 1;
        }
      };

      const frames: number[] = [];
      let last = await frame();
      await settle();
      frames.length = 0;
      const heapAfterLoad = heap();
      const nodesAfterLoad = nodes();
      let maxNodes = 0;
      noteNodes();
      const drifts: Array<{ key: string; before: number; after: number }> = [];
      let lostAnchors = 0;
      let paginated = 0;
      let oldestShown = '';
      let blankFrames = 0;
      let maxBlankPx = 0;
      last = await frame();
      let still = 0;
      while (paginated < wanted && still < 120) {
        const scrollBefore = log.scrollTop;
        log.scrollTop = Math.max(0, log.scrollTop - step);
        // What this frame paints: the scroll event (and so the virtualizer's new range) comes in the next.
        const uncovered = blank();
        if (uncovered > 0) blankFrames += 1;
        maxBlankPx = Math.max(maxBlankPx, uncovered);
        const now = await frame();
        frames.push(now - last);
        last = now;
        noteNodes();
        still = log.scrollTop === scrollBefore && !busy() ? still + 1 : 0;
        if (!busy()) continue;
        // The scroll asked for older messages; nothing has arrived yet (the request left in this frame).
        const anchor = topVisible();
        await settle();
        noteNodes();
        paginated += 1;
        if (!anchor) continue;
        const after = offsetOf(anchor.key);
        if (after === undefined) lostAnchors += 1;
        else drifts.push({ key: anchor.key, before: anchor.offset, after });
        oldestShown = topVisible()?.text.replace(/\s+/g, ' ').trim().slice(0, 60) ?? oldestShown;
      }
      return {
        paginated,
        frames,
        drifts,
        lostAnchors,
        maxNodes,
        blankFrames,
        maxBlankPx,
        atMaxNodes,
        nodesAfterLoad,
        nodesAtEnd: nodes(),
        heapAfterLoad,
        heapAfterScroll: heap(),
        oldestShown,
      };
    },
    [paginations, SCROLL_STEP_PX, BLANK_MIN_PX] as const,
  );
}

export interface SeededHistory {
  /** The member who reads the history, and the one who wrote it. */
  reader: Peer;
  writer: Peer;
  roomId: string;
  /** How long seeding took, and Synapse's CPU for it (on the run that seeded it, when cached). */
  seconds: number;
  cpuSeconds: number;
  /** When the history came from the snapshot cache: the date it was seeded. */
  cachedFrom?: string;
}

/** The bench's Synapse settings: every scenario shares one server started with these. */
export const BENCH_SYNAPSE = { bench: true } as const;
/** Bump when seedHistory() writes different events, so an old snapshot is not reused. */
const SEED_FORMAT = 1;
const CACHE = process.env['OMNI_BENCH_CACHE'] !== '0';

/**
 * Seeding the history costs Synapse ~22 ms of CPU per event, minutes on this machine, and the events are
 * the same on every run. So once seeded, the database (with its signing key and media) is kept under
 * .cache/bench/, keyed by Synapse's version, its configuration, the seed parameters and seedHistory()'s
 * format; the next run's Synapse starts from a copy. `OMNI_BENCH_CACHE=0` seeds afresh and keeps nothing.
 */
export function historySnapshotDir(): string {
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        synapse: SYNAPSE_VERSION,
        config: synapseConfigFingerprint(BENCH_SYNAPSE),
        messages: MESSAGES,
        peers: SEED_PEERS,
        format: SEED_FORMAT,
        sync: SYNC_SEED_KEY,
      }),
    )
    .digest('hex')
    .slice(0, 16);
  return `${root}.cache/bench/history-${key}`;
}

interface SnapshotMeta {
  reader: TestUser;
  writer: TestUser;
  roomId: string;
  seconds: number;
  cpuSeconds: number;
  date: string;
  /** The sync scenario's rooms, when they were seeded with the history. */
  sync?: SyncSeed;
}

/** The snapshot to start the bench's Synapse from, if seeding is wanted and one was saved; else undefined. */
export async function historySnapshot(): Promise<string | undefined> {
  if (!CACHE || MESSAGES <= 0) return undefined;
  const dir = historySnapshotDir();
  return (await readSnapshotMeta(dir)) ? dir : undefined;
}

async function readSnapshotMeta(dir: string): Promise<SnapshotMeta | undefined> {
  try {
    return JSON.parse(await readFile(`${dir}/meta.json`, 'utf8')) as SnapshotMeta;
  } catch {
    return undefined;
  }
}

/** The sync scenario's rooms in the snapshot, if they were seeded with its history. */
export async function syncSeedFrom(snapshot: string): Promise<SyncSeed | undefined> {
  return (await readSnapshotMeta(snapshot))?.sync;
}

/** The history, from the snapshot `hs` was started from (`historySnapshot()`), or seeded now (and saved). */
export async function longHistory(hs: Homeserver, snapshot: string | undefined): Promise<SeededHistory> {
  const meta = snapshot ? await readSnapshotMeta(snapshot) : undefined;
  if (!meta) return seedLongHistory(hs);
  const peer = (user: TestUser): Peer => new Peer({ ...user, homeserver: hs.baseUrl });
  process.stdout.write(`omni bench sending: the ${MESSAGES}-message history comes from ${snapshot ?? ''} (seeded ${meta.date})\n`);
  return {
    reader: peer(meta.reader),
    writer: peer(meta.writer),
    roomId: meta.roomId,
    seconds: meta.seconds,
    cpuSeconds: meta.cpuSeconds,
    cachedFrom: meta.date,
  };
}

/**
 * Seeds (e)'s long history in its own room. `pnpm bench` starts this while `pnpm build` runs (a step that
 * measures no time), so Synapse's seeding cost overlaps it instead of adding to the run.
 */
export async function seedLongHistory(hs: Homeserver, sync?: Promise<SyncSeed>): Promise<SeededHistory> {
  const [reader, writer] = await Promise.all([hs.registerUser({ displayName: 'Reader' }), hs.registerUser({ displayName: 'Writer' })]);
  const { roomId } = await writer.createRoom({ name: 'Long history', preset: 'public_chat' });
  await reader.joinRoom(roomId);
  process.stdout.write(`omni bench sending: seeding ${MESSAGES} messages (${SEED_PEERS} members × ${SEED_IN_FLIGHT} in flight)…\n`);
  const seeded = await seedHistory(hs, roomId, writer);
  process.stdout.write(
    `omni bench sending: seeded in ${seeded.seconds.toFixed(1)} s (${Math.round(MESSAGES / seeded.seconds)} msg/s, Synapse CPU ${round((seeded.cpuSeconds * 1000) / MESSAGES)} ms per message)\n`,
  );
  if (CACHE) {
    const dir = historySnapshotDir();
    // With the sync scenario's rooms when they are being seeded too (pnpm bench), so both are kept.
    const syncSeed = await sync?.catch(() => undefined);
    const saving = Date.now();
    await hs.saveSnapshot(dir);
    const meta: SnapshotMeta = {
      reader,
      writer,
      roomId,
      ...seeded,
      date: new Date().toISOString(),
      ...(syncSeed ? { sync: syncSeed } : {}),
    };
    await writeFile(`${dir}/meta.json`, `${JSON.stringify(meta, null, 2)}\n`);
    // Snapshots for other keys (another Synapse, other seed parameters) are ~100 MB each and never read again.
    for (const entry of await readdir(`${root}.cache/bench`)) {
      if (entry.startsWith('history-') && `${root}.cache/bench/${entry}` !== dir)
        await rm(`${root}.cache/bench/${entry}`, { recursive: true, force: true });
    }
    process.stdout.write(`omni bench sending: saved the seeded database to ${dir} in ${((Date.now() - saving) / 1000).toFixed(1)} s\n`);
  }
  return { reader, writer, roomId, ...seeded };
}

/**
 * Runs the scenario against `shared` (left running) or a Synapse of its own; `seeding`, when given, is the
 * long history already being seeded on `shared` by seedLongHistory().
 */
export async function runSendingBench(shared?: Homeserver, seeding?: Promise<SeededHistory>): Promise<void> {
  let own: Homeserver | undefined;
  const started = Date.now();
  let browser: Browser | undefined;
  let pages: Awaited<ReturnType<typeof servePages>> | undefined;
  try {
    process.stdout.write('omni bench sending: starting Synapse, Vite and Chromium…\n');
    const snapshot = shared ? undefined : await historySnapshot();
    const [hs, launched, served] = await Promise.all([
      shared ?? startSynapse({ ...BENCH_SYNAPSE, snapshot }).then((started) => (own = started)),
      // Precise `performance.memory` and `gc()`, so heap figures are real sizes after collection.
      launchChromium({ args: ['--enable-precise-memory-info', '--js-flags=--expose-gc'] }),
      // Dependencies as sites ship them (Lit's production build), not their development builds.
      servePages({ production: true }),
    ]);
    browser = launched;
    pages = served;
    const [alice, bob] = await Promise.all([hs.registerUser({ displayName: 'Alice' }), hs.registerUser({ displayName: 'Bob' })]);
    const { roomId } = await bob.createRoom({ name: 'Bench conversation', preset: 'public_chat' });
    await alice.joinRoom(roomId);
    await bob.sendMessage(roomId, 'hello');
    const url = (room: string): string =>
      served.url(`/test/pages/session.html?hs=${encodeURIComponent(hs.baseUrl)}&room=${encodeURIComponent(room)}`);

    // (c) local echo and (d) sender → receiver.
    const a = await openRoom(launched, url(roomId), alice, hs.baseUrl);
    const b = await openRoom(launched, url(roomId), bob, hs.baseUrl);
    await a.page.getByRole('log').getByText('hello').waitFor({ timeout: 60_000 });
    // Lit's development build announces itself through this global; sites ship the production one.
    const litBuild = (await a.page.evaluate(() => 'litIssuedWarnings' in globalThis)) ? 'development' : 'production';
    const loadBefore = loadavg()[0] ?? Number.NaN;
    await measureEcho(a.page, 'warm-up'); // Vite, fonts and first layout are no part of the figures.
    const echo: EchoSample[] = [];
    for (let i = 0; i < ECHO_SENDS; i += 1) echo.push(await measureEcho(a.page, `echo ${i} ${Math.random().toString(36).slice(2, 8)}`));
    const echoMs = echo.map((s) => s.ms);
    process.stdout.write(
      `omni bench sending: local echo p50 ${round(percentile(echoMs, 50))} ms, p95 ${round(percentile(echoMs, 95))} ms (that frame rendered p50 ${round(
        percentile(
          echo.map((s) => s.paintedMs),
          50,
        ),
      )} ms, p95 ${round(
        percentile(
          echo.map((s) => s.paintedMs),
          95,
        ),
      )} ms); load average ${round(loadavg()[0] ?? Number.NaN)}\n`,
    );
    let echoTrace: EchoTrace | undefined;
    if (ECHO_TRACE > 0) {
      echoTrace = await traceEchoes(a.page, ECHO_TRACE, async (i) => {
        await measureEcho(a.page, `traced ${i} ${Math.random().toString(36).slice(2, 8)}`);
      });
      process.stdout.write(`${describeEchoTrace(echoTrace).join('\n')}\n`);
    }

    const latencyMs: number[] = [];
    for (let i = 0; i < LATENCY_SENDS; i += 1) {
      const body = `latency ${i} ${Math.random().toString(36).slice(2, 8)}`;
      // Both pages' clocks are wall time (timeOrigin + their own performance.now()), on one machine.
      const shown = probe(b.page)((p, text) => p.shownAt(text), body);
      await probe(a.page)((p) => p.armKeydown());
      await typeAndPressEnter(a.page, body);
      const sentAt = await probe(a.page)((p) => p.keydownAt());
      latencyMs.push((await shown) - sentAt);
      await a.page.waitForFunction((text) => (window as unknown as { omniProbe: Probe }).omniProbe.sent(text), body, { timeout: 30_000 });
    }
    process.stdout.write(`omni bench sending: sender → receiver p50 ${round(percentile(latencyMs, 50))} ms\n`);
    await Promise.all([a.close(), b.close()]);
    if (process.env['OMNI_BENCH_ECHO_SAMPLES']) {
      process.stdout.write(
        `  input delay / in the DOM / shown ms, frames: ${echo.map((s) => `${round(s.inputDelayMs)}/${round(s.domMs)}/${round(s.ms)} ${s.frames}`).join(', ')}\n`,
      );
    }
    if (MESSAGES <= 0) {
      // OMNI_BENCH_MESSAGES=0: the conversation figures only, without seeding a history.
      process.stdout.write(
        `  (c) ${echo.filter((s) => s.frames === 1).length}/${echo.length} in the next frame; Lit ${litBuild} build; load average ${round(loadBefore)} → ${round(loadavg()[0] ?? Number.NaN)}\n`,
      );
      return;
    }

    // (e) a long history.
    const seeded = await (seeding ?? longHistory(hs, snapshot));
    const big = await openRoom(launched, url(seeded.roomId), seeded.reader, hs.baseUrl);
    const latest = `history ${String(MESSAGES - 1).padStart(5, '0')}`;
    await big.page.getByRole('log').getByText(latest).waitFor({ timeout: 60_000 });
    const history = await scrollThroughHistory(big.page, PAGINATIONS);
    await big.close();

    const driftPx = history.drifts.map((d) => Math.abs(d.after - d.before));
    const maxDrift = driftPx.length > 0 ? Math.max(...driftPx) : Number.NaN;
    const echoP95 = percentile(echoMs, 95);
    const frameP95 = percentile(history.frames, 95);
    const dropped = history.frames.filter((f) => f > DROPPED_FRAME_MS).length;
    const latencyP50 = percentile(latencyMs, 50);
    const verdict = (ok: boolean): string => (ok ? 'ok' : 'over');
    const results = {
      date: new Date().toISOString(),
      localEcho: {
        sends: echo.length,
        p50Ms: round(percentile(echoMs, 50)),
        p95Ms: round(echoP95),
        maxMs: round(Math.max(...echoMs)),
        inNextFrame: echo.filter((s) => s.frames === 1).length,
        framesP95: percentile(
          echo.map((s) => s.frames),
          95,
        ),
        inDomP95Ms: round(
          percentile(
            echo.map((s) => s.domMs),
            95,
          ),
        ),
        paintedP50Ms: round(
          percentile(
            echo.map((s) => s.paintedMs),
            50,
          ),
        ),
        paintedP95Ms: round(
          percentile(
            echo.map((s) => s.paintedMs),
            95,
          ),
        ),
        inputDelayP95Ms: round(
          percentile(
            echo.map((s) => s.inputDelayMs),
            95,
          ),
        ),
        samples: echo.map((s) => [round(s.inputDelayMs), round(s.domMs), round(s.ms), s.frames]),
        targetMs: round(FRAME_MS),
        ok: echoP95 <= FRAME_MS,
        ...(echoTrace ? { trace: echoTrace } : {}),
      },
      senderToReceiver: {
        sends: latencyMs.length,
        p50Ms: round(latencyP50),
        p95Ms: round(percentile(latencyMs, 95)),
        targetP50Ms: LATENCY_TARGET_MS,
        ok: latencyP50 <= LATENCY_TARGET_MS,
      },
      history: {
        messages: MESSAGES,
        seedS: round(seeded.seconds),
        seedCachedFrom: seeded.cachedFrom ?? null,
        seedMessagesPerS: Math.round(MESSAGES / seeded.seconds),
        seedSynapseCpuMsPerMessage: round((seeded.cpuSeconds * 1000) / MESSAGES),
        seedPeers: SEED_PEERS,
        seedInFlightPerPeer: SEED_IN_FLIGHT,
        backPaginations: history.paginated,
        oldestShown: history.oldestShown,
        timelineNodesAfterLoad: history.nodesAfterLoad,
        maxTimelineNodes: history.maxNodes,
        atMaxTimelineNodes: history.atMaxNodes,
        timelineNodesAtEnd: history.nodesAtEnd,
        nodesTarget: NODE_TARGET,
        nodesOk: history.maxNodes <= NODE_TARGET,
        scrollFrames: history.frames.length,
        scrollFrameP50Ms: round(percentile(history.frames, 50)),
        scrollFrameP95Ms: round(frameP95),
        scrollFrameMaxMs: round(Math.max(...history.frames)),
        droppedFrames: dropped,
        blankFrames: history.blankFrames,
        maxBlankPx: round(history.maxBlankPx),
        frameTargetMs: round(FRAME_MS),
        frameOk: frameP95 <= DROPPED_FRAME_MS,
        anchorDriftPx: driftPx.map(round),
        anchorsLost: history.lostAnchors,
        maxAnchorDriftPx: round(maxDrift),
        // Scroll offsets are whole pixels while tiles sit at fractional ones: ≤ 0.5 px is 0 device pixels.
        driftOk: maxDrift <= 0.5 && history.lostAnchors === 0,
        heapAfterLoadMb: mb(history.heapAfterLoad),
        heapAfterScrollMb: mb(history.heapAfterScroll),
        heapGrowthMb: mb(history.heapAfterScroll - history.heapAfterLoad),
      },
      machine: {
        cpus: availableParallelism(),
        loadAverageAtStart: round(loadBefore),
        loadAverageAtEnd: round(loadavg()[0] ?? Number.NaN),
        litBuild,
      },
      durationS: Math.round((Date.now() - started) / 1000),
    };
    const h = results.history;
    const e = results.localEcho;
    const pad = (value: number | string): string => String(value).padStart(7);
    const lines = [
      '',
      `Conversation — Synapse ${hs.serverName}, Chromium, Lit ${litBuild} build; ${results.machine.cpus} CPUs, load average ${results.machine.loadAverageAtStart} → ${results.machine.loadAverageAtEnd}`,
      '  figure                                              value       target       verdict',
      `  (c) local echo, Enter keydown → frame showing it, p95 ${pad(e.p95Ms)} ms   ≤ 16.7 ms    ${verdict(e.ok)}   (p50 ${e.p50Ms} ms, max ${e.maxMs} ms; ${e.inNextFrame}/${e.sends} in the next frame; in the DOM p95 ${e.inDomP95Ms} ms; that frame rendered p50 ${e.paintedP50Ms} ms, p95 ${e.paintedP95Ms} ms)`,
      `  (d) sender → receiver over loopback, p50             ${pad(results.senderToReceiver.p50Ms)} ms   ≤ ${LATENCY_TARGET_MS} ms     ${verdict(results.senderToReceiver.ok)}   (p95 ${results.senderToReceiver.p95Ms} ms, ${latencyMs.length} sends)`,
      `  (e) ${MESSAGES} messages seeded in                        ${pad(h.seedS)} s                         (${h.seedMessagesPerS} msg/s, ${SEED_PEERS} members × ${SEED_IN_FLIGHT} in flight; Synapse CPU ${h.seedSynapseCpuMsPerMessage} ms/message${h.seedCachedFrom ? `; this run started from the snapshot seeded ${h.seedCachedFrom}` : ''})`,
      `      timeline DOM nodes (max while scrolling)        ${pad(h.maxTimelineNodes)}      ≤ ${NODE_TARGET}        ${verdict(h.nodesOk)}   (${h.timelineNodesAfterLoad} once open, ${h.timelineNodesAtEnd} at the end)`,
      `      scroll frame time p95                           ${pad(h.scrollFrameP95Ms)} ms   ≤ 16.7 ms    ${verdict(h.frameOk)}   (p50 ${h.scrollFrameP50Ms} ms, max ${h.scrollFrameMaxMs} ms; ${dropped} of ${h.scrollFrames} frames dropped a vsync; ${h.blankFrames} showed a blank area, at most ${h.maxBlankPx} px)`,
      `      anchor drift per back-pagination (max)          ${pad(h.maxAnchorDriftPx)} px   0 px         ${verdict(h.driftOk)}   (${h.backPaginations} back-paginations${h.anchorsLost ? `, ${h.anchorsLost} anchors lost` : ''}: ${h.anchorDriftPx.join(', ')})`,
      `      JS heap after opening / after scrolling         ${pad(h.heapAfterLoadMb)} MB / ${h.heapAfterScrollMb} MB     (growth ${h.heapGrowthMb} MB; scrolled back to "${h.oldestShown}")`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
    await mkdir(`${root}bench-results`, { recursive: true });
    await writeFile(`${root}bench-results/sending.json`, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`Written bench-results/sending.json (${results.durationS} s)\n`);
  } finally {
    await browser?.close();
    await pages?.close();
    await own?.stop();
  }
}

/** The summary's rows (all.ts) from bench-results/sending.json. */
export function sendingFigures(sending: Json): Figure[] {
  const figures: Figure[] = [];
  const echo = obj(sending['localEcho']);
  const p95 = num(echo['p95Ms']);
  figures.push({
    figure: 'local echo p95 (Enter → frame showing it)',
    value: p95,
    unit: 'ms',
    target: '≤ 16.7 ms',
    ok: check(p95, (v) => v <= 16.7),
  });
  const latency = num(obj(sending['senderToReceiver'])['p50Ms']);
  figures.push({
    figure: 'sender → receiver p50, loopback',
    value: latency,
    unit: 'ms',
    target: '≤ 250 ms',
    ok: check(latency, (v) => v <= 250),
  });
  const h = obj(sending['history']);
  if (Object.keys(h).length > 0) {
    const cachedFrom = typeof h['seedCachedFrom'] === 'string' ? h['seedCachedFrom'] : undefined;
    figures.push(
      info(
        `${String(h['messages'])}-message history seeded in${cachedFrom ? ` (by the run of ${cachedFrom.slice(0, 16)}; this one used its snapshot)` : ''}`,
        num(h['seedS']),
        's',
      ),
    );
    const nodes = num(h['maxTimelineNodes']);
    figures.push({
      figure: 'timeline DOM nodes (max while scrolling back)',
      value: nodes,
      unit: '',
      target: '≤ 300',
      ok: check(nodes, (v) => v <= 300),
    });
    figures.push({
      figure: 'scroll frame p95 (≤ 1.5 frames = one vsync)',
      value: num(h['scrollFrameP95Ms']),
      unit: 'ms',
      target: '≤ 16.7 ms',
      ok: typeof h['frameOk'] === 'boolean' ? h['frameOk'] : undefined,
    });
    figures.push(info('scroll frame max', num(h['scrollFrameMaxMs']), 'ms'));
    figures.push(info('scroll steps painted with a blank area in view', num(h['blankFrames']), ''));
    const drift = num(h['maxAnchorDriftPx']);
    figures.push({
      figure: 'anchor drift per back-pagination (max)',
      value: drift,
      unit: 'px',
      target: '0 px',
      ok: typeof h['driftOk'] === 'boolean' ? h['driftOk'] : undefined,
    });
    figures.push(info('JS heap growth while scrolling back', num(h['heapGrowthMb']), 'MB'));
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await runSendingBench();
