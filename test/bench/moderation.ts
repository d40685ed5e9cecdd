/**
 * `pnpm bench moderation`: the companion's moderation, against a real Synapse with the companion registered
 * (its own site, started here: the shared bench Synapse has no application service).
 *
 *  (a) a site-wide ban (a user rule added through the site API) → the ban applied in all ROOMS post rooms,
 *      in seconds, and the same for lifting it;
 *  (b) a member's report → listed in the site's moderation queue, in ms (median of REPORTS).
 *
 * Prints a table and writes bench-results/moderation.json. A command that prints figures, not a test.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startSite, type Site } from '@omnisocial/testing';
import { postRoomAlias, signSiteRequest } from '@omnisocial/server';
import { median } from './stats.ts';
import { info, num, type Figure, type Json } from './figures.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ROOMS = Number(process.env['OMNI_BENCH_MODERATION_ROOMS'] ?? 200);
const REPORTS = Number(process.env['OMNI_BENCH_MODERATION_REPORTS'] ?? 10);
const CREATE_IN_FLIGHT = 4;

async function siteCall(site: Site, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
  const text = body === undefined ? '' : JSON.stringify(body);
  const response = await fetch(site.companion.siteApiUrl + path, {
    method,
    headers: { ...signSiteRequest(site.siteSecret, method, path, text), ...(text ? { 'content-type': 'application/json' } : {}) },
    ...(text ? { body: text } : {}),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${path}: ${String(response.status)} ${JSON.stringify(json)}`);
  return json;
}

export interface ModerationFigures {
  date: string;
  rooms: number;
  seedS: number;
  banS: number;
  banFailed: number;
  liftS: number;
  reportToQueueMs: number[];
  reportToQueueMedianMs: number;
}

export async function runModerationBench(): Promise<ModerationFigures> {
  const posts = Array.from({ length: ROOMS }, (_, i) => ({ id: `bench-${String(i)}`, open: true }));
  const site = await startSite({ posts });
  try {
    const member = await site.homeserver.registerUser({ username: 'reporter' });
    const target = await site.homeserver.registerUser({ username: 'troll' });
    const seedStarted = performance.now();
    const rooms: string[] = [];
    for (let i = 0; i < ROOMS; i += CREATE_IN_FLIGHT) {
      const batch = posts.slice(i, i + CREATE_IN_FLIGHT);
      rooms.push(...(await Promise.all(batch.map((post) => member.resolveAlias(postRoomAlias(post.id, { serverName: 'localhost' }))))));
    }
    const seedS = (performance.now() - seedStarted) / 1000;
    process.stdout.write(`omni bench moderation: ${String(rooms.length)} post rooms created in ${seedS.toFixed(1)} s\n`);
    await target.joinRoom(rooms[0] ?? '');

    let started = performance.now();
    const applied = await siteCall(site, 'POST', '/_omni/v1/moderation/rules', { kind: 'user', entity: target.userId, reason: 'bench' });
    const banS = (performance.now() - started) / 1000;
    const state = (roomId: string): Promise<{ membership?: string }> =>
      member.request(
        'GET',
        `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent(target.userId)}`,
      );
    const last = rooms.at(-1) ?? '';
    if ((await state(last)).membership !== 'ban') throw new Error('the ban is missing in the last post room');
    started = performance.now();
    await siteCall(site, 'POST', '/_omni/v1/moderation/rules/remove', { kind: 'user', entity: target.userId });
    const liftS = (performance.now() - started) / 1000;

    const room = rooms[1] ?? '';
    await member.joinRoom(room);
    const reportToQueueMs: number[] = [];
    for (let i = 0; i < REPORTS; i += 1) {
      const eventId = await member.sendMessage(room, `report me ${String(i)}`);
      const reported = performance.now();
      await member.request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/report/${encodeURIComponent(eventId)}`, {
        reason: 'bench',
      });
      for (;;) {
        const listed = await siteCall(site, 'GET', '/_omni/v1/moderation/queue?limit=5');
        if ((listed['items'] as Array<{ eventId: string }>).some((item) => item.eventId === eventId)) break;
      }
      reportToQueueMs.push(Math.round(performance.now() - reported));
    }
    const figures: ModerationFigures = {
      date: new Date().toISOString(),
      rooms: rooms.length,
      seedS: Math.round(seedS * 10) / 10,
      banS: Math.round(banS * 100) / 100,
      banFailed: Number(applied['failed'] ?? 0),
      liftS: Math.round(liftS * 100) / 100,
      reportToQueueMs,
      reportToQueueMedianMs: median(reportToQueueMs),
    };
    process.stdout.write(
      [
        `omni bench moderation (${String(figures.rooms)} post rooms):`,
        `  site-wide ban → applied in every post room   ${figures.banS.toFixed(2)} s (${String(figures.banFailed)} rooms failed)`,
        `  lifting it → unbanned in every post room     ${figures.liftS.toFixed(2)} s`,
        `  report → in the moderation queue, median     ${String(figures.reportToQueueMedianMs)} ms (${reportToQueueMs.join(', ')})`,
        '',
      ].join('\n'),
    );
    await mkdir(`${root}bench-results`, { recursive: true });
    await writeFile(`${root}bench-results/moderation.json`, `${JSON.stringify(figures, null, 2)}\n`);
    return figures;
  } finally {
    await site.stop();
  }
}

/** The summary's rows (all.ts) from bench-results/moderation.json. */
export function moderationFigures(moderation: Json): Figure[] {
  const figures: Figure[] = [];
  const rooms = String(moderation['rooms']);
  figures.push(info(`site-wide ban → applied in ${rooms} post rooms`, num(moderation['banS']), 's'));
  figures.push(info(`site-wide ban lifted in ${rooms} post rooms`, num(moderation['liftS']), 's'));
  figures.push(info('report → in the moderation queue (median)', num(moderation['reportToQueueMedianMs']), 'ms'));
  return figures;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await runModerationBench();
