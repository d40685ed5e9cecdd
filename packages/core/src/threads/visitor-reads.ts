/**
 * How far a visitor has read each thread of a room they read from outside (sync/peek.ts, the light read):
 * a visitor has no read receipts on the homeserver, so their thread read points are kept in this browser,
 * per room and thread, and the summaries under the roots count what came after them, as a member's do.
 * Bounded: the threads read longest ago are forgotten first. `localStorage` may be missing (a worker) or
 * throw (blocked storage, a full quota): the visitor then sees every reply of others as new. The parsed entries
 * are kept in memory (every timeline rebuild of a peeked room reads them); another tab's write drops them.
 */

/** Threads remembered in all, across rooms; the least recently read go first. */
export const MAX_VISITOR_THREADS = 500;

const KEY = 'omni-visitor-thread-reads';

/** One thread's read point: room id, root event id, time of the latest reply read. */
type Entry = readonly [roomId: string, rootId: string, readTs: number];

function isEntry(value: unknown): value is Entry {
  return (
    Array.isArray(value) &&
    value.length === 3 &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'string' &&
    typeof value[2] === 'number' &&
    Number.isFinite(value[2])
  );
}

/** The entries as last read or written here; `undefined` until read, and after another tab wrote them. */
let cached: Entry[] | undefined;
let listening = false;

function forgetOnOtherTabsWrite(): void {
  if (listening || typeof addEventListener !== 'function') return;
  listening = true;
  addEventListener('storage', (event: StorageEvent) => {
    if (event.key === KEY || event.key === null) cached = undefined;
  });
}

/** Oldest read first. */
function readAll(): Entry[] {
  if (cached) return cached;
  forgetOnOtherTabsWrite();
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    cached = Array.isArray(parsed) ? parsed.filter(isEntry) : [];
  } catch {
    cached = [];
  }
  return cached;
}

/** The visitor's read point (a reply's `origin_server_ts`) in each thread of `roomId` they read in this browser. */
export function visitorThreadReads(roomId: string): Map<string, number> {
  const reads = new Map<string, number>();
  for (const [room, root, ts] of readAll()) if (room === roomId) reads.set(root, ts);
  return reads;
}

/**
 * The visitor read the thread of `rootId` up to a reply of time `readTs`. Never moves a read point back.
 * Returns whether it moved (the summaries are then rebuilt).
 */
export function noteVisitorThreadRead(roomId: string, rootId: string, readTs: number): boolean {
  if (!Number.isFinite(readTs) || readTs <= 0) return false;
  const entries = [...readAll()];
  const index = entries.findIndex(([room, root]) => room === roomId && root === rootId);
  const before = index === -1 ? 0 : (entries[index] as Entry)[2];
  if (readTs <= before) return false;
  if (index !== -1) entries.splice(index, 1);
  entries.push([roomId, rootId, readTs]);
  const kept = entries.slice(-MAX_VISITOR_THREADS);
  try {
    localStorage.setItem(KEY, JSON.stringify(kept));
  } catch {
    return false;
  }
  cached = kept;
  return true;
}
