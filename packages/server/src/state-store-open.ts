/**
 * The state store the companion's `database` setting names (state-store.ts): PostgreSQL for a `postgres(ql)://`
 * URL, this process's memory when unset.
 */
import { MemoryStateStore, type StateStore } from './state-store.ts';
import { PostgresStateStore } from './state-store-postgres.ts';

export async function openStateStore(database: string | undefined): Promise<StateStore> {
  if (!database) return new MemoryStateStore();
  return PostgresStateStore.open(database);
}
