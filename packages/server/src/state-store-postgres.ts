/**
 * The companion's state in PostgreSQL, shared by all its replicas (state-store.ts). One table; each operation is
 * one statement, so two replicas racing for the same nonce or counter are ordered by the row's lock: one takes
 * the nonce, the other is refused; both hits are counted.
 */
import pg from 'pg';
import type { Json } from './homeserver.ts';
import type { StateStore } from './state-store.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS omni_companion_state (
  namespace text NOT NULL,
  key text NOT NULL,
  value jsonb NOT NULL DEFAULT '{}',
  hits bigint[],
  expires_at bigint,
  PRIMARY KEY (namespace, key)
);
CREATE INDEX IF NOT EXISTS omni_companion_state_expiry ON omni_companion_state (expires_at) WHERE expires_at IS NOT NULL;
`;
/** Replicas starting together create the table once: the others wait on this lock. */
const SCHEMA_LOCK = 0x6f6d6e69;
const SWEEP_EVERY_MS = 60_000;

export class PostgresStateStore implements StateStore {
  readonly #pool: pg.Pool;
  #sweptAt = 0;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Connects to `url` (e.g. `postgresql://companion@db.internal/omni`) and creates the table when missing. */
  static async open(url: string, options: { readonly max?: number } = {}): Promise<PostgresStateStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
    // An idle connection the server dropped must not take the process down; the next query reconnects.
    pool.on('error', (error) => console.error('[omni-companion] state store connection:', error.message));
    const client = await pool.connect().catch(async (error: unknown) => {
      await pool.end();
      throw error;
    });
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await client.query(SCHEMA);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      await pool.end();
      throw error;
    }
    client.release();
    return new PostgresStateStore(pool);
  }

  /** Expired rows go now and then; reads ignore them meanwhile. */
  #sweep(now: number): void {
    if (now - this.#sweptAt < SWEEP_EVERY_MS) return;
    this.#sweptAt = now;
    this.#pool
      .query('DELETE FROM omni_companion_state WHERE expires_at <= $1', [now])
      .catch((error: unknown) =>
        console.error('[omni-companion] sweeping the state store:', error instanceof Error ? error.message : error),
      );
  }

  async claim(namespace: string, key: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    this.#sweep(now);
    const result = await this.#pool.query(
      `INSERT INTO omni_companion_state (namespace, key, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (namespace, key) DO UPDATE SET value = '{}', hits = NULL, expires_at = EXCLUDED.expires_at
         WHERE omni_companion_state.expires_at IS NOT NULL AND omni_companion_state.expires_at <= $4
       RETURNING 1`,
      [namespace, key, now + ttlMs, now],
    );
    return result.rowCount === 1;
  }

  async hit(namespace: string, key: string, windowMs: number, now = Date.now()): Promise<number> {
    this.#sweep(now);
    const result = await this.#pool.query<{ count: number }>(
      `INSERT INTO omni_companion_state (namespace, key, hits, expires_at) VALUES ($1, $2, ARRAY[$3::bigint], $3::bigint + $4::bigint)
       ON CONFLICT (namespace, key) DO UPDATE SET
         hits = array_append(
           ARRAY(SELECT at FROM unnest(COALESCE(omni_companion_state.hits, '{}')) AS at WHERE at > $3::bigint - $4::bigint ORDER BY at),
           $3::bigint),
         expires_at = EXCLUDED.expires_at
       RETURNING cardinality(hits) AS count`,
      [namespace, key, now, windowMs],
    );
    return result.rows[0]?.count ?? 0;
  }

  async put(namespace: string, key: string, value: Json, ttlMs?: number, now = Date.now()): Promise<void> {
    await this.#pool.query(
      `INSERT INTO omni_companion_state (namespace, key, value, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value, hits = NULL, expires_at = EXCLUDED.expires_at`,
      [namespace, key, JSON.stringify(value), ttlMs === undefined ? null : now + ttlMs],
    );
  }

  async putIfAbsent(namespace: string, key: string, value: Json, now = Date.now()): Promise<boolean> {
    const result = await this.#pool.query(
      `INSERT INTO omni_companion_state (namespace, key, value) VALUES ($1, $2, $3)
       ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value, hits = NULL, expires_at = NULL
         WHERE omni_companion_state.expires_at IS NOT NULL AND omni_companion_state.expires_at <= $4
       RETURNING 1`,
      [namespace, key, JSON.stringify(value), now],
    );
    return result.rowCount === 1;
  }

  async get(namespace: string, key: string, now = Date.now()): Promise<Json | undefined> {
    const result = await this.#pool.query<{ value: Json }>(
      'SELECT value FROM omni_companion_state WHERE namespace = $1 AND key = $2 AND (expires_at IS NULL OR expires_at > $3)',
      [namespace, key, now],
    );
    return result.rows[0]?.value;
  }

  async list(namespace: string, now = Date.now()): Promise<[string, Json][]> {
    const result = await this.#pool.query<{ key: string; value: Json }>(
      'SELECT key, value FROM omni_companion_state WHERE namespace = $1 AND (expires_at IS NULL OR expires_at > $2)',
      [namespace, now],
    );
    return result.rows.map((row) => [row.key, row.value]);
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    const result = await this.#pool.query('DELETE FROM omni_companion_state WHERE namespace = $1 AND key = $2', [namespace, key]);
    return result.rowCount === 1;
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
