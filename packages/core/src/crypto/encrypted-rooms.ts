/**
 * The rooms this browser has seen encrypted, per member (by the target an element named and by room id):
 * a hint read as a room is opened, so that a room known to be encrypted starts crypto (wasm, crypto store,
 * OlmMachine) alongside the first sync instead of after the room has loaded. Only a hint: a wrong one costs
 * an early start of crypto the member has used before, a missing one (first visit, storage unavailable, as
 * in a worker) the later start. Forgotten when the member signs out. Part of the engine chunk.
 */

/** Room ids and targets kept per member; the oldest go first. */
const MAX_ROOMS = 200;

const keyOf = (userId: string): string => `omni-encrypted-rooms:${userId}`;

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    // A sandboxed frame or blocked storage throws on access.
    return undefined;
  }
}

function read(userId: string): string[] {
  try {
    const parsed: unknown = JSON.parse(storage()?.getItem(keyOf(userId)) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((entry): entry is string => typeof entry === 'string') : [];
  } catch {
    return [];
  }
}

/** Whether `target` (a room id, alias or other key) was seen encrypted by this member in this browser. */
export function seenEncrypted(userId: string, target: string): boolean {
  return read(userId).includes(target);
}

/** Remembers that the rooms named by `targets` are encrypted. */
export function noteEncrypted(userId: string, ...targets: string[]): void {
  const known = read(userId);
  const fresh = targets.filter((target) => !known.includes(target));
  if (fresh.length === 0) return;
  try {
    storage()?.setItem(keyOf(userId), JSON.stringify([...known, ...fresh].slice(-MAX_ROOMS)));
  } catch {
    // Storage full or blocked: the hint is only an optimisation.
  }
}

/** Forgets the member's encrypted rooms (signing out). */
export function forgetEncrypted(userId: string): void {
  try {
    storage()?.removeItem(keyOf(userId));
  } catch {
    // Nothing was stored.
  }
}
