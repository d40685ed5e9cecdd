/**
 * Where the companion keeps what must hold across its replicas: the messages held for approval, the nonces of
 * the site's signed requests (a replay to another replica is refused), the abuse controls' counters, the senders
 * they trust and the messages they judged, and the post rooms (so a replica learns of those another created). Two implementations: in memory (one companion, the default) and PostgreSQL
 * (state-store-postgres.ts; any number of replicas sharing one database), chosen by the `database` setting
 * (state-store-open.ts).
 *
 * Every value lives under a namespace and a key. Times are the caller's clock in milliseconds, so tests can
 * move them; replicas' clocks need only agree to within the windows they guard (a minute, five minutes).
 */
import type { Json } from './homeserver.ts';

export interface StateStore {
  /**
   * Takes `key` if nobody holds it, or if its hold has expired: true for the one caller that took it, false
   * for every other while it lasts (`ttlMs` from `now`). Atomic across replicas.
   */
  claim(namespace: string, key: string, ttlMs: number, now?: number): Promise<boolean>;
  /** Counts one hit on `key` at `now` and answers the hits within the last `windowMs`, this one included. */
  hit(namespace: string, key: string, windowMs: number, now?: number): Promise<number>;
  /** Sets `key` to `value`, for ever or for `ttlMs`. */
  put(namespace: string, key: string, value: Json, ttlMs?: number, now?: number): Promise<void>;
  /** Sets `key` to `value` unless it has one: true when it was set. */
  putIfAbsent(namespace: string, key: string, value: Json, now?: number): Promise<boolean>;
  get(namespace: string, key: string, now?: number): Promise<Json | undefined>;
  /** Every live value of the namespace. */
  list(namespace: string, now?: number): Promise<[string, Json][]>;
  /** Removes `key`: true for the one caller that removed it. */
  delete(namespace: string, key: string): Promise<boolean>;
  close(): Promise<void>;
}

interface Entry {
  value: Json;
  expiresAt: number | undefined;
  hits?: number[];
}

/** Past this many entries the expired ones are swept; the mark then doubles with what is still live. */
const SWEEP_AT = 50_000;

/** One companion's state, gone with its process (the held messages are read back from their rooms at start). */
export class MemoryStateStore implements StateStore {
  readonly #entries = new Map<string, Entry>();
  #sweepAt = SWEEP_AT;

  #live(namespace: string, key: string, now: number): Entry | undefined {
    const id = `${namespace}\u0000${key}`;
    const entry = this.#entries.get(id);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= now) {
      this.#entries.delete(id);
      return undefined;
    }
    return entry;
  }

  #set(namespace: string, key: string, entry: Entry, now: number): void {
    if (this.#entries.size >= this.#sweepAt) {
      for (const [id, old] of this.#entries) if (old.expiresAt !== undefined && old.expiresAt <= now) this.#entries.delete(id);
      this.#sweepAt = Math.max(SWEEP_AT, this.#entries.size * 2);
    }
    this.#entries.set(`${namespace}\u0000${key}`, entry);
  }

  claim(namespace: string, key: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    if (this.#live(namespace, key, now)) return Promise.resolve(false);
    this.#set(namespace, key, { value: {}, expiresAt: now + ttlMs }, now);
    return Promise.resolve(true);
  }

  hit(namespace: string, key: string, windowMs: number, now = Date.now()): Promise<number> {
    const hits = (this.#live(namespace, key, now)?.hits ?? []).filter((at) => at > now - windowMs);
    hits.push(now);
    this.#set(namespace, key, { value: {}, expiresAt: now + windowMs, hits }, now);
    return Promise.resolve(hits.length);
  }

  put(namespace: string, key: string, value: Json, ttlMs?: number, now = Date.now()): Promise<void> {
    this.#set(namespace, key, { value, expiresAt: ttlMs === undefined ? undefined : now + ttlMs }, now);
    return Promise.resolve();
  }

  putIfAbsent(namespace: string, key: string, value: Json, now = Date.now()): Promise<boolean> {
    if (this.#live(namespace, key, now)) return Promise.resolve(false);
    this.#set(namespace, key, { value, expiresAt: undefined }, now);
    return Promise.resolve(true);
  }

  get(namespace: string, key: string, now = Date.now()): Promise<Json | undefined> {
    return Promise.resolve(this.#live(namespace, key, now)?.value);
  }

  list(namespace: string, now = Date.now()): Promise<[string, Json][]> {
    const prefix = `${namespace}\u0000`;
    const found: [string, Json][] = [];
    for (const [id, entry] of this.#entries) {
      if (!id.startsWith(prefix) || (entry.expiresAt !== undefined && entry.expiresAt <= now)) continue;
      found.push([id.slice(prefix.length), entry.value]);
    }
    return Promise.resolve(found);
  }

  delete(namespace: string, key: string): Promise<boolean> {
    return Promise.resolve(this.#entries.delete(`${namespace}\u0000${key}`));
  }

  close(): Promise<void> {
    this.#entries.clear();
    return Promise.resolve();
  }
}
