/**
 * User Timing entries for the stages of opening an encrypted room, so that where its time goes can be
 * read in a browser's performance panel and by the crypto benchmark (test/bench/crypto.ts):
 *
 * - marks, once per page: `omni:crypto-wasm` (the crypto wasm fetched and compiled), `omni:crypto-olm`
 *   (the device's crypto store open and its OlmMachine running), `omni:crypto-sync` (the sync loop
 *   restarted to feed it), `omni:crypto-ready` (events loaded before it decrypted);
 * - measures, once per page of older history in an encrypted room: `omni:paginate` (the `/messages`
 *   request and adding its events) and `omni:decrypt-page` (decrypting them, `detail.events` of them).
 *
 * A handful of entries per session and one pair per page of history: nothing that grows per event.
 */

/** Records that `stage` was reached now. */
export function markStage(stage: string): void {
  performance.mark(`omni:${stage}`);
}

/** Records that `stage` ran from `start` (a `stageStart()` reading) until now. */
export function measureStage(stage: string, start: number, detail?: Record<string, number>): void {
  performance.measure(`omni:${stage}`, { start, end: performance.now(), ...(detail ? { detail } : {}) });
}

/** Now, for `measureStage`'s `start`. */
export function stageStart(): number {
  return performance.now();
}
