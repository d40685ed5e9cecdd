/**
 * `pnpm bench [scenario…]`: runs every benchmark scenario, or only those named (`pnpm bench sync feed`),
 * against ONE Synapse started here with the harness's bench settings, then prints one summary table: every
 * figure beside its target from DESIGN.md with ok / over, the ratios ours / baseline (naive matrix-js-sdk)
 * and ours / peer (hydrogen-view-sdk), and the sizes of `pnpm build`. Each scenario also prints its own
 * table and writes bench-results/<name>.json; the summary goes to bench-results/summary.json.
 *
 * Scenarios: sizes (pnpm build), sync (run.ts), peers, churn, threads (a thread of 500 replies), feed, crypto,
 * notifications, upload (upload-browser.ts), busy (busy-room.ts: one room while 20 peers write), companion, counts, moderation (each its own Synapse with the site's
 * companion beside it), scale (its own PostgreSQL + workers deployment), sending (the 10,000-message history is
 * seeded last, so the other scenarios run on a small database). Each file runs alone too:
 * `node test/bench/<file>.ts`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startSynapse, stopAllSynapses, type Homeserver } from '@omnisocial/testing';
import type { SyncSeed } from './run.ts';
import type { SeededHistory } from './sending.ts';
import { StalledError, bounded } from './bounded.ts';
import { ENGINE_BUDGET, LOADER_BUDGET, LOCALE_BUDGET, measureBuild, runBuild, type BuildSizes } from '../support/build.ts';
import { measureEntries, type EntrySizes } from '../support/entry-sizes.ts';
import { FRAMEWORK_TYPINGS_JS_BUDGET, REACT_WRAPPER_BUDGET } from '../node/budgets.ts';
import { check, num, obj, type Figure, type Json } from './figures.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

type Scenario = (homeserver: Homeserver) => Promise<void>;

/** The sending scenario's 10,000-message history, seeded while `pnpm build` runs (see runSendingBench). */
let history: Promise<SeededHistory> | undefined;

/** The sync scenario's rooms, seeded while `pnpm build` runs or taken from the snapshot. */
let syncRooms: Promise<SyncSeed | undefined> | undefined;

let sizes: (BuildSizes & Partial<EntrySizes> & { buildS: number }) | undefined;

/**
 * The longest each scenario may run (`OMNI_BENCH_SCENARIO_S` overrides them all), so no stall holds up the
 * run: a scenario over its limit is reported failed in the table and the next one starts. Every wait inside
 * a scenario is bounded too (bounded.ts), so an abandoned scenario soon ends and closes its browser.
 */
const LIMIT_S: Record<string, number> = {
  sizes: 300,
  sync: 600,
  peers: 900,
  churn: 400,
  feed: 600,
  crypto: 600,
  companion: 600,
  counts: 400,
  notifications: 300,
  sending: 600,
  moderation: 600,
  scale: 1800,
  threads: 600,
  upload: 400,
  busy: 300,
};
/** How long the timed scenarios wait for a first seeding of the long history (`OMNI_BENCH_SEED_LIMIT_S`). */
const SEED_LIMIT_S = Number(process.env['OMNI_BENCH_SEED_LIMIT_S'] ?? 1800);
/** Why a scenario produced no figures, for the table. */
const failures: Record<string, string> = {};

const scenarios: Record<string, Scenario> = {
  sizes: async () => {
    process.stdout.write('omni bench sizes: pnpm build…\n');
    const buildS = await runBuild();
    sizes = { ...(await measureBuild()), ...(await measureEntries()), buildS };
    await writeFile(`${root}bench-results/sizes.json`, `${JSON.stringify({ date: new Date().toISOString(), ...sizes }, null, 2)}\n`);
    process.stdout.write(
      `omni bench sizes: loader ${String(sizes.loaderGzipBytes)} B gzip, engine chunk ${String(sizes.engineGzipBytes)} B gzip, crypto wasm ${String(sizes.wasmBytes)} B (${String(sizes.wasmGzipBytes)} B gzip); build ${sizes.buildS.toFixed(0)} s\n`,
    );
  },
  sync: async (hs) => {
    const seeded = await syncRooms;
    return (await import('./run.ts')).runSyncBench(hs, seeded ? Promise.resolve(seeded) : undefined);
  },
  peers: async (hs) => (await import('./peers.ts')).runPeersBench(hs),
  churn: async (hs) => (await import('./churn.ts')).runChurnBench(hs),
  threads: async (hs) => (await import('./threads.ts')).runThreadsBench(hs),
  feed: async (hs) => (await import('./feed.ts')).runFeedBench(hs),
  crypto: async (hs) => (await import('./crypto.ts')).runCryptoBench(hs),
  // Its own Synapse: the companion's application-service registration is loaded at start.
  companion: async () => (await import('./companion.ts')).runCompanionBench(),
  // Its own site too: counts come from the companion.
  counts: async () => (await import('./counts.ts')).runCountsBench(),
  notifications: async (hs) => (await import('./notifications.ts')).runNotificationsBench(hs),
  sending: async (hs) => (await import('./sending.ts')).runSendingBench(hs, history),
  // One room open while 20 peers write in it (busy-room.ts).
  busy: async (hs) => (await import('./busy-room.ts')).runBusyBench(hs),
  // Its own site (Synapse with the companion registered): the shared Synapse has no application service.
  upload: async (hs) => (await import('./upload-browser.ts')).runUploadBench(hs),
  moderation: async () => {
    await (await import('./moderation.ts')).runModerationBench();
  },
  // Its own deployment: PostgreSQL, Redis, Synapse's workers behind nginx (docs/deploy.md).
  scale: async () => {
    await (await import('./scale.ts')).runScaleBench();
  },
};

// ---- the summary ----------------------------------------------------------------------------------------

interface Row extends Figure {
  scenario: string;
}

/** A scenario whose results file is named otherwise (bench-results/<file>.json). */
const RESULTS_FILE: Readonly<Record<string, string>> = { upload: 'upload-browser' };

/** A scenario's JSON, only when this run wrote it (a stale file from an earlier run is not reported). */
async function writtenSince(name: string, since: number): Promise<Json | undefined> {
  try {
    const json = JSON.parse(await readFile(`${root}bench-results/${name}.json`, 'utf8')) as Json;
    const date = typeof json['date'] === 'string' ? Date.parse(json['date']) : Number.NaN;
    return date >= since ? json : undefined;
  } catch {
    return undefined;
  }
}

/** The size table's rows per entry beyond the loader and the engine (test/support/entry-sizes.ts). */
function entryRows(entries: Partial<EntrySizes>): Row[] {
  const row = (figure: string, value: number | undefined, budget?: number): Row => ({
    scenario: 'sizes',
    figure,
    value,
    unit: 'B',
    target: budget === undefined ? '—' : `≤ ${String(budget)} B`,
    ok: budget === undefined || value === undefined ? undefined : value <= budget,
  });
  return [
    row('views chunk and its static imports beyond the loader, gzip', entries.viewsGzipBytes),
    row(
      `@omnisocial/react on top of the package, gzip (${String(entries.reactWrapperBytes)} B minified)`,
      entries.reactWrapperGzipBytes,
      REACT_WRAPPER_BUDGET,
    ),
    row(
      `@omnisocial/chat/vue, JavaScript (declarations: ${String(entries.vueTypesGzipBytes)} B gzip)`,
      entries.vueJsBytes,
      FRAMEWORK_TYPINGS_JS_BUDGET,
    ),
    row(
      `@omnisocial/chat/svelte, JavaScript (declarations: ${String(entries.svelteTypesGzipBytes)} B gzip)`,
      entries.svelteJsBytes,
      FRAMEWORK_TYPINGS_JS_BUDGET,
    ),
  ];
}

async function summarise(since: number, ran: readonly string[]): Promise<{ rows: Row[]; ratios: Row[] }> {
  // Only the scenarios of this run: another run may have written the others since (bench-results is shared).
  const resultOf = async (name: string, after: number): Promise<Json | undefined> =>
    ran.includes(name) ? writtenSince(RESULTS_FILE[name] ?? name, after) : undefined;
  sizes ??= (await resultOf('sizes', since)) as (BuildSizes & Partial<EntrySizes> & { buildS: number }) | undefined;
  const rows: Row[] = [];
  const add = (row: Row): void => {
    rows.push(row);
  };
  if (sizes) {
    add({
      scenario: 'sizes',
      figure: 'loader, gzip',
      value: sizes.loaderGzipBytes,
      unit: 'B',
      target: `≤ ${String(LOADER_BUDGET)} B`,
      ok: sizes.loaderGzipBytes <= LOADER_BUDGET,
    });
    add({
      scenario: 'sizes',
      figure: 'engine chunk and its static imports beyond the loader, gzip (CI budget)',
      value: sizes.engineGzipBytes,
      unit: 'B',
      target: `≤ ${String(ENGINE_BUDGET)} B`,
      ok: sizes.engineGzipBytes <= ENGINE_BUDGET,
    });
    for (const row of entryRows(sizes)) add(row);
    add({
      scenario: 'sizes',
      figure: 'localization runtime (first language other than English), gzip',
      value: sizes.localizationRuntimeGzipBytes,
      unit: 'B',
      target: '—',
      ok: undefined,
    });
    for (const [locale, bytes] of Object.entries(sizes.localeGzipBytes)) {
      add({
        scenario: 'sizes',
        figure: `locale ${locale} (its strings, on demand), gzip`,
        value: bytes,
        unit: 'B',
        target: `≤ ${String(LOCALE_BUDGET)} B`,
        ok: bytes <= LOCALE_BUDGET,
      });
    }
    add({
      scenario: 'sizes',
      figure: 'crypto wasm file (gzip ' + String(sizes.wasmGzipBytes) + ' B)',
      value: sizes.wasmBytes,
      unit: 'B',
      target: '—',
      ok: undefined,
    });
  }
  const feed = await resultOf('feed', since);
  const crypto = await resultOf('crypto', since);
  if (sizes || feed || crypto) {
    const postWasm = num(obj(feed?.['scroll'])['wasmRequests']);
    add({
      scenario: 'sizes',
      figure: 'crypto wasm fetched: public post page (feed of 50)',
      value: postWasm === undefined ? undefined : postWasm === 0 ? 0 : (sizes?.wasmBytes ?? postWasm),
      unit: 'B',
      target: '0 B',
      ok: check(postWasm, (v) => v === 0),
    });
    const publicPage = num(obj(obj(crypto?.['wasm'])['publicPage'])['decodedBytes']);
    add({
      scenario: 'sizes',
      figure: 'crypto wasm fetched: public room page',
      value: publicPage,
      unit: 'B',
      target: '0 B',
      ok: check(publicPage, (v) => v === 0),
    });
    const encrypted = num(obj(obj(crypto?.['wasm'])['encryptedPage'])['decodedBytes']);
    add({
      scenario: 'sizes',
      figure: 'crypto wasm fetched: encrypted room page',
      value: encrypted,
      unit: 'B',
      target: sizes ? `= the wasm (${String(sizes.wasmBytes)} B)` : 'the wasm',
      ok: encrypted === undefined || !sizes ? undefined : encrypted === sizes.wasmBytes,
    });
  }
  // Each scenario's rows from its own module, in the table's order.
  const figuresOf: readonly [scenario: string, figures: (json: Json) => Promise<Figure[]>][] = [
    ['feed', async (json) => (await import('./feed.ts')).feedFigures(json)],
    ['sync', async (json) => (await import('./run.ts')).syncFigures(json)],
    ['crypto', async (json) => (await import('./crypto.ts')).cryptoFigures(json)],
    ['sending', async (json) => (await import('./sending.ts')).sendingFigures(json)],
    ['busy', async (json) => (await import('./busy-room.ts')).busyFigures(json)],
    ['threads', async (json) => (await import('./threads.ts')).threadsFigures(json)],
    ['churn', async (json) => (await import('./churn.ts')).churnFigures(json)],
    ['companion', async (json) => (await import('./companion.ts')).companionFigures(json)],
    ['notifications', async (json) => (await import('./notifications.ts')).notificationsFigures(json)],
    ['counts', async (json) => (await import('./counts.ts')).countsFigures(json)],
    ['moderation', async (json) => (await import('./moderation.ts')).moderationFigures(json)],
    ['scale', async (json) => (await import('./scale.ts')).scaleFigures(json)],
    ['upload', async (json) => (await import('./upload-browser.ts')).uploadFigures(json)],
  ];
  for (const [scenario, figures] of figuresOf) {
    const json = await resultOf(scenario, since);
    if (json) for (const figure of await figures(json)) add({ scenario, ...figure });
  }

  const ratios: Row[] = [];
  const peers = await resultOf('peers', since);
  if (peers) {
    const figures = (await import('./peers.ts')).peersFigures(peers);
    for (const figure of figures.figures) add({ scenario: 'peers', ...figure });
    for (const figure of figures.ratios) ratios.push({ scenario: 'peers', ...figure });
  }
  for (const name of ran) {
    if (name === 'sizes' ? !sizes : !(await resultOf(name, since))) {
      rows.push({
        scenario: name,
        figure: `scenario failed, no figures: ${(failures[name] ?? 'see its error above').split('\n')[0]?.slice(0, 110) ?? ''}`,
        value: undefined,
        unit: '',
        target: '—',
        ok: false,
      });
    }
  }
  return { rows, ratios };
}

function format(value: number | undefined, unit: string): string {
  if (value === undefined) return '—';
  if (unit === 'B' && value >= 100_000) return `${(value / 1024).toFixed(0)} KB`;
  if (Math.abs(value) < 1 && value !== 0) return `${value.toFixed(unit === '' ? 4 : 2)}${unit === '' ? '' : ` ${unit}`}`;
  const shown = Math.abs(value) >= 100 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(unit === '×' ? 2 : 1);
  return unit === '' ? shown : `${shown} ${unit}`;
}

function table(rows: readonly Row[]): string[] {
  const width = Math.max(...rows.map((r) => r.figure.length), 20);
  return rows.map(
    (r) =>
      `  ${r.scenario.padEnd(8)} ${r.figure.padEnd(width)}  ${format(r.value, r.unit).padStart(12)}  ${r.target.padEnd(22)}  ${r.ok === undefined ? '' : r.ok ? 'ok' : 'over'}`,
  );
}

// ---- the run --------------------------------------------------------------------------------------------

const asked = process.argv.slice(2).filter((arg) => arg !== '--');
const unknown = asked.filter((name) => !(name in scenarios));
if (unknown.length > 0) {
  process.stderr.write(`omni bench: unknown scenario ${unknown.join(', ')}; choose from ${Object.keys(scenarios).join(', ')}\n`);
  process.exit(2);
}
// Fewer runs than each scenario's own default, so the whole command stays near 15 minutes on two cores;
// set OMNI_BENCH_RUNS / OMNI_BENCH_CRYPTO_RUNS for more.
process.env['OMNI_BENCH_RUNS'] ??= '5';
process.env['OMNI_BENCH_CRYPTO_RUNS'] ??= '3';
// Three clients at two CPU speeds, 6 cold logins per run; 5 runs so each figure has a median and a spread (issue 20).
process.env['OMNI_BENCH_PEER_RUNS'] ??= '5';
// 500 nio-encrypted messages, the count issue 20's target (open → oldest ≤ 3 s) is for.
process.env['OMNI_BENCH_DECRYPT_MESSAGES'] ??= '500';
const chosen = Object.keys(scenarios).filter((name) => asked.length === 0 || asked.includes(name));
// OMNI_BENCH_SUMMARY_SINCE=<ISO date>: print the summary of the results written since then, running nothing.
const summaryOnly = process.env['OMNI_BENCH_SUMMARY_SINCE'];
const started = summaryOnly ? Date.parse(summaryOnly) : Date.now();
const loadAtStart = loadavg();
const durations: Record<string, number> = {};
await mkdir(`${root}bench-results`, { recursive: true });
let homeserver: Homeserver | undefined;
try {
  // sizes needs no homeserver, and companion starts its own.
  if (!summaryOnly && chosen.some((name) => name !== 'sizes' && name !== 'companion' && name !== 'counts')) {
    process.stdout.write('omni bench: starting one Synapse for every scenario…\n');
    const { BENCH_SYNAPSE, historySnapshot, longHistory, seedLongHistory, syncSeedFrom } = await import('./sending.ts');
    // The 10,000-message history and the sync scenario's 500 rooms seeded by an earlier run, when its
    // snapshot matches (see historySnapshotDir).
    const snapshot = chosen.includes('sending') || chosen.includes('sync') ? await historySnapshot() : undefined;
    homeserver = await startSynapse({ ...BENCH_SYNAPSE, snapshot });
    const wantsHistory = chosen.includes('sending') && Number(process.env['OMNI_BENCH_MESSAGES'] ?? 1) > 0;
    if (snapshot) {
      if (wantsHistory) history = longHistory(homeserver, snapshot);
      if (chosen.includes('sync')) syncRooms = syncSeedFrom(snapshot);
    } else if (chosen.includes('sizes')) {
      // Seeding is Synapse's CPU, the build Node's: on two cores they overlap. Timed scenarios wait for it.
      if (chosen.includes('sync')) syncRooms = (await import('./run.ts')).seedSyncRooms(homeserver);
      if (wantsHistory)
        history = seedLongHistory(
          homeserver,
          syncRooms?.then((seed) => seed ?? Promise.reject(new Error('no seed'))),
        );
    }
    history?.catch(() => undefined);
    syncRooms = syncRooms?.catch(() => undefined);
  }
  for (const name of summaryOnly ? [] : chosen) {
    const run = scenarios[name];
    if (!run) continue;
    const scenarioStarted = Date.now();
    // Without a history seeded beforehand (no snapshot, no build to overlap), sending seeds it itself.
    const seedsItself = name === 'sending' && !history && Number(process.env['OMNI_BENCH_MESSAGES'] ?? 1) > 0;
    const limitS = Number(process.env['OMNI_BENCH_SCENARIO_S'] ?? (LIMIT_S[name] ?? 600) + (seedsItself ? SEED_LIMIT_S : 0));
    try {
      // sizes needs no homeserver; every other scenario shares the one started above.
      await bounded(run(homeserver as Homeserver), `the ${name} scenario`, limitS * 1000);
    } catch (error) {
      process.exitCode = 1;
      failures[name] =
        error instanceof StalledError ? `over its ${String(limitS)} s limit` : error instanceof Error ? error.message : String(error);
      process.stderr.write(`omni bench ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    if (name === 'sizes' && (history || syncRooms)) {
      // Nothing timed runs while Synapse is still seeding.
      await bounded(Promise.all([history, syncRooms]), 'seeding', SEED_LIMIT_S * 1000).catch((error: unknown) => {
        failures['sending'] = `seeding: ${error instanceof Error ? error.message : String(error)}`;
      });
    }
    durations[name] = Math.round((Date.now() - scenarioStarted) / 1000);
    process.stdout.write(`omni bench: ${name} took ${String(durations[name])} s\n`);
  }
} finally {
  await stopAllSynapses();
}

const { rows, ratios } = await summarise(started, chosen);
const loadAtEnd = loadavg();
const durationS = Math.round((Date.now() - started) / 1000);
const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
const date = new Date().toISOString();
const machine = `${String(availableParallelism())} cores (${cpuModel}), load average ${loadAtStart[0]?.toFixed(2) ?? '?'} at start, ${loadAtEnd[0]?.toFixed(2) ?? '?'} at end (1 min), ${loadAtEnd[2]?.toFixed(2) ?? '?'} (15 min); the machine is shared, so timings carry other work's load`;
const lines = [
  '',
  `pnpm bench — ${date}, ${String(durationS)} s (${Object.entries(durations)
    .map(([name, s]) => `${name} ${String(s)} s`)
    .join(', ')})`,
  `machine: ${machine}`,
  '',
  ...table(rows),
  '',
  '  ratios (ours / theirs, same run, same Synapse; below 1: ours is faster or smaller)',
  ...table(ratios),
  '',
];
process.stdout.write(lines.join('\n'));
await writeFile(
  `${root}bench-results/summary.json`,
  `${JSON.stringify(
    {
      date,
      durationS,
      scenarios: durations,
      machine: { cores: availableParallelism(), cpu: cpuModel, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadAtEnd },
      sizes,
      figures: rows.map((r) => ({ ...r, value: r.value ?? null, ok: r.ok ?? null })),
      ratios: ratios.map((r) => ({ ...r, value: r.value ?? null, ok: r.ok ?? null })),
    },
    null,
    2,
  )}\n`,
);
process.stdout.write('Written bench-results/summary.json\n');
