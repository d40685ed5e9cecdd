/**
 * The project's test command: type-check, lint, formatting, Node tests (unit tests and the harness against a
 * real Synapse), browser tests in Debian's Chromium against a real Synapse, then the journeys (the built
 * module driven as members and visitors use it, test/journeys/). Ends with one plain line,
 * `N passed, N failed`, counting every check and test.
 */
import { spawn } from 'node:child_process';
import { existsSync, globSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shareEnvironment, startSynapse, type Homeserver } from '@omnisocial/testing';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);
const work = mkdtempSync(join(tmpdir(), 'omni-test-'));

interface Failure {
  name: string;
  file: string;
  error: string;
}

interface Tally {
  passed: number;
  failed: number;
  failures?: Failure[];
  /** Node steps: each file's time (scripts/node-test-tally.ts). */
  fileSeconds?: Record<string, number>;
}

const results: Array<{ step: string; seconds: number } & Tally> = [];
const began = performance.now();

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(127));
  });
}

function readTally(file: string): Tally | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as Tally;
}

/** A check whose output is held until it ends, so that checks running at once print one after the other. */
function check(step: string, command: string, args: string[]): Promise<(typeof results)[number]> {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    let ended = false;
    const done = (code: number): void => {
      if (ended) return;
      ended = true;
      console.log(`\n▶ ${step}`);
      process.stdout.write(Buffer.concat(output));
      const failures = code === 0 ? [] : [{ name: `${step} exited with code ${code}`, file: '', error: 'see its output above' }];
      resolve({ step, seconds: (performance.now() - start) / 1000, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, failures });
    };
    child.on('close', (code, signal) => done(code ?? (signal ? 1 : 0)));
    child.on('error', () => done(127));
  });
}

async function suite(step: string, command: string, args: string[], summary: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  console.log(`\n▶ ${step}`);
  const start = performance.now();
  const code = await run(command, args, env);
  const seconds = (performance.now() - start) / 1000;
  const tally = readTally(summary) ?? { passed: 0, failed: 0 };
  noteTimes(step, tally);
  delete tally.fileSeconds;
  // A runner that crashed before reporting, or failed without a failing test, still counts as a failure.
  if (code !== 0 && tally.failed === 0) {
    tally.failed = 1;
    tally.failures = [
      { name: `${step} exited with code ${code} before reporting a failing test`, file: '', error: 'see its output above' },
    ];
  }
  results.push({ step, seconds, ...tally });
}

/** Node's test runner on `files`, `concurrency` files at a time, printing its spec report and tallying into `summary`. */
function nodeTests(summary: string, files: readonly string[], concurrency: number): string[] {
  return [
    '--test',
    `--test-concurrency=${String(concurrency)}`,
    // A file ends when its tests have: matrix-js-sdk arms an abort timer for each request (up to its local timeout,
    // minutes for a long poll) and never clears it, which kept each file's process waiting up to 110 s after its
    // last test.
    '--test-force-exit',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts', 'node-test-tally.ts')}`,
    `--test-reporter-destination=${summary}`,
    ...files,
  ];
}

/** Node test files run at once in the node step; more than the machine's two cores buys nothing. */
const NODE_CONCURRENCY = 2;

const only = process.argv.slice(2);
const wants = (step: string): boolean => only.length === 0 || only.includes(step);
/**
 * The suites that run on both homeserver implementations, run again on Dendrite (docs/homeservers.md):
 * minutes more, and a Go build on a machine's first run, so only with `pnpm test dendrite` or
 * OMNI_DENDRITE=1, which `.ci/run` sets so that CI runs them once per change.
 */
const wantsDendrite = only.includes('dendrite') || (only.length === 0 && process.env['OMNI_DENDRITE'] === '1');
const DENDRITE_NODE_SUITES = [
  'test/dendrite/**/*.test.ts',
  'test/node/sessions.test.ts',
  'test/node/post-visitor.test.ts',
  'test/node/companion.test.ts',
  'test/node/companion-callback.test.ts',
  'test/node/companion-counts.test.ts',
  'test/node/companion-journey.test.ts',
  'test/node/companion-push.test.ts',
  'test/node/companion-replicas.test.ts',
  'test/node/moderation-companion.test.ts',
  'test/node/moderation-page.test.ts',
  'test/node/moderation-queue.test.ts',
  'test/node/counts-journey.test.ts',
];
/**
 * The sites built with a framework from the packed packages (Angular, Next.js, Svelte, Vue: an npm install and a
 * framework's production build each, about six minutes of the node step on two cores), run with `pnpm test
 * packaging` or OMNI_PACKAGING=1, which `.ci/run` sets so that CI runs them once per change. The packed packages'
 * own project with Vite (test/node/pack.test.ts) stays in the node step.
 */
const wantsPackaging = only.includes('packaging') || (only.length === 0 && process.env['OMNI_PACKAGING'] === '1');
const PACKAGING_SUITES = ['test/node/pack-*.test.ts'];
const packaging = new Set(PACKAGING_SUITES.flatMap((pattern) => globSync(pattern, { cwd: root })));
/**
 * Each Node test file's time in the last run on this machine (else as measured in the repository's
 * test/node-times.json). Files start longest first, so that the two at a time end together instead of one long
 * file running alone at the end.
 */
const TIMES = join(root, '.cache', 'test-times.json');
const BASELINE_TIMES = join(root, 'test', 'node-times.json');
const timesFile = [TIMES, BASELINE_TIMES].find((file) => existsSync(file));
const lastTimes: Record<string, number> = timesFile ? (JSON.parse(readFileSync(timesFile, 'utf8')) as Record<string, number>) : {};
const timeKey = (step: string, file: string): string => `${step} ${file}`;
const longestFirst = (step: string, files: string[]): string[] =>
  files.sort((a, b) => (lastTimes[timeKey(step, b)] ?? 0) - (lastTimes[timeKey(step, a)] ?? 0) || a.localeCompare(b));
function noteTimes(step: string, tally: Tally | undefined): void {
  const seconds = Object.entries(tally?.fileSeconds ?? {}).map(([file, s]) => [relative(root, file), s] as const);
  if (seconds.length === 0) return;
  for (const [file, s] of seconds) lastTimes[timeKey(step, file)] = Math.round(s);
  mkdirSync(join(root, '.cache'), { recursive: true });
  writeFileSync(TIMES, `${JSON.stringify(lastTimes, null, 1)}\n`);
  const slowest = seconds.sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(`Slowest files: ${slowest.map(([file, s]) => `${file} ${s.toFixed(0)} s`).join(', ')}`);
}
const NODE_SUITES = longestFirst(
  'node',
  ['packages/core/src/**/*.test.ts', 'packages/testing/src/**/*.test.ts', 'test/node/**/*.test.ts']
    .flatMap((pattern) => globSync(pattern, { cwd: root }))
    .filter((file) => !packaging.has(file)),
);
const DENDRITE_BROWSER_SUITES = ['test/browser/room-like-*.test.ts', 'test/browser/post-chat.test.ts'];

/**
 * One Synapse for the node step, the journeys and the packaging step: the files that ask `startSynapse()` for its configuration
 * share it (packages/testing/src/shared-synapse.ts) instead of each starting one, which cost a Synapse start
 * (seconds of both cores) per file. Started beside the checks, which need no homeserver.
 */
const shared: Promise<Homeserver> | undefined =
  wants('node') || wants('journeys') || wantsPackaging ? startSynapse({ own: true }) : undefined;
shared?.catch(() => undefined);
async function sharedEnvironment(): Promise<NodeJS.ProcessEnv> {
  if (!shared) return {};
  try {
    return shareEnvironment(await shared);
  } catch (error) {
    console.log(`No shared Synapse (${String(error)}): each file starts its own.`);
    return {};
  }
}

try {
  // The three checks at once: ESLint spends most of its time in one core, type-checking and Prettier fill the other.
  const checks: Array<Promise<(typeof results)[number]>> = [];
  if (wants('types')) checks.push(check('types', bin('tsc'), ['-b']));
  if (wants('lint')) checks.push(check('lint', bin('eslint'), ['--max-warnings', '0', '.']));
  if (wants('format')) checks.push(check('format', bin('prettier'), ['--check', '--log-level', 'warn', '.']));
  results.push(...(await Promise.all(checks)));
  if (wants('node')) {
    const summary = join(work, 'node.json');
    // Two files at a time: each starts a Synapse of its own (own port, own data directory) and the files that
    // read the built package wait for one build under a lock (test/support/build.ts), so files do not meet.
    await suite('node', process.execPath, nodeTests(summary, NODE_SUITES, NODE_CONCURRENCY), summary, await sharedEnvironment());
  }
  if (wants('browser')) {
    const summary = join(work, 'browser.json');
    await suite('browser', bin('wtr'), ['--config', 'web-test-runner.config.mjs'], summary, { OMNI_WTR_SUMMARY: summary });
  }
  // After the browser step rather than beside it: both drive Chromium against a Synapse of their own, each
  // browser file must finish within 300 s on two shared cores, and running both at once is not measured safe.
  if (wants('journeys')) {
    const summary = join(work, 'journeys.json');
    await suite('journeys', process.execPath, nodeTests(summary, ['test/journeys/**/*.test.ts'], 1), summary, await sharedEnvironment());
  }
  if (wantsPackaging) {
    const summary = join(work, 'packaging.json');
    await suite(
      'packaging',
      process.execPath,
      nodeTests(summary, longestFirst('packaging', [...packaging]), NODE_CONCURRENCY),
      summary,
      await sharedEnvironment(),
    );
  }
  if (wantsDendrite) {
    const env = { OMNI_HOMESERVER: 'dendrite' };
    const nodeSummary = join(work, 'dendrite-node.json');
    await suite(
      'dendrite node',
      process.execPath,
      nodeTests(nodeSummary, longestFirst('dendrite node', globSync(DENDRITE_NODE_SUITES, { cwd: root })), NODE_CONCURRENCY),
      nodeSummary,
      env,
    );
    const browserSummary = join(work, 'dendrite-browser.json');
    await suite(
      'dendrite browser',
      bin('wtr'),
      ['--config', 'web-test-runner.config.mjs', '--files', ...DENDRITE_BROWSER_SUITES],
      browserSummary,
      {
        ...env,
        OMNI_WTR_SUMMARY: browserSummary,
      },
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  await (await shared?.catch(() => undefined))?.stop();
}

// What failed, repeated where the end of a long log shows it.
const failures = results.flatMap((r) => (r.failures ?? []).map((failure) => ({ step: r.step, ...failure })));
if (failures.length > 0) {
  console.log('\nFailed:');
  for (const f of failures) {
    console.log(`✖ [${f.step}] ${f.name}${f.file ? ` (${relative(root, f.file)})` : ''}`);
    for (const line of f.error.split('\n')) console.log(`    ${line}`);
  }
}

console.log('');
for (const r of results) console.log(`  ${r.step.padEnd(8)} ${r.passed} passed, ${r.failed} failed  (${r.seconds.toFixed(0)} s)`);
console.log(`  all      ${((performance.now() - began) / 1000).toFixed(0)} s`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
