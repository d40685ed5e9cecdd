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

// `localStorage` may be missing (a worker) or throw (blocked storage, a full quota): the hint is only an optimisation.
function read(userId: string): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(keyOf(userId)) ?? '[]');
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
  if (targets.every((target) => known.includes(target))) return;
  try {
    localStorage.setItem(keyOf(userId), JSON.stringify([...new Set([...known, ...targets])].slice(-MAX_ROOMS)));
  } catch {
    // See `read`.
  }
}

/** Forgets the member's encrypted rooms (signing out). */
export function forgetEncrypted(userId: string): void {
  try {
    localStorage.removeItem(keyOf(userId));
  } catch {
    // See `read`.
  }
}
