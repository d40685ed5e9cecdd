/**
 * The rooms this browser has seen encrypted, per member (by the target an element named and by room id):
 * a hint read as a room is opened, so that a room known to be encrypted starts crypto (wasm, crypto store,
 * OlmMachine) alongside the first sync instead of after the room has loaded. Only a hint: a wrong one costs
 * an early start of crypto the member has used before, a missing one (first visit, storage unavailable) the
 * later start. With the engine in a worker, which has no `localStorage`, the page keeps them: it gives them to the
 * worker as a session starts, and the worker tells it each change. Forgotten when the member signs out. Part of the engine chunk.
 */

/** Room ids and targets kept per member; the oldest go first. */
const MAX_ROOMS = 200;

/** The hints' key in the page's `localStorage`, per member. */
export const encryptedHintsKey = (userId: string): string => `omni-encrypted-rooms:${userId}`;
const keyOf = encryptedHintsKey;

/** Where the hints are kept: `localStorage`, or what the engine's worker keeps in its stead (worker/host.ts). */
export type HintStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

let kept: HintStorage | undefined;

/** Keeps the hints in `storage` instead of `localStorage` (a worker has none; its page keeps them). */
export function keepEncryptedHintsIn(storage: HintStorage): void {
  kept = storage;
}

const storage = (): HintStorage => kept ?? localStorage;

// `localStorage` may be missing (a worker) or throw (blocked storage, a full quota): the hint is only an optimisation.
function read(userId: string): string[] {
  try {
    const parsed: unknown = JSON.parse(storage().getItem(keyOf(userId)) ?? '[]');
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
    storage().setItem(keyOf(userId), JSON.stringify([...new Set([...known, ...targets])].slice(-MAX_ROOMS)));
  } catch {
    // See `read`.
  }
}

/** Forgets the member's encrypted rooms (signing out). */
export function forgetEncrypted(userId: string): void {
  try {
    storage().removeItem(keyOf(userId));
  } catch {
    // See `read`.
  }
}
