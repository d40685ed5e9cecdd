/** Where outboxes are kept between pages: IndexedDB (idb-keyval), in memory where there is none. */
import { createStore, del, delMany, get, keys, set, type UseStore } from 'idb-keyval';
import type { OutboxStorage, StoredOutboxEntry } from './outbox-types.ts';

export { newTxnId } from './txn-id.ts';

/** Outboxes live in IndexedDB database `omni-chat-outbox`, one record per user + room. */
export function outboxStorage(userId: string, roomId: string): OutboxStorage {
  const key = `${userId}\n${roomId}`;
  // Files sit under the same user prefix, so signing out (clearOutboxes) wipes them with the entries.
  const fileKey = (txnId: string): string => `${key}\nfile\n${txnId}`;
  const idb = openStore();
  if (!idb) {
    let kept: readonly StoredOutboxEntry[] = [];
    const files = new Map<string, Blob>();
    return {
      load: () => Promise.resolve(kept),
      save: (entries) => {
        kept = entries;
        return Promise.resolve();
      },
      saveFile: (txnId, file) => Promise.resolve(void files.set(txnId, file)),
      loadFile: (txnId) => Promise.resolve(files.get(txnId)),
      deleteFile: (txnId) => Promise.resolve(void files.delete(txnId)),
    };
  }
  return {
    load: async () => (await get<StoredOutboxEntry[]>(key, idb)) ?? [],
    save: (entries) => (entries.length === 0 ? del(key, idb) : set(key, entries, idb)),
    saveFile: (txnId, file) => set(fileKey(txnId), file, idb),
    loadFile: (txnId) => get<Blob>(fileKey(txnId), idb),
    deleteFile: (txnId) => del(fileKey(txnId), idb),
  };
}

/** Removes every unsent message and file of a member (sign-out must not leave their words behind). */
export async function clearOutboxes(userId: string): Promise<void> {
  const idb = openStore();
  if (!idb) return;
  const mine = (await keys<string>(idb)).filter((key) => key.startsWith(`${userId}\n`));
  await delMany(mine, idb);
}

let store: UseStore | undefined;

function openStore(): UseStore | undefined {
  if (typeof indexedDB === 'undefined') return undefined;
  store ??= createStore('omni-chat-outbox', 'outbox');
  return store;
}
