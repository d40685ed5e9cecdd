/**
 * `pnpm bench counts`: fifty `<omni-count>` on a feed page (Chromium, the page served by Vite) against a real
 * Synapse with the site's companion beside it; post i has (i × 7) mod 23 comments, a post in four has no room.
 *
 *  - requests to the companion for the fifty counts (target ≤ 3: "one request, or a handful") and to the
 *    homeserver from the page (target 0);
 *  - page start → all fifty counts shown: cold (the companion counts every room for the first time) and warm
 *    (its answer is in memory), median over the runs.
 *
 * Prints a table and writes bench-results/counts.json. A command that prints figures, not a test.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { COUNTS_PATH } from '@omnisocial/server';
import type { Browser } from 'playwright-core';
import { launchChromium, servePages } from '../support/chromium.ts';
import { startCountsSite, type CountsSite } from '../support/counts-site.ts';
import { bounded } from './bounded.ts';
import { median } from './stats.ts';
import { numAt, type Figure, type Json } from './figures.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const POSTS = 50;
const RUNS = Number(process.env['OMNI_BENCH_RUNS'] ?? 5);
export const COUNT_REQUESTS_TARGET = 3;

const commentsOf = (index: number): number => (index % 4 === 3 ? 0 : (index * 7) % 23);

interface FeedRun {
  readonly ms: number;
  readonly companionRequests: number;
  readonly homeserverRequests: number;
}

async function loadFeed(browser: Browser, url: string, counts: CountsSite): Promise<FeedRun> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  let companionRequests = 0;
  let homeserverRequests = 0;
  page.on('request', (request) => {
    if (request.url().includes(COUNTS_PATH)) companionRequests += 1;
    if (request.url().startsWith(counts.site.homeserver.baseUrl)) homeserverRequests += 1;
  });
  try {
    await page.goto(url);
    const ms = await bounded(
      page.evaluate(() => (window as unknown as { feedReady: Promise<number> }).feedReady),
      'fifty counts shown',
    );
    return { ms, companionRequests, homeserverRequests };
  } finally {
    await context.close();
  }
}

export async function runCountsBench(): Promise<void> {
  process.stdout.write('omni bench counts: seeding 50 posts…\n');
  const counts = await startCountsSite(POSTS, commentsOf);
  const [browser, pages] = await Promise.all([launchChromium(), servePages()]);
  try {
    const url = pages.url(
      `/test/pages/feed-counts.html?${new URLSearchParams({ companion: counts.site.companion.siteApiUrl, posts: String(POSTS) }).toString()}`,
    );
    // Vite compiles the page's modules on the first visit: a throwaway visit of another feed, so "cold" is the companion's.
    await loadFeed(browser, `${url}&prefix=warmup-`, counts);
    const cold = await loadFeed(browser, url, counts);
    const warm: FeedRun[] = [];
    for (let run = 0; run < RUNS; run++) warm.push(await loadFeed(browser, url, counts));
    const result = {
      date: new Date().toISOString(),
      posts: POSTS,
      cold,
      warm: {
        medianMs: median(warm.map((run) => run.ms)),
        runsMs: warm.map((run) => run.ms),
        companionRequests: Math.max(...warm.map((run) => run.companionRequests)),
        homeserverRequests: Math.max(...warm.map((run) => run.homeserverRequests)),
      },
      companionHomeserverRequests: counts.site.companion.counts.stats.homeserverRequests,
    };
    await mkdir(`${root}bench-results`, { recursive: true });
    await writeFile(`${root}bench-results/counts.json`, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      `omni bench counts: 50 counts: ${String(cold.companionRequests)} request(s) to the companion, ${String(cold.homeserverRequests)} to the homeserver; ` +
        `shown in ${cold.ms.toFixed(0)} ms cold, ${result.warm.medianMs.toFixed(0)} ms warm (median of ${String(RUNS)})\n`,
    );
  } finally {
    await browser.close();
    await pages.close();
    await counts.site.stop();
  }
}

/** The summary rows of `pnpm bench` for bench-results/counts.json. */
export function countsFigures(json: Json): Figure[] {
  const at = (...path: string[]): number | undefined => numAt(json, ...path);
  const requests = at('cold', 'companionRequests');
  const homeserver = at('cold', 'homeserverRequests');
  return [
    {
      figure: '50 counts on a feed page: requests to the companion',
      value: requests,
      unit: '',
      target: `≤ ${String(COUNT_REQUESTS_TARGET)}`,
      ok: requests === undefined ? undefined : requests <= COUNT_REQUESTS_TARGET,
    },
    {
      figure: '50 counts on a feed page: requests to the homeserver',
      value: homeserver,
      unit: '',
      target: '0',
      ok: homeserver === undefined ? undefined : homeserver === 0,
    },
    { figure: '50 counts on a feed page: all shown, cold companion', value: at('cold', 'ms'), unit: 'ms', target: '—', ok: undefined },
    { figure: '50 counts on a feed page: all shown, warm, median', value: at('warm', 'medianMs'), unit: 'ms', target: '—', ok: undefined },
  ];
}
