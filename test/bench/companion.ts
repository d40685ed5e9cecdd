/**
 * `pnpm bench companion`: the site's companion (packages/server) beside a real Synapse that loads its
 * application-service registration, with the site's post callback served here.
 *
 *  (a) alias query → room ready: a member resolves the alias of a post that has no room yet (the homeserver
 *      asks the companion, which asks the site and creates the room) and joins it; the same for a second member
 *      once the room exists. The first writer's extra wait is the difference, p50/p95 over the posts;
 *  (b) 10,000 unknown post ids resolved: rooms created (must be 0), calls to the site, total and per-id time;
 *  (c) login token minted → signed in: the site's backend calls the companion (one signed request), the page
 *      passes the token to `signIn({ loginToken })`, which resolves signed in; for members the companion
 *      already knows and for new ones (provisioned by that call), p50/p95.
 *
 * Prints a table and writes bench-results/companion.json. A command that prints figures, not a test.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { MatrixError, startSite, type Peer, type Site } from '@omnisocial/testing';
import { postRoomAlias, signSiteRequest, SiteVerifier, SIGN_IN_PATH, PROFILE_PATH, type MemberLogin } from '@omnisocial/server';
import type { Browser } from 'playwright-core';
import { launchChromium, servePages } from '../support/chromium.ts';
import { bounded } from './bounded.ts';
import type { OmniBench } from './page.ts';
import { percentile } from './stats.ts';
import { info as infoFigure, numAt, type Figure, type Json } from './figures.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const POSTS = Number(process.env['OMNI_BENCH_COMPANION_POSTS'] ?? 20);
const UNKNOWN = Number(process.env['OMNI_BENCH_UNKNOWN_IDS'] ?? 10_000);
const SIGN_INS = Number(process.env['OMNI_BENCH_COMPANION_SIGN_INS'] ?? 10);
/** Unknown ids are asked by this many clients at once, as a flood would come. */
const FLOOD_CONCURRENCY = 8;
/** The bound on one unknown id's cost (the companion's node test asks the same). */
export const UNKNOWN_PER_ID_TARGET_MS = 200;

export interface Spread {
  p50Ms: number;
  p95Ms: number;
  runsMs: number[];
}

const spread = (runs: number[]): Spread => ({
  p50Ms: percentile(runs, 50),
  p95Ms: percentile(runs, 95),
  runsMs: runs.map((ms) => Math.round(ms * 10) / 10),
});

/** The site's post callback: answers the posts it has, 404 for anything else, and counts what it was asked. */
async function serveSitePosts(
  known: ReadonlySet<string>,
): Promise<{ server: Server; url: string; calls: () => number; trust: (secret: string) => void }> {
  // The secret is the site's, generated with the companion (startSite): the callback knows it from then on.
  let verifier: SiteVerifier | undefined;
  let calls = 0;
  const server = createServer((request, response) => {
    calls += 1;
    const url = new URL(request.url ?? '/', 'http://site');
    const verdict = verifier?.verify('GET', url.pathname + url.search, request.headers, '') ?? { ok: false };
    const id = url.searchParams.get('id') ?? '';
    if (!verdict.ok) response.writeHead(401).end();
    else if (!known.has(id)) response.writeHead(404).end();
    else {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id, title: `Post ${id}`, open: !id.endsWith('-members') }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/posts`,
    calls: () => calls,
    trust: (secret) => {
      verifier = new SiteVerifier(secret);
    },
  };
}

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await work();
  return [performance.now() - started, result];
}

/** (a) Resolve and join a post's room as its first writer (no room yet), then as a second member. */
async function roomReady(
  site: Site,
  first: Peer,
  second: Peer,
  ids: readonly string[],
): Promise<{ newPost: Spread; existing: Spread; extra: Spread }> {
  const fresh: number[] = [];
  const existing: number[] = [];
  const extra: number[] = [];
  for (const id of ids) {
    const alias = postRoomAlias(id, { serverName: site.homeserver.serverName });
    const [newMs] = await timed(async () => first.joinRoom(await first.resolveAlias(alias)));
    const [oldMs] = await timed(async () => second.joinRoom(await second.resolveAlias(alias)));
    fresh.push(newMs);
    existing.push(oldMs);
    extra.push(newMs - oldMs);
  }
  return { newPost: spread(fresh), existing: spread(existing), extra: spread(extra) };
}

async function roomCount(admin: Peer): Promise<number> {
  return (await admin.request<{ total_rooms: number }>('GET', '/_synapse/admin/v1/rooms?limit=1')).total_rooms;
}

/** (b) A flood of random post ids: each must be a 404 and create nothing. */
async function unknownIds(site: Site, client: Peer, admin: Peer, siteCalls: () => number) {
  const ids = Array.from({ length: UNKNOWN }, () => `random-${randomUUID()}`);
  const roomsBefore = await roomCount(admin);
  const createdBefore = site.companion.postRooms.stats.created;
  const callsBefore = siteCalls();
  const latencies: number[] = [];
  let notFound = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++] ?? '';
      const started = performance.now();
      try {
        await client.resolveAlias(postRoomAlias(id, { serverName: site.homeserver.serverName }));
      } catch (error) {
        if (!(error instanceof MatrixError) || error.status !== 404) throw error;
        notFound += 1;
      }
      latencies.push(performance.now() - started);
    }
  };
  const [totalMs] = await timed(() => Promise.all(Array.from({ length: FLOOD_CONCURRENCY }, worker)));
  return {
    ids: ids.length,
    concurrency: FLOOD_CONCURRENCY,
    notFound,
    roomsCreated: (await roomCount(admin)) - roomsBefore,
    companionRoomsCreated: site.companion.postRooms.stats.created - createdBefore,
    siteCalls: siteCalls() - callsBefore,
    totalMs: Math.round(totalMs),
    perIdMs: totalMs / ids.length,
    latency: { p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95) },
  };
}

async function siteCall(site: Site, path: string, profile: Record<string, string>): Promise<MemberLogin> {
  const body = JSON.stringify(profile);
  const response = await fetch(site.companion.siteApiUrl + path, {
    method: 'POST',
    headers: { ...signSiteRequest(site.siteSecret, 'POST', path, body), 'content-type': 'application/json' },
    body,
  });
  if (!response.ok) throw new Error(`the companion answered HTTP ${String(response.status)}: ${await response.text()}`);
  return (await response.json()) as MemberLogin;
}

/** (c) Site API call → `signIn({ loginToken })` resolved, each in a fresh browser context. */
async function tokenSignIns(site: Site, browser: Browser, pageUrl: string, known: boolean) {
  const mint: number[] = [];
  const signIn: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < SIGN_INS; i += 1) {
    // One member per sign-in: Synapse mints one login token per member per minute.
    const user = `bench-${known ? 'known' : 'new'}-${String(i)}-${randomUUID().slice(0, 8)}`;
    if (known) await siteCall(site, PROFILE_PATH, { user, displayName: `Bench ${String(i)}` });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(pageUrl);
      await page.waitForFunction(() => 'omniBench' in window);
      const started = performance.now();
      const login = await siteCall(site, SIGN_IN_PATH, { user, displayName: `Bench ${String(i)}` });
      const minted = performance.now();
      const userId = await bounded(
        page.evaluate(([hs, token]) => (window as unknown as { omniBench: OmniBench }).omniBench.signInWithToken(hs, token), [
          site.homeserver.baseUrl,
          login.loginToken,
        ] as const),
        'companion: sign-in with a login token',
      );
      const done = performance.now();
      if (userId !== login.userId) throw new Error(`signed in as ${userId}, not ${login.userId}`);
      mint.push(minted - started);
      signIn.push(done - minted);
      total.push(done - started);
    } finally {
      await context.close();
    }
  }
  return { mint: spread(mint), signIn: spread(signIn), total: spread(total) };
}

export async function runCompanionBench(): Promise<void> {
  const started = Date.now();
  const known = new Set(Array.from({ length: POSTS }, (_, i) => `bench-post-${String(i)}${i % 2 === 1 ? '-members' : ''}`));
  const callback = await serveSitePosts(known);
  let site: Site | undefined;
  let browser: Browser | undefined;
  let pages: Awaited<ReturnType<typeof servePages>> | undefined;
  try {
    process.stdout.write('omni bench companion: starting Synapse with the companion…\n');
    site = await startSite({ postsCallback: callback.url });
    callback.trust(site.siteSecret);
    const [first, second, flooder, admin] = await Promise.all([
      site.homeserver.registerUser(),
      site.homeserver.registerUser(),
      site.homeserver.registerUser(),
      site.homeserver.registerUser({ admin: true }),
    ]);
    process.stdout.write(`omni bench companion: (a) ${String(POSTS)} new posts, alias query → room joinable…\n`);
    const ready = await roomReady(site, first, second, [...known]);
    process.stdout.write(`omni bench companion: (b) ${String(UNKNOWN)} unknown post ids…\n`);
    const flood = await unknownIds(site, flooder, admin, callback.calls);
    process.stdout.write(
      `omni bench companion: (c) login token → signed in, ${String(SIGN_INS)} known and ${String(SIGN_INS)} new members…\n`,
    );
    [pages, browser] = await Promise.all([servePages(), launchChromium()]);
    const pageUrl = pages.url('/test/bench/index.html');
    const knownMembers = await tokenSignIns(site, browser, pageUrl, true);
    const newMembers = await tokenSignIns(site, browser, pageUrl, false);

    const ms = (value: number): string => `${value.toFixed(0)} ms`;
    const lines = [
      '',
      `omni bench companion — Synapse ${site.homeserver.baseUrl}, companion ${site.companion.siteApiUrl}, the site's callback ${callback.url}`,
      `  (a) alias query → room joinable, ${String(POSTS)} posts (half open, half encrypted):`,
      `      first writer (room created then)   p50 ${ms(ready.newPost.p50Ms)}  p95 ${ms(ready.newPost.p95Ms)}`,
      `      room already there                 p50 ${ms(ready.existing.p50Ms)}  p95 ${ms(ready.existing.p95Ms)}`,
      `      first writer's extra wait          p50 ${ms(ready.extra.p50Ms)}  p95 ${ms(ready.extra.p95Ms)}`,
      `  (b) ${String(flood.ids)} unknown post ids, ${String(flood.concurrency)} clients at once: ${String(flood.roomsCreated)} rooms created (companion: ${String(flood.companionRoomsCreated)}), ${String(flood.notFound)} answered 404, ${String(flood.siteCalls)} calls to the site`,
      `      total ${(flood.totalMs / 1000).toFixed(1)} s, ${flood.perIdMs.toFixed(2)} ms per id (wall), each query p50 ${flood.latency.p50Ms.toFixed(1)} ms p95 ${flood.latency.p95Ms.toFixed(1)} ms`,
      `  (c) login token minted → signIn({ loginToken }) resolved, ${String(SIGN_INS)} each:`,
      `      known member   mint p50 ${ms(knownMembers.mint.p50Ms)}  sign-in p50 ${ms(knownMembers.signIn.p50Ms)}  total p50 ${ms(knownMembers.total.p50Ms)}  p95 ${ms(knownMembers.total.p95Ms)}`,
      `      new member     mint p50 ${ms(newMembers.mint.p50Ms)}  sign-in p50 ${ms(newMembers.signIn.p50Ms)}  total p50 ${ms(newMembers.total.p50Ms)}  p95 ${ms(newMembers.total.p95Ms)}`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
    const durationS = Math.round((Date.now() - started) / 1000);
    await mkdir(`${root}bench-results`, { recursive: true });
    await writeFile(
      `${root}bench-results/companion.json`,
      `${JSON.stringify({ date: new Date().toISOString(), roomReady: ready, unknownIds: flood, tokenSignIn: { knownMembers, newMembers }, durationS }, null, 2)}\n`,
    );
    process.stdout.write(`Written bench-results/companion.json (${String(durationS)} s)\n`);
  } finally {
    await browser?.close();
    await pages?.close();
    await site?.stop();
    callback.server.close();
  }
}

/** The summary's figures from bench-results/companion.json. */
export function companionFigures(json: Json): Figure[] {
  const at = (...path: string[]): number | undefined => numAt(json, ...path);
  const info = (figure: string, value: number | undefined): Figure => infoFigure(figure, value, 'ms');
  const rooms = at('unknownIds', 'roomsCreated');
  const perId = at('unknownIds', 'perIdMs');
  const ids = String(at('unknownIds', 'ids') ?? UNKNOWN);
  return [
    info("alias query → room joinable: first writer's extra wait, p50", at('roomReady', 'extra', 'p50Ms')),
    info("alias query → room joinable: first writer's extra wait, p95", at('roomReady', 'extra', 'p95Ms')),
    info('alias query → room joinable: room already there, p50', at('roomReady', 'existing', 'p50Ms')),
    {
      figure: `${ids} unknown post ids: rooms created`,
      value: rooms,
      unit: '',
      target: '0',
      ok: rooms === undefined ? undefined : rooms === 0,
    },
    info(`${ids} unknown post ids: total`, at('unknownIds', 'totalMs')),
    {
      figure: `${ids} unknown post ids: per id (wall, 8 clients at once)`,
      value: perId,
      unit: 'ms',
      target: `≤ ${String(UNKNOWN_PER_ID_TARGET_MS)} ms`,
      ok: perId === undefined ? undefined : perId <= UNKNOWN_PER_ID_TARGET_MS,
    },
    info('login token minted → signed in, known member, p50', at('tokenSignIn', 'knownMembers', 'total', 'p50Ms')),
    info('login token minted → signed in, known member, p95', at('tokenSignIn', 'knownMembers', 'total', 'p95Ms')),
    info('login token minted → signed in, new member (provisioned), p50', at('tokenSignIn', 'newMembers', 'total', 'p50Ms')),
    info('login token minted → signed in, new member (provisioned), p95', at('tokenSignIn', 'newMembers', 'total', 'p95Ms')),
  ];
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await runCompanionBench();
