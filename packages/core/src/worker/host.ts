/**
 * The engine's side of the worker: it runs the real engine (`startSession`: sync, decryption, room models and
 * their timelines) and answers the pages connected to it — one page for a dedicated worker, every tab of the
 * site for a shared one, which then drive one engine (one sync connection) per account.
 */
import { startSession, type EngineSession, type StartOptions } from '../session/engine.ts';
import type { StoredSession } from '../session/session-store.ts';
import { describePlayableElsewhere, type PlayableDescription } from '../media/playable-info.ts';
import { EngineLock, type EngineLease } from '../session/tab-lock.ts';
import { keepEncryptedHintsIn } from '../crypto/encrypted-rooms.ts';
import type {
  ModerationProgress,
  RoomHandle,
  RoomSnapshot,
  SessionHandle,
  ThreadHandle,
  ThreadSnapshot,
  Unsubscribe,
  VerificationHandle,
} from '../types.ts';
import { type HandleId, type HostStats, type OpenHow, type PageMessage, type Port, type Target, type WorkerMessage } from './protocol.ts';
import { SnapshotEncoder, toWireError } from './wire.ts';
import { engineMeasureEntries, resourceEntries, watchedFetch } from './watched-network.ts';

/** Commands a page may call, per target: nothing else of the engine's objects is reachable from a message. */
const ALLOWED: Readonly<Record<Target['kind'], ReadonlySet<string>>> = {
  session: new Set(['loadMedia', 'signOut']),
  security: new Set(['status', 'setUpRecovery', 'restoreFromRecoveryKey', 'resetRecovery']),
  verification: new Set(['verifyUser', 'verifyOwnDevice', 'userTrust']),
  'verification-request': new Set(['accept', 'confirm', 'mismatch', 'cancel', 'dismiss']),
  room: new Set([
    'send',
    'checkAttachment',
    'sendAttachment',
    'edit',
    'redact',
    'moderate',
    'toggleReaction',
    'retry',
    'retryDecryption',
    'cancel',
    'paginateBackwards',
    'setTyping',
    'markRead',
    'searchMembers',
    'loadMedia',
    'previewLink',
    'setLinkPreviews',
  ]),
  thread: new Set(['send', 'paginateBackwards', 'markRead']),
};

interface Running {
  readonly handle: EngineSession;
  readonly pages: Set<Connection>;
  readonly lease: EngineLease | undefined;
  readonly lock: EngineLock | undefined;
  unsubscribe: Unsubscribe;
}

/** Sessions by `homeserverUrl|userId`, shared by every page of a shared worker. */
const sessions = new Map<string, Running>();

/** Sessions waiting for the account's lock before their engine starts. */
const starting = new Map<string, Promise<void>>();

/** Pages, for requests only a page can answer (a video's poster frame). */
const pages = new Set<Connection>();

/** The engine's hints (crypto/encrypted-rooms.ts): a worker has no `localStorage`, so its pages keep them. */
const hints = new Map<string, string>();
keepEncryptedHintsIn({
  getItem: (key) => hints.get(key) ?? null,
  setItem: (key, value) => {
    hints.set(key, value);
    for (const page of pages) page.post({ t: 'hint', key, value });
  },
  removeItem: (key) => {
    hints.delete(key);
    for (const page of pages) page.post({ t: 'hint', key });
  },
});

let described = 0;
describePlayableElsewhere((file, kind) => {
  const page = [...pages][0];
  return page ? page.describePlayable(file, kind) : Promise.resolve(undefined);
});

type Open =
  | { readonly kind: 'room'; readonly handle: RoomHandle; readonly unsubscribe: Unsubscribe; readonly session: string }
  | { readonly kind: 'thread'; readonly handle: ThreadHandle; readonly unsubscribe: Unsubscribe; readonly session: string };

class Connection {
  readonly #port: Port;
  readonly #shared: boolean;
  readonly #open = new Map<HandleId, Open>();
  readonly #sessions = new Set<string>();
  readonly #describing = new Map<number, (description: PlayableDescription | undefined) => void>();
  /** Opens and releases, applied in the order the page sent them. */
  #opening: Promise<void> = Promise.resolve();

  constructor(port: Port, shared: boolean) {
    this.#port = port;
    this.#shared = shared;
    pages.add(this);
    port.addEventListener('message', (event: MessageEvent<PageMessage>) => void this.#receive(event.data));
  }

  post(message: WorkerMessage): void {
    this.#port.postMessage(message);
  }

  describePlayable(file: Blob, kind: 'video' | 'audio'): Promise<PlayableDescription | undefined> {
    const id = ++described;
    return new Promise((resolve) => {
      this.#describing.set(id, resolve);
      this.post({ t: 'describe-playable', id, file, kind });
    });
  }

  /** The page went away (its tab closed): its handles are released, and a session nobody uses stops. */
  close(): void {
    pages.delete(this);
    for (const handle of this.#open.keys()) this.#release(handle);
    for (const key of this.#sessions) this.#leave(key);
    for (const resolve of this.#describing.values()) resolve(undefined);
    this.#describing.clear();
  }

  async #receive(message: PageMessage): Promise<void> {
    switch (message.t) {
      case 'hello':
        // The entry answered it (entry.ts); the engine only needs to know the page.
        if (message.page !== undefined) this.#watchPage(message.page);
        return;
      case 'start':
        // What the worker learnt itself is newer than what a page kept.
        for (const [key, value] of Object.entries(message.hints ?? {})) if (!hints.has(key)) hints.set(key, value);
        await this.#answer(message.id, () => this.#start(message.session, message.stored, message.options));
        return;
      case 'open': {
        // In order, each once its session has started (a thread after its room).
        const how = message.how;
        this.#opening = this.#opening.then(async () => {
          if (how.kind !== 'thread') await starting.get(how.session);
          this.#openHandle(message.handle, how);
        });
        return;
      }
      case 'release':
        this.#opening = this.#opening.then(() => this.#release(message.handle));
        return;
      case 'call': {
        this.post({ t: 'got', id: message.id });
        const opened = this.#opening;
        await this.#answer(message.id, async () => {
          await opened;
          if ('session' in message.target) await starting.get(message.target.session);
          return this.#call(message.id, message.target, message.method, message.args);
        });
        return;
      }
      case 'stop':
        this.#leave(message.session);
        return;
      case 'described':
        this.#describing.get(message.id)?.(message.description);
        this.#describing.delete(message.id);
        return;
      case 'stats':
        this.post({ t: 'reply', id: message.id, value: hostStats() });
        return;
      case 'watch-network':
        watchNetwork(this);
        this.post({ t: 'reply', id: message.id });
        return;
      case 'resources':
        this.post({ t: 'reply', id: message.id, value: resourceEntries() });
        return;
      case 'measures':
        this.post({ t: 'reply', id: message.id, value: engineMeasureEntries() });
        return;
      case 'crash':
        // A test's stand-in for a worker that dies: nothing is cleaned up, the page must notice on its own.
        (globalThis as { close?: () => void }).close?.();
        return;
    }
  }

  /** A shared worker learns that a tab closed when the tab's lock is let go (the browser does it as the tab goes). */
  #watchPage(page: string): void {
    if (!this.#shared || typeof navigator === 'undefined' || !('locks' in navigator)) return;
    void navigator.locks.request(page, () => this.close());
  }

  async #answer(id: number, work: () => Promise<unknown>): Promise<void> {
    try {
      const value = await work();
      this.post(value === undefined ? { t: 'reply', id } : { t: 'reply', id, value });
    } catch (error) {
      this.post({ t: 'reply', id, error: toWireError(error) });
    }
  }

  async #start(key: string, stored: StoredSession, options: StartOptions): Promise<void> {
    this.#sessions.add(key);
    const pending = starting.get(key);
    if (pending) await pending.catch(() => undefined);
    const running = sessions.get(key);
    if (running) {
      running.pages.add(this);
      this.#sendVerifications(key, running.handle);
      return;
    }
    // One engine per account drives the crypto store: a shared worker takes the engine from any tab that runs
    // its own (the main-thread fallback, another version's worker), as a sign-in does.
    const lock = this.#shared ? new EngineLock(`${stored.homeserverUrl}|${stored.userId}`) : undefined;
    const taking = lock ? lock.takeOver() : Promise.resolve(undefined);
    const started = taking.then(() => undefined);
    starting.set(key, started);
    let lease: EngineLease | undefined;
    try {
      lease = await taking;
    } finally {
      if (starting.get(key) === started) starting.delete(key);
    }
    const everyone = (): Set<Connection> => sessions.get(key)?.pages ?? new Set([this]);
    const handle = startSession(
      stored,
      {
        onTokens: (tokens) => {
          for (const page of everyone()) page.post({ t: 'tokens', session: key, tokens });
        },
        onLoggedOut: (soft) => {
          for (const page of everyone()) page.post({ t: 'logged-out', session: key, soft });
        },
      },
      options,
    );
    const entry: Running = { handle, pages: new Set([this]), lease, lock, unsubscribe: () => undefined };
    sessions.set(key, entry);
    entry.unsubscribe = handle.verification.subscribe(() => {
      for (const page of entry.pages) page.#sendVerifications(key, handle);
    });
    if (lease) {
      void lease.revoked.then(() => {
        if (sessions.get(key) !== entry) return;
        // Another tab took the account's engine: every page of this worker is told, as by a soft logout they are not.
        for (const page of entry.pages) page.post({ t: 'logged-out', session: key, soft: true });
        stopRunning(key, entry);
      });
    }
  }

  #sendVerifications(key: string, handle: SessionHandle): void {
    this.post({ t: 'verifications', session: key, requests: handle.verification.requests.map((request) => request.snapshot) });
  }

  #leave(key: string): void {
    this.#sessions.delete(key);
    for (const [id, open] of this.#open) if (open.session === key) this.#release(id);
    const running = sessions.get(key);
    if (!running) return;
    running.pages.delete(this);
    if (running.pages.size === 0) stopRunning(key, running);
  }

  #session(key: string): SessionHandle {
    const running = sessions.get(key);
    if (!running) throw new Error('This chat session is not running in the worker.');
    return running.handle;
  }

  #openHandle(id: HandleId, how: OpenHow): void {
    if (how.kind === 'thread') {
      const parent = this.#open.get(how.parent);
      if (parent?.kind !== 'room') return;
      const handle = parent.handle.openThread(how.rootId);
      const encoder = new SnapshotEncoder<ThreadSnapshot>();
      const push = (snapshot: ThreadSnapshot): void => this.post({ t: 'thread', handle: id, snapshot: encoder.encode(snapshot) });
      const unsubscribe = handle.subscribe(push);
      this.#open.set(id, { kind: 'thread', handle, unsubscribe, session: parent.session });
      push(handle.snapshot);
      return;
    }
    const session = sessions.get(how.session)?.handle;
    if (!session) return;
    const handle =
      how.kind === 'room'
        ? session.openRoom(how.room)
        : how.kind === 'post'
          ? session.openPostRoom(how.post)
          : session.openDirectRoom(how.userId);
    const encoder = new SnapshotEncoder<RoomSnapshot>();
    const push = (snapshot: RoomSnapshot): void => this.post({ t: 'room', handle: id, snapshot: encoder.encode(snapshot) });
    const unsubscribe = handle.subscribe(push);
    this.#open.set(id, { kind: 'room', handle, unsubscribe, session: how.session });
    push(handle.snapshot);
  }

  #release(id: HandleId): void {
    const open = this.#open.get(id);
    if (!open) return;
    this.#open.delete(id);
    open.unsubscribe();
    open.handle.release();
  }

  async #call(id: number, target: Target, method: string, args: readonly unknown[]): Promise<unknown> {
    if (!ALLOWED[target.kind].has(method)) throw new Error(`${method} cannot be called on a ${target.kind}`);
    switch (target.kind) {
      case 'session': {
        const session = this.#session(target.session);
        if (method === 'loadMedia') return blobOf(await session.loadMedia(args[0] as Parameters<SessionHandle['loadMedia']>[0]));
        // Signing out ends the session for every tab: the others are told as if the server had revoked it.
        await session.signOut();
        const running = sessions.get(target.session);
        for (const page of running?.pages ?? []) if (page !== this) page.post({ t: 'logged-out', session: target.session, soft: false });
        if (running) stopRunning(target.session, running, { signedOut: true });
        return undefined;
      }
      case 'security':
        return invoke(this.#session(target.session).security, method, args);
      case 'verification': {
        const verification = this.#session(target.session).verification;
        const result = await invoke(verification, method, args);
        return method === 'userTrust' ? result : (result as VerificationHandle).snapshot;
      }
      case 'verification-request': {
        const request = this.#session(target.session).verification.requests.find((r) => r.snapshot.id === target.id);
        if (!request) return undefined;
        return invoke(request, method, args);
      }
      case 'room': {
        const open = this.#open.get(target.handle);
        if (open?.kind !== 'room') throw new Error('This room is closed.');
        // A command the page sent while a restarted worker was opening the room again waits for the room.
        await loaded(open.handle);
        if (method === 'loadMedia') return blobOf(await open.handle.loadMedia(args[0] as Parameters<RoomHandle['loadMedia']>[0]));
        if (method === 'moderate') {
          const onProgress = (progress: ModerationProgress): void => this.post({ t: 'progress', id, progress });
          return open.handle.moderate(args[0] as Parameters<RoomHandle['moderate']>[0], onProgress);
        }
        return invoke(open.handle, method, args);
      }
      case 'thread': {
        const open = this.#open.get(target.handle);
        if (open?.kind !== 'thread') throw new Error('This thread is closed.');
        return invoke(open.handle, method, args);
      }
    }
  }
}

/** How long a command waits for its room to load (after a restart) before it is tried anyway. */
const LOAD_WAIT_MS = 30_000;

function loaded(handle: RoomHandle): Promise<void> {
  if (handle.snapshot.status !== 'loading') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, LOAD_WAIT_MS);
    const unsubscribe = handle.subscribe((snapshot) => {
      if (snapshot.status !== 'loading') done();
    });
  });
}

function stopRunning(key: string, running: Running, options: { signedOut?: boolean } = {}): void {
  if (sessions.get(key) !== running) return;
  sessions.delete(key);
  running.unsubscribe();
  if (!options.signedOut) running.handle.stop();
  running.lease?.release();
  running.lock?.close();
}

async function invoke(target: object, method: string, args: readonly unknown[]): Promise<unknown> {
  const fn: unknown = Reflect.get(target, method);
  if (typeof fn !== 'function') throw new Error(`${method} is not a command`);
  const command = fn as (...a: readonly unknown[]) => unknown;
  return await Promise.resolve(command.apply(target, [...args]));
}

/** The bytes behind one of the engine's blob URLs: the page makes its own URL of them, which outlives this worker. */
async function blobOf(url: string): Promise<Blob> {
  return (await fetch(url)).blob();
}

function hostStats(): HostStats {
  const syncRequests =
    typeof performance === 'undefined'
      ? 0
      : performance.getEntriesByType('resource').filter((entry) => /\/sync$/.test(new URL(entry.name).pathname)).length;
  const signInPasswordHeld = [...sessions].flatMap(([key, running]) => (running.handle.holdsSignInPassword ? [key] : []));
  return { engines: sessions.size, pages: pages.size, syncRequests, signInPasswordHeld };
}

/** The pages that asked to see the worker's requests (a test hook); `fetch` is wrapped once the first asks. */
const networkWatchers = new Set<{ post(message: WorkerMessage): void }>();

function watchNetwork(watcher: { post(message: WorkerMessage): void }): void {
  if (networkWatchers.size === 0) {
    const original = globalThis.fetch.bind(globalThis);
    const tell = (phase: 'start' | 'end', url: string, body: string | undefined): void => {
      for (const each of networkWatchers) each.post({ t: 'network', phase, url, ...(body !== undefined ? { body } : {}) });
    };
    globalThis.fetch = watchedFetch(original, tell);
  }
  networkWatchers.add(watcher);
}

/** Serves one page on `port`; `shared` for a shared worker's connections. */
export function serve(port: Port, shared: boolean): void {
  new Connection(port, shared);
}
