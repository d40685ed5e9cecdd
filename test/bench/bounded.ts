/**
 * Every wait in the benchmarks is bounded: Playwright's `page.evaluate` waits for the page's promise
 * without a timeout, so a figure that never comes (an element that never paints) would stall `pnpm bench`.
 * A bounded wait rejects instead; the scenario fails with that reason, closes its browser and the run goes on.
 */

/** How long one in-page measurement may take before it counts as stalled (`OMNI_BENCH_WAIT_S`, default 120). */
export const WAIT_MS = Number(process.env['OMNI_BENCH_WAIT_S'] ?? 120) * 1000;

export class StalledError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: nothing after ${String(Math.round(ms / 1000))} s (stalled)`);
    this.name = 'StalledError';
  }
}

/** `work`, or a StalledError once `ms` have passed. */
export async function bounded<T>(work: Promise<T>, what: string, ms: number = WAIT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StalledError(what, ms)), ms);
  });
  try {
    return await Promise.race([work, stalled]);
  } finally {
    clearTimeout(timer);
  }
}
