/**
 * Bounded waiting for tests (Playwright pages, peers, the homeserver; plain enough for the browser tests
 * too): poll a condition, fail with what it was. A fixed pause is only for checking that something does
 * NOT happen, where there is no event to wait for: `quietWindow`.
 */

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
    await pause(intervalMs);
  }
}

/**
 * Reads `read` every `intervalMs` until `ok` holds for what it read or `timeoutMs` has passed, and resolves
 * with the last reading either way: the caller asserts on it, so a failure says what was seen last.
 */
export async function settled<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await pause(intervalMs);
  }
}

/**
 * Lets `ms` pass while something must not happen (a second request, a duplicate, a late change): the
 * absence of an event has nothing to wait for. Name the window at the call site and say what it rules out.
 */
export const quietWindow = (ms: number): Promise<void> => pause(ms);

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
