/**
 * Where the time to first message goes for a member joined to 1 room and to 500 rooms (`node
 * test/bench/sync-trace.ts`): the homeserver requests `<omni-room>` makes from connected to its first
 * message painted, each with its time and response size, then the first sliding-sync request replayed from
 * Node against the same Synapse (no browser), so Synapse's own cost is measured apart from ours.
 * Prints figures; not part of `pnpm bench`.
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { startSynapse, type Peer } from '@omnisocial/testing';
import type { Browser } from 'playwright-core';
import { launchChromium, servePages } from '../support/chromium.ts';
import type { OmniBench } from './page.ts';
import { median } from './stats.ts';
import { connIdOf } from './sync-connection.ts';

const ROOMS = Number(process.env['OMNI_TRACE_ROOMS'] ?? 500);
const RUNS = Number(process.env['OMNI_TRACE_RUNS'] ?? 3);
const REPLAYS = Number(process.env['OMNI_TRACE_REPLAYS'] ?? 40);
const SLIDING = /simplified_msc3575\/sync/;

interface Traced {
  paintMs: number;
  requests: Array<{ at: number; ms: number; bytes: number; what: string }>;
  /** The engine's first sliding-sync request, and its first one carrying the room's subscription. */
  firstSync?: Captured;
  roomSync?: Captured;
}

interface Captured {
  body: string;
  headers: Record<string, string>;
  url: string;
}

/** Synapse's CPU time so far (user + system), in ms: unlike wall time, barely moved by other work's load. */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${String(pid)}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function trace(browser: Browser, url: string, hs: string, member: Peer, roomId: string): Promise<Traced> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => 'omniBench' in window);
    await page.evaluate(([h, u, p]) => (window as unknown as { omniBench: OmniBench }).omniBench.signIn(h, u, p), [
      hs,
      member.username,
      member.password,
    ] as const);
    const origin = await page.evaluate(() => performance.timeOrigin + performance.now());
    const traced: Traced = { paintMs: 0, requests: [] };
    const pending: Array<Promise<void>> = [];
    page.on('requestfinished', (request) => {
      if (!request.url().startsWith(hs)) return;
      pending.push(
        (async () => {
          const timing = request.timing();
          const body = await request.response().then((r) => r?.body().catch(() => Buffer.alloc(0)));
          // The light read's sliding sync goes to the engine's URL on its own connection (conn_id).
          const connId = request.method() === 'POST' && SLIDING.test(request.url()) ? connIdOf(request.postData()) : '';
          traced.requests.push({
            at: Math.round(timing.startTime - origin),
            ms: Math.round(timing.responseEnd),
            bytes: body?.length ?? 0,
            what: `${request.method()} ${request.url().slice(hs.length).split('?')[0] ?? ''}${connId ? ` (${connId})` : ''}`,
          });
          if (SLIDING.test(request.url()) && request.method() === 'POST' && connId === '') {
            const captured = { body: request.postData() ?? '', headers: await request.allHeaders(), url: request.url() };
            if (!traced.firstSync) traced.firstSync = captured;
            if (!traced.roomSync && captured.body.includes('room_subscriptions')) traced.roomSync = captured;
          }
        })(),
      );
    });
    traced.paintMs = await page.evaluate(([h, id]) => (window as unknown as { omniBench: OmniBench }).omniBench.firstPaint(h, [id]), [
      hs,
      roomId,
    ] as const);
    await page.waitForTimeout(300);
    await Promise.all(pending);
    traced.requests.sort((a, b) => a.at - b.at);
    return traced;
  } finally {
    await context.close();
  }
}

/** Replays a captured sliding-sync request from Node (a new connection, no `pos`): the server's time alone. */
async function replay(captured: Captured): Promise<{ ms: number; bytes: number }> {
  const headers = { authorization: captured.headers['authorization'] ?? '', 'content-type': 'application/json' };
  const started = performance.now();
  const response = await fetch(captured.url.replace(/([?&])pos=[^&]*&?/, '$1'), { method: 'POST', headers, body: captured.body });
  const text = await response.text();
  return { ms: performance.now() - started, bytes: text.length };
}

const hs = await startSynapse({ bench: true });
const served = await servePages();
const browser = await launchChromium();
try {
  const [one, many] = await Promise.all([hs.registerUser({ displayName: 'One room' }), hs.registerUser({ displayName: 'Many rooms' })]);
  const { roomId: oneRoom } = await one.createRoom({ name: 'Only room', preset: 'public_chat' });
  await one.sendMessage(oneRoom, 'hello from the only room');
  const { roomId: manyRoom } = await many.createRoom({ name: 'Shown room', preset: 'public_chat' });
  await many.sendMessage(manyRoom, 'hello from the shown room');
  const seeding = Date.now();
  for (let i = 1; i < ROOMS; i += 8) {
    await Promise.all(
      Array.from({ length: Math.min(8, ROOMS - i) }, (_, k) => many.createRoom({ name: `Other room ${i + k}`, preset: 'public_chat' })),
    );
  }
  process.stdout.write(
    `seeded ${ROOMS} rooms in ${((Date.now() - seeding) / 1000).toFixed(0)} s; load average ${loadavg()[0]?.toFixed(2) ?? '?'}\n`,
  );
  const url = served.url('/test/bench/index.html');
  await trace(browser, url, hs.baseUrl, one, oneRoom); // Vite's first transforms are no part of the figures.
  for (const [label, member, roomId] of [
    ['1 room', one, oneRoom],
    [`${ROOMS} rooms`, many, manyRoom],
  ] as const) {
    const paints: number[] = [];
    let last: Traced | undefined;
    for (let run = 0; run < RUNS; run += 1) {
      last = await trace(browser, url, hs.baseUrl, member, roomId);
      paints.push(last.paintMs);
    }
    process.stdout.write(
      `\n${label}: connected → first message painted, median ${median(paints).toFixed(0)} ms (${paints.map((p) => p.toFixed(0)).join(', ')}); load ${loadavg()[0]?.toFixed(2) ?? '?'}\n`,
    );
    process.stdout.write('  last run, homeserver requests (start ms after sign-in, duration ms, response bytes):\n');
    for (const r of last?.requests ?? [])
      process.stdout.write(`  ${String(r.at).padStart(6)} ${String(r.ms).padStart(6)} ${String(r.bytes).padStart(8)}  ${r.what}\n`);
    for (const [what, captured] of [
      ['first sliding-sync request', last?.firstSync],
      ['first request carrying the room', last?.roomSync],
    ] as const) {
      if (!captured) {
        process.stdout.write(`  ${what}: none\n`);
        continue;
      }
      const replays = [];
      const cpuBefore = await cpuMs(hs.pid);
      for (let i = 0; i < REPLAYS; i += 1) replays.push(await replay(captured));
      const cpu = ((await cpuMs(hs.pid)) - cpuBefore) / REPLAYS;
      process.stdout.write(
        `  ${what}, replayed from Node ${String(REPLAYS)}×: median ${median(replays.map((r) => r.ms)).toFixed(0)} ms, Synapse CPU ${cpu.toFixed(1)} ms per request, ${String(replays[0]?.bytes ?? 0)} B\n`,
      );
      process.stdout.write(`    body: ${captured.body.slice(0, 400)}\n`);
    }
  }
} finally {
  await browser.close();
  await served.close();
  await hs.stop();
}
