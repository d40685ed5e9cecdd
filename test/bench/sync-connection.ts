/**
 * Which sliding sync connection a request belongs to, from its body: the engine's has no `conn_id` (js-sdk sends none),
 * the member's room light read names its own (`LIGHT_READ_CONN_ID`, packages/core/src/sync/light-read.ts). Both go to
 * the same URL, so the benches count the engine's sync connections and the light reads apart by this. No imports: the
 * bench pages use it too.
 */
export function connIdOf(body: string | null | undefined): string {
  if (!body) return '';
  try {
    const connId = (JSON.parse(body) as { conn_id?: unknown }).conn_id;
    return typeof connId === 'string' ? connId : '';
  } catch {
    return '';
  }
}

/** Whether a sync request is the engine's: classic `/sync`, or sliding sync on the connection without `conn_id`. */
export function isEngineSync(body: string | null | undefined): boolean {
  return connIdOf(body) === '';
}
