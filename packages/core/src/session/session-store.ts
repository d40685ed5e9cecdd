/**
 * Where a member's session lives between page loads: IndexedDB when the browser allows it, memory
 * otherwise (some private-browsing modes), so a reload resumes without signing in again.
 */
import { createStore, del, get, set, type UseStore } from 'idb-keyval';

/** What the engine needs to resume a session without signing in again. */
export interface StoredSession {
  readonly homeserverUrl: string;
  readonly userId: string;
  readonly deviceId: string;
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** A guest account (sign-in mode `{ guest: true }`). */
  readonly guest?: boolean;
  /** Set after a soft logout: the device and its keys are kept, the member must sign in again. */
  readonly expired?: boolean;
}

export interface SessionStore {
  /** False when the browser keeps nothing across reloads; the UI says so. */
  readonly persistent: boolean;
  load(homeserverUrl: string): Promise<StoredSession | undefined>;
  save(session: StoredSession): Promise<void>;
  remove(homeserverUrl: string): Promise<void>;
}

function memoryStore(): SessionStore {
  const sessions = new Map<string, StoredSession>();
  return {
    persistent: false,
    load: (url) => Promise.resolve(sessions.get(url)),
    save: (session) => {
      sessions.set(session.homeserverUrl, session);
      return Promise.resolve();
    },
    remove: (url) => {
      sessions.delete(url);
      return Promise.resolve();
    },
  };
}

function indexedDbStore(idb: UseStore): SessionStore {
  return {
    persistent: true,
    load: (url) => get<StoredSession>(url, idb),
    save: (session) => set(session.homeserverUrl, session, idb),
    remove: (url) => del(url, idb),
  };
}

let opened: Promise<SessionStore> | undefined;

/** The IndexedDB database the sessions live in. */
const DATABASE = 'omni-chat';

/**
 * False when this browser surely keeps no session for the page's origin: the store was not opened on this page and
 * IndexedDB has no database of its name yet (a first visit). Opening the store then creates the database, which takes
 * 10-50 ms, and several times that on a slow device; a sign-in need not wait for it to learn there is no previous
 * session. True when that cannot be told (`indexedDB.databases()` missing or failing).
 */
export async function sessionsMayBeStored(): Promise<boolean> {
  if (opened || typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return true;
  try {
    return (await indexedDB.databases()).some((database) => database.name === DATABASE);
  } catch {
    return true;
  }
}

/** The page's session store, opened once. Falls back to memory when IndexedDB cannot be used. */
export function sessionStore(): Promise<SessionStore> {
  opened ??= (async () => {
    if (typeof indexedDB === 'undefined') return memoryStore();
    try {
      const idb = createStore(DATABASE, 'sessions');
      // Opening succeeds in some private modes and fails on first use: probe once.
      await get('probe', idb);
      return indexedDbStore(idb);
    } catch {
      return memoryStore();
    }
  })();
  return opened;
}
