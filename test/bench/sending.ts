/**
 * `pnpm bench sending`: the conversation's figures, against a real Synapse in Debian's Chromium.
 *
 *  (c) local echo: keydown Enter in the composer → the pending message painted (first animation frame
 *      whose DOM holds it), p50/p95 over ECHO_SENDS sends — target one frame (16.7 ms);
 *  (d) sender → receiver over loopback: page A's keydown → page B paints it, p50;
 *  (e) a MESSAGES-message history (default 10,000): seeding time, timeline DOM nodes, scroll frame time
 *      p95/max while scrolling up through PAGINATIONS back-paginations, anchor drift per back-pagination
 *      (top-visible message's offset before/after), JS heap growth — targets ≤ 300 nodes, 0 px drift.
 *
 * Prints a table and writes bench-results/sending.json. A command that prints figures, not a test.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { startSynapse, stopAllSynapses, type Peer } from '@omnisocial/testing';
import { launchChromium, servePages } from '../support/chromium.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ECHO_SENDS = Number(process.env['OMNI_BENCH_ECHO_SENDS'] ?? 60);
const LATENCY_SENDS = Number(process.env['OMNI_BENCH_LATENCY_SENDS'] ?? 20);
const MESSAGES = Number(process.env['OMNI_BENCH_MESSAGES'] ?? 10_000);
const PAGINATIONS = Number(process.env['OMNI_BENCH_PAGINATIONS'] ?? 15);
const SEED_CONCURRENCY = 8;
const FRAME_MS = 1000 / 60;
const NODE_TARGET = 300;

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

async function openRoom(browser: Browser, url: string, member: Peer, homeserver: string): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.addStyleTag({ content: 'omni-room { display: block; height: 800px; }' });
  await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 60_000 });
  await page.evaluate(
    ([hs, username, password]) =>
      (window as unknown as { omni: { signIn(o: object): Promise<unknown> } }).omni.signIn({ homeserver: hs, username, password }),
    [homeserver, member.username, member.password] as const,
  );
  await page.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 60_000 });
  await page.getByRole('log').waitFor({ timeout: 60_000 });
  return { page, close: () => context.close() };
}

/** In the page: a helper that finds text in the log through shadow roots (installed once per page). */
async function installProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const all = (node: ParentNode, selector: string): Element[] => {
      const found = [...node.querySelectorAll(selector)];
      if (node instanceof Element && node.shadowRoot) found.push(...all(node.shadowRoot, selector));
      for (const el of node.querySelectorAll('*')) if (el.shadowRoot) found.push(...all(el.shadowRoot, selector));
      return found;
    };
    const probe = {
      all,
      log: (): HTMLElement | undefined => all(document, '[role="log"]')[0] as HTMLElement | undefined,
      shows: (text: string): boolean =>
        all(document, '[role="log"] [role="article"], [role="log"] article').some((a) => a.textContent.includes(text)),
      /** Resolves with ms from now (performance.now) to the first animation frame whose DOM shows `text`. */
      paintedAfter: (start: number, text: string, timeoutMs = 10_000): Promise<number> =>
        new Promise((resolve, reject) => {
          const frame = (now: number): void => {
            if (probe.shows(text)) resolve(performance.now() - start);
            else if (now - start > timeoutMs) reject(new Error(`never painted: ${text}`));
            else requestAnimationFrame(frame);
          };
          requestAnimationFrame(frame);
        }),
      textbox: (): HTMLTextAreaElement => all(document, '[aria-label="Message"]')[0] as HTMLTextAreaElement,
    };
    Object.assign(window, { omniProbe: probe });
  });
}

interface Probe {
  log(): HTMLElement | undefined;
  shows(text: string): boolean;
  paintedAfter(start: number, text: string, timeoutMs?: number): Promise<number>;
  textbox(): HTMLTextAreaElement;
  all(node: ParentNode, selector: string): Element[];
}

/** Types `body` and presses Enter inside the page; resolves with ms from keydown to painted in that page. */
function sendAndTimeEcho(page: Page, body: string): Promise<number> {
  return page.evaluate((text) => {
    const probe = (window as unknown as { omniProbe: Probe }).omniProbe;
    const box = probe.textbox();
    box.value = text;
    box.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    const start = performance.now();
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
    return probe.paintedAfter(start, text);
  }, body);
}

export async function runSendingBench(): Promise<void> {
  const started = Date.now();
  let browser: Browser | undefined;
  let pages: Awaited<ReturnType<typeof servePages>> | undefined;
  try {
    process.stdout.write('omni bench sending: starting Synapse, Vite and Chromium…\n');
    const [hs, launched, served] = await Promise.all([startSynapse(), launchChromium(), servePages()]);
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
    await Promise.all([installProbe(a.page), installProbe(b.page)]);
    await a.page.getByRole('log').getByText('hello').waitFor({ timeout: 60_000 });
    await sendAndTimeEcho(a.page, 'warm-up'); // Vite, fonts and first layout are no part of the figures.
    const echoMs: number[] = [];
    for (let i = 0; i < ECHO_SENDS; i += 1) {
      echoMs.push(await sendAndTimeEcho(a.page, `echo ${i} ${Math.random().toString(36).slice(2, 8)}`));
      await a.page.waitForTimeout(30);
    }
    process.stdout.write(`omni bench sending: local echo p95 ${round(percentile(echoMs, 95))} ms\n`);

    const latencyMs: number[] = [];
    for (let i = 0; i < LATENCY_SENDS; i += 1) {
      const body = `latency ${i} ${Math.random().toString(36).slice(2, 8)}`;
      // Both pages share Chromium's clock origin only through wall time: measure with Date.now in each.
      const received = b.page.evaluate(
        (text) =>
          new Promise<number>((resolve) => {
            const probe = (window as unknown as { omniProbe: Probe }).omniProbe;
            const frame = (): void => {
              if (probe.shows(text)) resolve(Date.now());
              else requestAnimationFrame(frame);
            };
            requestAnimationFrame(frame);
          }),
        body,
      );
      const sentAt = await a.page.evaluate((text) => {
        const probe = (window as unknown as { omniProbe: Probe }).omniProbe;
        const box = probe.textbox();
        box.value = text;
        box.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
        const at = Date.now();
        box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
        return at;
      }, body);
      latencyMs.push((await received) - sentAt);
    }
    process.stdout.write(`omni bench sending: sender → receiver p50 ${round(percentile(latencyMs, 50))} ms\n`);
    await Promise.all([a.close(), b.close()]);

    // (e) a long history.
    const { roomId: bigRoom } = await bob.createRoom({ name: 'Long history', preset: 'public_chat' });
    await alice.joinRoom(bigRoom);
    process.stdout.write(`omni bench sending: seeding ${MESSAGES} messages…\n`);
    const seedStart = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: SEED_CONCURRENCY }, async () => {
        for (let i = next++; i < MESSAGES; i = next++) {
          await bob.sendEvent(bigRoom, 'm.room.message', {
            msgtype: 'm.text',
            body: `history ${String(i).padStart(5, '0')} ${'lorem ipsum '.repeat(1 + (i % 5))}`,
          });
        }
      }),
    );
    const seedS = (Date.now() - seedStart) / 1000;
    process.stdout.write(`omni bench sending: seeded in ${seedS.toFixed(1)} s\n`);

    const big = await openRoom(launched, url(bigRoom), alice, hs.baseUrl);
    await installProbe(big.page);
    await big.page
      .getByRole('log')
      .getByText(`history ${String(MESSAGES - 1).padStart(5, '0')}`)
      .waitFor({ timeout: 60_000 });
    const history = await big.page.evaluate(async (paginations) => {
      const probe = (window as unknown as { omniProbe: Probe }).omniProbe;
      const log = probe.log();
      if (!log) throw new Error('no log');
      const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
      const heapBefore = memory?.usedJSHeapSize ?? 0;
      const frames: number[] = [];
      const drifts: number[] = [];
      let maxNodes = 0;
      const nodes = (): number => probe.all(log, '*').length;
      const topVisible = (): { key: string; offset: number } | undefined => {
        const top = log.getBoundingClientRect().top;
        for (const a of probe.all(log, '[role="article"], article')) {
          const rect = a.getBoundingClientRect();
          if (rect.bottom > top + 1) return { key: a.textContent.slice(0, 80), offset: rect.top - top };
        }
        return undefined;
      };
      const frame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve));
      let last = await frame();
      let paginated = 0;
      let stalled = 0;
      while (paginated < paginations && stalled < 400) {
        // Scroll up like a wheel would, one step per frame, and time each frame.
        log.scrollTop = Math.max(0, log.scrollTop - 120);
        const before = topVisible();
        const now = await frame();
        frames.push(now - last);
        last = now;
        maxNodes = Math.max(maxNodes, nodes());
        if (log.scrollTop === 0) {
          // At the top: the timeline asks for older messages; wait for them and measure the anchor.
          const anchor = topVisible();
          const height = log.scrollHeight;
          const deadline = performance.now() + 15_000;
          while (log.scrollHeight === height && performance.now() < deadline) {
            const t = await frame();
            frames.push(t - last);
            last = t;
          }
          // Let the anchor be restored.
          for (let i = 0; i < 3; i += 1) last = await frame();
          if (log.scrollHeight === height) break;
          paginated += 1;
          if (anchor) {
            const after = probe.all(log, '[role="article"], article').find((a) => a.textContent.slice(0, 80) === anchor.key);
            if (after) drifts.push(Math.abs(after.getBoundingClientRect().top - log.getBoundingClientRect().top - anchor.offset));
          }
          maxNodes = Math.max(maxNodes, nodes());
          stalled = 0;
        } else if (before === undefined) {
          stalled += 1;
        }
      }
      (globalThis as { gc?: () => void }).gc?.();
      return {
        paginated,
        frames,
        drifts,
        maxNodes,
        nodesAtEnd: nodes(),
        heapGrowthMb: memory ? (memory.usedJSHeapSize - heapBefore) / 1024 / 1024 : Number.NaN,
      };
    }, PAGINATIONS);
    await big.close();

    const echoP95 = percentile(echoMs, 95);
    const maxDrift = history.drifts.length > 0 ? Math.max(...history.drifts) : Number.NaN;
    const verdict = (ok: boolean): string => (ok ? 'ok' : 'over');
    const results = {
      date: new Date().toISOString(),
      localEcho: {
        sends: echoMs.length,
        p50Ms: round(percentile(echoMs, 50)),
        p95Ms: round(echoP95),
        targetMs: round(FRAME_MS),
        ok: echoP95 <= FRAME_MS,
      },
      senderToReceiver: { sends: latencyMs.length, p50Ms: round(percentile(latencyMs, 50)), p95Ms: round(percentile(latencyMs, 95)) },
      history: {
        messages: MESSAGES,
        seedS: Number(seedS.toFixed(1)),
        backPaginations: history.paginated,
        maxTimelineNodes: history.maxNodes,
        timelineNodesAtEnd: history.nodesAtEnd,
        nodesTarget: NODE_TARGET,
        nodesOk: history.maxNodes <= NODE_TARGET,
        scrollFrameP95Ms: round(percentile(history.frames, 95)),
        scrollFrameMaxMs: round(Math.max(...history.frames)),
        anchorDriftPx: history.drifts.map((d) => round(d)),
        maxAnchorDriftPx: round(maxDrift),
        driftOk: maxDrift === 0,
        heapGrowthMb: round(history.heapGrowthMb),
      },
      durationS: Math.round((Date.now() - started) / 1000),
    };
    const lines = [
      '',
      `Conversation — Synapse ${hs.serverName}, Chromium`,
      '  figure                                        value        target     verdict',
      `  (c) local echo, keydown → painted, p95        ${String(results.localEcho.p95Ms).padStart(6)} ms   ≤ 16.7 ms   ${verdict(results.localEcho.ok)}   (p50 ${results.localEcho.p50Ms} ms, ${echoMs.length} sends)`,
      `  (d) sender → receiver over loopback, p50      ${String(results.senderToReceiver.p50Ms).padStart(6)} ms                (p95 ${results.senderToReceiver.p95Ms} ms, ${latencyMs.length} sends)`,
      `  (e) ${MESSAGES} messages seeded in                  ${String(results.history.seedS).padStart(6)} s`,
      `      timeline DOM nodes (max while scrolling)  ${String(history.maxNodes).padStart(6)}      ≤ ${NODE_TARGET}       ${verdict(results.history.nodesOk)}`,
      `      scroll frame time p95 / max               ${String(results.history.scrollFrameP95Ms).padStart(6)} / ${results.history.scrollFrameMaxMs} ms`,
      `      anchor drift per back-pagination (max)    ${String(results.history.maxAnchorDriftPx).padStart(6)} px   0 px        ${verdict(results.history.driftOk)}   (${history.paginated} back-paginations: ${results.history.anchorDriftPx.join(', ')})`,
      `      JS heap growth                            ${String(results.history.heapGrowthMb).padStart(6)} MB`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
    await mkdir(`${root}bench-results`, { recursive: true });
    await writeFile(`${root}bench-results/sending.json`, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`Written bench-results/sending.json (${results.durationS} s)\n`);
  } finally {
    await browser?.close();
    await pages?.close();
    await stopAllSynapses();
  }
}
