/** Bounded waiting for Node-side tests (Playwright pages, peers, the homeserver): poll a condition, fail with what it was. */

/**
 * Polls `check` every `intervalMs` until it returns something truthy, and resolves with that; after
 * `timeoutMs` fails with "timed out waiting for `what`".
 */
export async function until<T>(
  check: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 30_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await check();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
