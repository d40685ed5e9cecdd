/**
 * `pnpm bench scale`: load on the scaled-out deployment of docs/deploy.md (PostgreSQL, Redis, a /sync worker and a
 * read worker behind nginx), loopback only. Simulated members — each a Node client holding a long-poll /sync, as an
 * open element does — are spread over ROOMS rooms; a real Chromium page holds WATCHED `<omni-room>` elements of one
 * member. At each step of members (100, then 1,000) members send MESSAGES messages over all rooms at RATE per
 * second, and the bench reports:
 *  - latency sender → element: from just before the member's send request to the text showing in the watching
 *    element (p50, p95, p99), for the messages in watched rooms;
 *  - sync connections: long-polls open at the sync worker (from /proc/net/tcp, the most seen during the step);
 *  - homeserver CPU per message: user + system time of Synapse's three processes and PostgreSQL over the step,
 *    divided by the messages sent;
 * and how each grows from the first step to the last (the ratio is the figure: on 2 shared cores the absolute
 * numbers are indicative only). Prints a table and writes bench-results/scale.json.
 */
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSynapseCluster, type Peer, type SynapseCluster } from '@omnisocial/testing';
import { launchChromium } from '../support/chromium.ts';
import { bounded } from './bounded.ts';
import { percentile } from './stats.ts';
import { buildBenchPages, serveStatic } from './static.ts';
import { info, type Figure, type Json } from './figures.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = path.join(root, 'node_modules', '.bench-scale');
const STEPS = (process.env['OMNI_BENCH_SCALE_MEMBERS'] ?? '100,1000').split(',').map(Number);
const ROOMS = Number(process.env['OMNI_BENCH_SCALE_ROOMS'] ?? 200);
const WATCHED = Math.min(ROOMS, Number(process.env['OMNI_BENCH_SCALE_WATCHED'] ?? 50));
const MESSAGES = Number(process.env['OMNI_BENCH_SCALE_MESSAGES'] ?? 200);
const RATE = Number(process.env['OMNI_BENCH_SCALE_RATE'] ?? 8);
const IN_FLIGHT = 8;
const SEED = 'ready for the load';
const CLOCK_TICKS_PER_S = 100;

export interface ScaleStep {
  members: number;
  messages: number;
  measured: number;
  lost: number;
  latencyMs: { p50: number; p95: number; p99: number };
  syncConnections: number;
  cpuMsPerMessage: number;
}

/** Runs `work` over `items`, `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index] as T, index);
      }
    }),
  );
}

/** CPU time (ms) of `pids` and their children (PostgreSQL's backends are children of the postmaster). */
async function cpuMs(pids: readonly number[]): Promise<number> {
  const all = await readdir('/proc');
  let ticks = 0;
  for (const name of all) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    // Fields after the command (which may hold spaces) start at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(name);
    const parent = Number(fields[1]);
    if (pids.includes(pid) || pids.includes(parent)) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_S;
}

/** Established TCP connections to 127.0.0.1:`port` (the server's side). */
async function connectionsTo(port: number): Promise<number> {
  const table = await readFile('/proc/net/tcp', 'utf8');
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return table.split('\n').filter((line) => {
    const [, address, , state] = line.trim().split(/\s+/);
    return address === local && state === '01';
  }).length;
}

/** A member's client holding a long-poll /sync until stopped, as an open element does. */
function syncLoop(member: Peer, stopped: { value: boolean }): Promise<void> {
  const filter = encodeURIComponent(
    JSON.stringify({ room: { timeline: { limit: 1 }, state: { lazy_load_members: true } }, presence: { types: [] } }),
  );
  return (async () => {
    let since = '';
    while (!stopped.value) {
      const query = `?filter=${filter}&timeout=${since ? 30_000 : 0}${since ? `&since=${since}` : ''}`;
      try {
        since = (await member.request<{ next_batch: string }>('GET', `/_matrix/client/v3/sync${query}`)).next_batch;
      } catch {
        // The server restarting or stopping: try again in a second (the loop ends once stopped).
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  })();
}

export async function runScaleBench(): Promise<ScaleStep[]> {
  process.stdout.write('omni bench scale: building the page and starting the scaled-out deployment…\n');
  const [cluster, server] = await Promise.all([
    startSynapseCluster({ cheapPasswords: true }),
    buildBenchPages(outDir, ['test/bench/scale.html']).then(() => serveStatic(outDir)),
  ]);
  const browser = await launchChromium();
  const stopped = { value: false };
  const loops: Promise<void>[] = [];
  try {
    const owner = await cluster.registerUser({ displayName: 'Site' });
    const rooms: string[] = [];
    await eachLimited(
      Array.from({ length: ROOMS }, (_, i) => i),
      IN_FLIGHT,
      async (i) => {
        const { roomId } = await owner.createRoom({ name: `Room ${String(i)}`, visibility: 'public' });
        rooms[i] = roomId;
        await owner.sendMessage(roomId, `${SEED} ${String(i)}`);
      },
    );
    const watcher = await cluster.registerUser({ displayName: 'Watcher' });
    await eachLimited(rooms.slice(0, WATCHED), IN_FLIGHT, async (room) => {
      await watcher.joinRoom(room);
    });

    const page = await (await browser.newContext({ viewport: { width: 1600, height: 1600 } })).newPage();
    const query = new URLSearchParams({
      hs: cluster.baseUrl,
      user: watcher.username,
      password: watcher.password,
      rooms: rooms.slice(0, WATCHED).join(','),
    });
    await page.goto(`${server.origin}/test/bench/scale.html?${query.toString()}`);
    await bounded(
      page.evaluate((seed) => window.scale.allShow(seed), SEED),
      `scale: ${String(WATCHED)} elements show their rooms`,
      180_000,
    );
    process.stdout.write(`omni bench scale: ${String(ROOMS)} rooms, ${String(WATCHED)} elements watching in Chromium\n`);

    const members: { peer: Peer; room: number }[] = [];
    const steps: ScaleStep[] = [];
    for (const target of STEPS) {
      const added = Array.from({ length: Math.max(0, target - members.length) }, (_, i) => members.length + i);
      const joined = performance.now();
      await eachLimited(added, IN_FLIGHT, async (index) => {
        const peer = await cluster.registerUser();
        const room = index % ROOMS;
        await peer.joinRoom(rooms[room] ?? '');
        members[index] = { peer, room };
        loops.push(syncLoop(peer, stopped));
      });
      process.stdout.write(
        `omni bench scale: ${String(members.length)} members syncing (${String(added.length)} added in ${((performance.now() - joined) / 1000).toFixed(0)} s)\n`,
      );
      steps.push(await measureStep(cluster, page, rooms, members, owner));
    }
    await report(steps);
    return steps;
  } finally {
    stopped.value = true;
    await browser.close();
    await server.close();
    await cluster.stop();
    // The loops end as their long-polls fail against the stopped server.
    await Promise.allSettled(loops);
  }
}

async function measureStep(
  cluster: SynapseCluster,
  page: import('playwright-core').Page,
  rooms: readonly string[],
  members: readonly { peer: Peer; room: number }[],
  owner: Peer,
): Promise<ScaleStep> {
  const pids = [...cluster.processes.map((process) => process.pid), cluster.postgres.pid];
  const byRoom = new Map<number, Peer[]>();
  for (const { peer, room } of members) byRoom.set(room, [...(byRoom.get(room) ?? []), peer]);
  const sentAt = new Map<string, number>();
  let syncConnections = 0;
  const sampling = setInterval(() => {
    void connectionsTo(cluster.ports.sync).then((count) => (syncConnections = Math.max(syncConnections, count)));
  }, 500);
  const cpuBefore = await cpuMs(pids);
  const started = performance.now();
  const sends: Promise<void>[] = [];
  for (let k = 0; k < MESSAGES; k += 1) {
    const room = k % ROOMS;
    const senders = byRoom.get(room) ?? [owner];
    const sender = senders[Math.floor(k / ROOMS) % senders.length] ?? owner;
    const marker = `load ${String(members.length)}-${String(k)}`;
    if (room < WATCHED) await page.evaluate(([index, text]) => window.scale.expect(index, text), [room, marker] as const);
    sentAt.set(marker, Date.now());
    sends.push(sender.sendMessage(rooms[room] ?? '', marker).then(() => undefined));
    const due = started + ((k + 1) * 1000) / RATE;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
  }
  await Promise.all(sends);
  const watched = [...sentAt.keys()].filter((marker) => Number(marker.split('-')[1]) % ROOMS < WATCHED);
  const deadline = Date.now() + 60_000;
  let seen: Record<string, number> = {};
  while (Date.now() < deadline) {
    seen = await page.evaluate(() => window.scale.seen());
    if (watched.every((marker) => seen[marker] !== undefined)) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  clearInterval(sampling);
  const cpuAfter = await cpuMs(pids);
  const latencies = watched.flatMap((marker) => {
    const at = seen[marker];
    const sent = sentAt.get(marker);
    return at === undefined || sent === undefined ? [] : [at - sent];
  });
  return {
    members: members.length,
    messages: MESSAGES,
    measured: latencies.length,
    lost: watched.length - latencies.length,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
    syncConnections,
    cpuMsPerMessage: (cpuAfter - cpuBefore) / MESSAGES,
  };
}

async function report(steps: readonly ScaleStep[]): Promise<void> {
  const row = (cells: readonly string[]): string => `${cells.map((cell, i) => (i === 0 ? cell.padEnd(9) : cell.padStart(10))).join(' ')}\n`;
  let table = `Load on the scaled-out deployment: ${String(ROOMS)} rooms, ${String(WATCHED)} elements watching, ${String(MESSAGES)} messages per step at ${String(RATE)}/s\n`;
  table += row(['members', 'p50 ms', 'p95 ms', 'p99 ms', 'lost', 'sync conn', 'CPU ms/msg']);
  for (const step of steps) {
    table += row([
      String(step.members),
      step.latencyMs.p50.toFixed(0),
      step.latencyMs.p95.toFixed(0),
      step.latencyMs.p99.toFixed(0),
      `${String(step.lost)}/${String(step.measured + step.lost)}`,
      String(step.syncConnections),
      step.cpuMsPerMessage.toFixed(1),
    ]);
  }
  const first = steps[0];
  const last = steps.at(-1);
  if (first && last && first !== last) {
    const ratio = (a: number, b: number): string => `×${(b / a).toFixed(2)}`;
    table += row([
      `growth`,
      ratio(first.latencyMs.p50, last.latencyMs.p50),
      ratio(first.latencyMs.p95, last.latencyMs.p95),
      ratio(first.latencyMs.p99, last.latencyMs.p99),
      '',
      ratio(first.syncConnections, last.syncConnections),
      ratio(first.cpuMsPerMessage, last.cpuMsPerMessage),
    ]);
    table += `(growth: ${String(last.members)} members against ${String(first.members)}; 2 shared cores: the ratios are the figures, the absolute numbers indicative)\n`;
  }
  process.stdout.write(table);
  await mkdir(`${root}bench-results`, { recursive: true });
  await writeFile(
    `${root}bench-results/scale.json`,
    `${JSON.stringify({ date: new Date().toISOString(), rooms: ROOMS, watched: WATCHED, rate: RATE, steps }, null, 2)}\n`,
  );
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await runScaleBench();

/** The summary table's rows: each figure at the first and last step, and its growth. */
export function scaleFigures(json: Json): Figure[] {
  const steps = (Array.isArray(json['steps']) ? json['steps'] : []) as ScaleStep[];
  const first = steps[0];
  const last = steps.at(-1);
  if (!first || !last) return [];
  const growth = `${String(first.members)} → ${String(last.members)} members`;
  return [
    info(`sender → element p50 at ${String(last.members)} members`, last.latencyMs.p50, 'ms'),
    info(`sender → element p99 at ${String(last.members)} members`, last.latencyMs.p99, 'ms'),
    info(`p95 latency growth, ${growth}`, last.latencyMs.p95 / first.latencyMs.p95, '×'),
    info(`homeserver CPU per message at ${String(last.members)} members`, last.cpuMsPerMessage, 'ms'),
    info(`CPU per message growth, ${growth}`, last.cpuMsPerMessage / first.cpuMsPerMessage, '×'),
    info(`sync connections at ${String(last.members)} members`, last.syncConnections, ''),
  ];
}
