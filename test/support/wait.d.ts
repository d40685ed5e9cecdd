/**
 * Bounded waiting for tests (Playwright pages, peers, the homeserver; plain enough for the browser tests
 * too): poll a condition, fail with what it was. A fixed pause is only for checking that something does
 * NOT happen, where there is no event to wait for: `quietWindow`.
 */
/**
 * Polls `check` every `intervalMs` until it returns something truthy, and resolves with that; after
 * `timeoutMs` fails with "timed out waiting for `what`".
 */
export declare function until<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs?: number, intervalMs?: number): Promise<T>;
/**
 * Reads `read` every `intervalMs` until `ok` holds for what it read or `timeoutMs` has passed, and resolves
 * with the last reading either way: the caller asserts on it, so a failure says what was seen last.
 */
export declare function settled<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs?: number, intervalMs?: number): Promise<T>;
/**
 * Lets `ms` pass while something must not happen (a second request, a duplicate, a late change): the
 * absence of an event has nothing to wait for. Name the window at the call site and say what it rules out.
 */
export declare const quietWindow: (ms: number) => Promise<void>;
