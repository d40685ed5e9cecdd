/**
 * The page's side of the worker engine: `SessionHandle`, `RoomHandle`, `ThreadHandle`, `SecurityHandle` and the
 * verification API over a worker's port. Commands are requests with ids; snapshots arrive as the worker publishes
 * them. A worker that dies is started again: every session and open handle is opened in it again, and commands
 * made meanwhile wait for it (a message typed then is sent once, by the new worker).
 */
import type { SessionHooks, StartOptions } from '../session/engine.ts';
import type { StoredSession } from '../session/session-store.ts';
import type { EngineLease } from '../session/tab-lock.ts';
import { describePlayable } from '../media/playable-info.ts';
import { LOADING } from '../rooms/shared-model.ts';
import type { PostRoomTarget } from '../posts/posts.ts';
import {
  OmniError,
  type MediaRequest,
  type ModerationProgress,
  type RoomHandle,
  type RoomSnapshot,
  type SecurityHandle,
  type AttachmentOptions,
  type SendOptions,
  type SessionHandle,
  type SessionInfo,
  type ThreadHandle,
  type ThreadSnapshot,
  type Unsubscribe,
  type UserTrust,
  type VerificationApi,
  type VerificationHandle,
  type VerificationSnapshot,
} from '../types.ts';
import {
  PROTOCOL_VERSION,
  type HandleId,
  type HostStats,
  type NetworkMeasure,
  type NetworkResource,
  type OpenHow,
  type PageMessage,
  type Port,
  type Target,
  type WorkerMessage,
} from './protocol.ts';
import { ENGINE_VERSION, SHARED_WORKER_NAME } from './version.ts';
import { SnapshotDecoder, fromWireError } from './wire.ts';
import { encryptedHintsKey } from '../crypto/encrypted-rooms.ts';
import { requestedEngine, type EngineStarter } from './choice.ts';
import { engineMeasureEntries, resourceEntries, watchedFetch, type FetchListener } from './watched-network.ts';
import { PageEchoes, pageEcho, pageFileEcho, snapshotWithEchoes } from './page-echoes.ts';
import { newTxnId } from '../outbox/txn-id.ts';

/**
 * Hears a request the worker starts (`start`, with the request's body when it is text) and ends (`end`, with the
 * response's body when it is JSON).
 */
export type NetworkListener = FetchListener;
export type { NetworkMeasure, NetworkResource };
export { engineMeasureEntries, resourceEntries, watchedFetch };

/** `worker`: a dedicated worker per tab (with the tab lock); `shared`: one shared worker for every tab of the site. */
export type WorkerKind = 'worker' | 'shared';

/** How long a new worker may take to answer before the page runs the engine itself. */
const START_TIMEOUT_MS = 15_000;

/** Commands that change nothing: one in flight when the worker dies is simply asked again of the next. */
const REPEATABLE: ReadonlySet<string> = new Set([
  'loadMedia',
  'paginateBackwards',
  'searchMembers',
  'previewLink',
  'checkAttachment',
  'status',
  'userTrust',
]);

interface Pending {
  readonly message: PageMessage & { readonly t: 'call' | 'start' | 'stats' | 'watch-network' | 'resources' | 'measures' };
  /** The worker said it has it. */
  received?: boolean;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly onProgress?: ((progress: ModerationProgress) => void) | undefined;
}

interface Reopenable {
  readonly how: OpenHow;
  reset(): void;
}

interface Connected {
  readonly port: Port & { close?(): void };
  readonly worker: Worker | SharedWorker;
}

/** The figures tests and the bench read: restarts, and the bytes of snapshots that crossed. */
export interface WorkerEngineStats {
  readonly kind: WorkerKind;
  readonly restarts: number;
  readonly snapshots: number;
  readonly items: number;
  readonly itemsSent: number;
}

/** Bundlers (Vite, webpack) find the worker's entry by this exact pattern and emit it as a chunk of its own. */
function construct(kind: WorkerKind): Connected {
  if (kind === 'shared') {
    const worker = new SharedWorker(new URL('./entry.ts', import.meta.url), { type: 'module', name: SHARED_WORKER_NAME });
    worker.port.start();
    return { port: worker.port, worker };
  }
  const worker = new Worker(new URL('./entry.ts', import.meta.url), { type: 'module', name: SHARED_WORKER_NAME });
  return { port: worker, worker };
}

/** One connection to the engine's worker, shared by the page's sessions. */
export class WorkerLink {
  readonly kind: WorkerKind;
  readonly #page = `omni-engine-page:${crypto.randomUUID()}`;
  #connected: Connected | undefined;
  /** Settles once a worker answers and has every session and handle again; replaced while one is started. */
  #ready: Promise<void>;
  #up = false;
  #nextId = 0;
  #nextHandle = 0;
  readonly #pending = new Map<number, Pending>();
  readonly #handles = new Map<HandleId, Reopenable & { receive(message: WorkerMessage): void }>();
  readonly sessions = new Map<string, ProxySession>();
  /** The local echoes the page draws of messages sent through the worker, by room and thread. */
  readonly echoes = new PageEchoes();
  readonly #networkListeners = new Set<NetworkListener>();
  #restarts = 0;
  #snapshots = 0;
  #items = 0;
  #itemsSent = 0;

  private constructor(kind: WorkerKind) {
    this.kind = kind;
    this.#ready = Promise.resolve();
    // The page's lifetime as a lock: a shared worker lets go of this tab's handles when the browser releases it.
    if ('locks' in navigator) void navigator.locks.request(this.#page, () => new Promise<never>(() => undefined));
  }

  /** Starts the worker; rejects when the browser refuses it (no `Worker`, a CSP without `worker-src`…). */
  static async open(kind: WorkerKind): Promise<WorkerLink> {
    const link = new WorkerLink(kind);
    await link.#connect();
    return link;
  }

  get stats(): WorkerEngineStats {
    return { kind: this.kind, restarts: this.#restarts, snapshots: this.#snapshots, items: this.#items, itemsSent: this.#itemsSent };
  }

  async #connect(): Promise<void> {
    const connected = construct(this.kind);
    const hello = await new Promise<WorkerMessage & { t: 'hello' }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the engine's worker did not answer within ${String(START_TIMEOUT_MS)} ms`)),
        START_TIMEOUT_MS,
      );
      const onError = (event: Event): void => {
        clearTimeout(timer);
        reject(new Error(`the engine's worker failed to start${event instanceof ErrorEvent && event.message ? `: ${event.message}` : ''}`));
      };
      connected.worker.addEventListener('error', onError);
      connected.port.addEventListener('message', (event: MessageEvent<WorkerMessage>) => {
        if (event.data.t !== 'hello') return;
        clearTimeout(timer);
        connected.worker.removeEventListener('error', onError);
        resolve(event.data);
      });
      connected.port.postMessage({ t: 'hello', protocol: PROTOCOL_VERSION, page: this.#page } satisfies PageMessage);
    }).catch((error: unknown) => {
      if (connected.worker instanceof Worker) connected.worker.terminate();
      throw error;
    });
    if (hello.protocol !== PROTOCOL_VERSION || hello.version !== ENGINE_VERSION) {
      if (connected.worker instanceof Worker) connected.worker.terminate();
      throw new Error(`the engine's worker is version ${hello.version}, this page ${ENGINE_VERSION}`);
    }
    connected.port.addEventListener('message', (event: MessageEvent<WorkerMessage>) => this.#receive(connected, event.data));
    this.#connected = connected;
    this.#up = true;
    if ('locks' in navigator) {
      // Granted once the worker is gone: the browser releases a lock when its holder ends, a crash included.
      void navigator.locks.request(hello.alive, () => {
        if (this.#connected === connected) this.#restart();
      });
    }
  }

  /** What the worker runs (engines, pages, `/sync` requests), for tests and the bench. */
  async hostStats(): Promise<HostStats> {
    await this.#ready;
    return (await this.#request({ t: 'stats', id: ++this.#nextId })) as HostStats;
  }

  /**
   * A test hook: `listener` hears each request the worker's `fetch` starts and ends (the engine's network, which a
   * page with the engine on its main thread sees by wrapping its own `fetch`). Resolves once the worker listens.
   */
  async watchNetworkForTest(listener: NetworkListener): Promise<Unsubscribe> {
    this.#networkListeners.add(listener);
    if (this.#networkListeners.size === 1) {
      await this.#ready;
      await this.#request({ t: 'watch-network', id: ++this.#nextId });
    }
    return () => this.#networkListeners.delete(listener);
  }

  /** A test hook: the worker's resource timing entries (what the engine fetched: the crypto wasm, requests). */
  async resourcesForTest(): Promise<NetworkResource[]> {
    await this.#ready;
    return (await this.#request({ t: 'resources', id: ++this.#nextId })) as NetworkResource[];
  }

  /** A test hook: the engine's User Timing measures in the worker (`omni:paginate`, `omni:decrypt-page`…). */
  async measuresForTest(): Promise<NetworkMeasure[]> {
    await this.#ready;
    return (await this.#request({ t: 'measures', id: ++this.#nextId })) as NetworkMeasure[];
  }

  /**
   * Has the worker fetch and compile the crypto wasm now (crypto/prepare-ahead.ts): the engine there finds it ready
   * when it opens an encrypted room. A worker started again prepares it when its engine needs it.
   */
  prepareCrypto(): void {
    this.#ready.then(
      () => this.#post({ t: 'prepare-crypto' }),
      () => undefined,
    );
  }

  /** A test hook: the worker ends itself as if it had crashed; the page notices through its lock. */
  crashForTest(): void {
    this.#connected?.port.postMessage({ t: 'crash' } satisfies PageMessage);
  }

  #restart(): void {
    const dead = this.#connected;
    this.#connected = undefined;
    this.#up = false;
    if (dead?.worker instanceof Worker) dead.worker.terminate();
    this.#restarts += 1;
    for (const [id, pending] of this.#pending) {
      const method = pending.message.t === 'call' ? pending.message.method : pending.message.t;
      // Never received: the dead worker did nothing with it, the next one is asked.
      if (method === 'start' || pending.message.t !== 'call' || !pending.received || REPEATABLE.has(method)) continue;
      // It may or may not have reached the engine: the member is told, rather than risking a second copy.
      this.#pending.delete(id);
      pending.reject(new OmniError('network', 'The chat engine restarted before this was confirmed; try again.'));
    }
    this.#ready = this.#reconnect();
  }

  async #reconnect(): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.#connect();
        break;
      } catch (error) {
        if (attempt >= 4) {
          console.warn('[omni] the chat engine worker could not be started again', error);
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
      }
    }
    // A start that was under way is replaced by the one made here.
    for (const [id, pending] of this.#pending) {
      if (pending.message.t !== 'start') continue;
      this.#pending.delete(id);
      pending.resolve(undefined);
    }
    const restarting = [...this.sessions.values()].map((session) =>
      this.#request({ t: 'start', id: ++this.#nextId, ...session.startMessage() }),
    );
    for (const [id, handle] of this.#handles) {
      handle.reset();
      this.#post({ t: 'open', handle: id, how: handle.how });
    }
    for (const pending of this.#pending.values()) {
      if (pending.message.t === 'start') continue;
      pending.received = false;
      this.#post(pending.message);
    }
    if (this.#networkListeners.size > 0 && ![...this.#pending.values()].some((pending) => pending.message.t === 'watch-network'))
      this.#post({ t: 'watch-network', id: ++this.#nextId });
    await Promise.all(restarting);
  }

  #post(message: PageMessage, transfer?: Transferable[]): void {
    if (this.#up) this.#connected?.port.postMessage(message, transfer);
  }

  #request(message: Pending['message'], onProgress?: (progress: ModerationProgress) => void): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#pending.set(message.id, { message, resolve, reject, onProgress });
      this.#post(message);
    });
  }

  startSession(key: string, stored: StoredSession, options: StartOptions): Promise<unknown> {
    return this.#request({ t: 'start', id: ++this.#nextId, session: key, stored, options, hints: hintsOf(stored.userId) });
  }

  /** A command; it waits while a worker is being started again. */
  async call(
    target: Target,
    method: string,
    args: readonly unknown[],
    onProgress?: (progress: ModerationProgress) => void,
  ): Promise<unknown> {
    await this.#ready;
    return this.#request({ t: 'call', id: ++this.#nextId, target, method, args }, onProgress);
  }

  /** A command nobody waits for (typing, read markers). */
  tell(target: Target, method: string, args: readonly unknown[]): void {
    void this.call(target, method, args).catch(() => undefined);
  }

  open<H extends Reopenable & { receive(message: WorkerMessage): void }>(make: (id: HandleId) => H): H {
    const id = ++this.#nextHandle;
    const handle = make(id);
    this.#handles.set(id, handle);
    this.#post({ t: 'open', handle: id, how: handle.how });
    return handle;
  }

  /** A handle the page holds that was opened the same way (the same room, shown by another element). */
  openedAs(how: OpenHow): Reopenable | undefined {
    const wanted = JSON.stringify(how);
    for (const handle of this.#handles.values()) if (JSON.stringify(handle.how) === wanted) return handle;
    return undefined;
  }

  release(id: HandleId): void {
    if (!this.#handles.delete(id)) return;
    this.#post({ t: 'release', handle: id });
  }

  stopSession(key: string): void {
    this.sessions.delete(key);
    this.#post({ t: 'stop', session: key });
  }

  #receive(from: Connected, message: WorkerMessage): void {
    if (from !== this.#connected) return;
    switch (message.t) {
      case 'reply': {
        const pending = this.#pending.get(message.id);
        if (!pending) return;
        this.#pending.delete(message.id);
        if (message.error) pending.reject(fromWireError(message.error));
        else pending.resolve(message.value);
        return;
      }
      case 'got': {
        const pending = this.#pending.get(message.id);
        if (pending) pending.received = true;
        return;
      }
      case 'progress':
        this.#pending.get(message.id)?.onProgress?.(message.progress as ModerationProgress);
        return;
      case 'room':
      case 'thread':
        this.#snapshots += 1;
        this.#items += message.snapshot.items.length;
        this.#itemsSent += message.snapshot.added.length;
        this.#handles.get(message.handle)?.receive(message);
        return;
      case 'verifications':
      case 'tokens':
      case 'logged-out':
        this.sessions.get(message.session)?.receive(message);
        return;
      case 'describe-playable':
        void describePlayable(message.file, message.kind)
          .catch(() => undefined)
          .then((description) => this.#post({ t: 'described', id: message.id, description }));
        return;
      case 'hint':
        keepHint(message.key, message.value);
        return;
      case 'network':
        for (const listener of this.#networkListeners) listener(message.phase, message.url, message.body);
        return;
      case 'hello':
        return;
    }
  }
}

/** The engine's hints for `userId` the page keeps (crypto/encrypted-rooms.ts), for a worker starting its session. */
function hintsOf(userId: string): Record<string, string> {
  const key = encryptedHintsKey(userId);
  try {
    const value = localStorage.getItem(key);
    return value === null ? {} : { [key]: value };
  } catch {
    // Storage blocked: the hints are only an optimisation.
    return {};
  }
}

/** Keeps a hint the worker's engine changed; only the engine's own hints' keys are written. */
function keepHint(key: string, value: string | undefined): void {
  if (!key.startsWith(encryptedHintsKey(''))) return;
  try {
    if (value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // See `hintsOf`.
  }
}

/** A room held through the worker. */
class ProxyRoom implements RoomHandle, Reopenable {
  readonly how: OpenHow;
  readonly #link: WorkerLink;
  readonly #session: ProxySession;
  readonly #id: HandleId;
  readonly #target: Target;
  readonly #listeners = new Set<(snapshot: RoomSnapshot) => void>();
  #decoder = new SnapshotDecoder<RoomSnapshot>();
  /** The worker's last snapshot (or the one this handle started from). */
  #worker: RoomSnapshot = LOADING;
  /** The worker's, with the echoes the page drew that it does not hold yet. */
  #snapshot: RoomSnapshot = LOADING;
  #released = false;
  /** The room's scope in the page's echoes: every handle of the room shares it. */
  readonly #scope: string;
  readonly #unwatch: Unsubscribe;

  /**
   * `shown`: the worker's snapshot of a handle the page already holds for this room. The engine's handles of one
   * room share its model, so a second handle starts where the first is (as on the main thread) rather than at
   * `loading`.
   */
  constructor(link: WorkerLink, session: ProxySession, id: HandleId, how: OpenHow, shown?: RoomSnapshot) {
    this.#link = link;
    this.#session = session;
    this.#id = id;
    this.how = how;
    this.#target = { kind: 'room', handle: id };
    this.#scope = JSON.stringify(how);
    if (shown && shown.status !== 'loading') {
      this.#worker = shown;
      this.#reopening = true;
    }
    this.#snapshot = this.#shown();
    this.#unwatch = link.echoes.watch(this.#scope, () => this.#show(this.#shown()));
  }

  get id(): HandleId {
    return this.#id;
  }

  get snapshot(): RoomSnapshot {
    return this.#snapshot;
  }

  /** The worker's last snapshot, without the page's echoes. */
  get workerSnapshot(): RoomSnapshot {
    return this.#worker;
  }

  reset(): void {
    this.#decoder = new SnapshotDecoder();
    this.#reopening = true;
  }

  #shown(): RoomSnapshot {
    return snapshotWithEchoes(this.#worker, this.#link.echoes.of(this.#scope));
  }

  #show(snapshot: RoomSnapshot): void {
    if (this.#released || snapshot === this.#snapshot) return;
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener(snapshot);
  }

  /**
   * What the page shows stays until the worker's handle has loaded the room: opened again in a restarted worker, or
   * started from another handle's snapshot.
   */
  #reopening = false;

  receive(message: WorkerMessage): void {
    if (message.t !== 'room' || this.#released) return;
    const snapshot = this.#decoder.decode(message.snapshot);
    if (this.#reopening && snapshot.status === 'loading') return;
    this.#reopening = false;
    this.#worker = snapshot;
    this.#show(this.#shown());
  }

  subscribe(listener: (snapshot: RoomSnapshot) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #call<T>(method: string, ...args: readonly unknown[]): Promise<T> {
    if (this.#released) return Promise.reject(new OmniError('unknown', 'This room was closed.'));
    return this.#link.call(this.#target, method, args) as Promise<T>;
  }

  /**
   * Draws the message's local echo on the page at once, under a transaction id made here, and has the worker send it
   * under that id: the engine's own item then has the echo's key.
   */
  send(message: Parameters<RoomHandle['send']>[0], options: SendOptions = {}): Promise<void> {
    if (this.#released) return Promise.reject(new OmniError('unknown', 'This room was closed.'));
    const txnId = options.txnId ?? newTxnId();
    const shown = this.#snapshot;
    const context = { items: shown.items, userId: this.#session.info.userId, members: shown.members, encrypted: shown.encrypted };
    const echo = shown.canSend ? pageEcho(message, txnId, options, context) : undefined;
    // Drawn first: the elements render it in a microtask queued before the one that posts the command.
    const drop = echo ? this.#link.echoes.add(this.#scope, echo) : undefined;
    const sent = this.#call<undefined>('send', message, { ...options, txnId });
    if (drop) sent.then(drop, drop);
    return sent;
  }
  checkAttachment(file: Blob & { readonly name: string }): Promise<void> {
    return this.#call('checkAttachment', file);
  }
  /** Draws the file's local echo on the page at once and has the worker send it under the same id, as `send` does. */
  sendAttachment(file: Parameters<RoomHandle['sendAttachment']>[0], options: AttachmentOptions = {}): Promise<void> {
    if (this.#released) return Promise.reject(new OmniError('unknown', 'This room was closed.'));
    const txnId = options.txnId ?? newTxnId();
    const shown = this.#snapshot;
    const context = { items: shown.items, userId: this.#session.info.userId, members: shown.members };
    const echo = shown.canSend ? pageFileEcho(file, txnId, options, context) : undefined;
    const drop = echo ? this.#link.echoes.add(this.#scope, echo) : undefined;
    const sent = this.#call<undefined>('sendAttachment', file, { ...options, txnId });
    if (drop) sent.then(drop, drop);
    return sent;
  }
  edit(eventId: string, message: Parameters<RoomHandle['edit']>[1]): Promise<void> {
    return this.#call('edit', eventId, message);
  }
  redact(eventId: string, reason?: string): Promise<void> {
    return this.#call('redact', eventId, reason);
  }
  moderate(...[command, onProgress]: Parameters<RoomHandle['moderate']>): Promise<ModerationProgress> {
    if (this.#released) return Promise.reject(new OmniError('unknown', 'This room was closed.'));
    return this.#link.call(this.#target, 'moderate', [command], onProgress) as Promise<ModerationProgress>;
  }
  toggleReaction(eventId: string, key: string): Promise<void> {
    return this.#call('toggleReaction', eventId, key);
  }
  retry(key: string): Promise<void> {
    return this.#call('retry', key);
  }
  retryDecryption(eventId: string): Promise<void> {
    return this.#call('retryDecryption', eventId);
  }
  cancel(key: string): Promise<void> {
    return this.#call('cancel', key);
  }
  paginateBackwards(limit?: number): Promise<boolean> {
    return this.#call('paginateBackwards', limit);
  }
  setTyping(typing: boolean): void {
    if (!this.#released) this.#link.tell(this.#target, 'setTyping', [typing]);
  }
  markRead(eventId: string): void {
    if (!this.#released) this.#link.tell(this.#target, 'markRead', [eventId]);
  }
  searchMembers(...args: Parameters<RoomHandle['searchMembers']>): ReturnType<RoomHandle['searchMembers']> {
    return this.#call('searchMembers', ...args);
  }
  loadMedia(request: MediaRequest): Promise<string> {
    return this.#session.media(request, () => this.#call<Blob>('loadMedia', request));
  }
  previewLink(url: string): ReturnType<RoomHandle['previewLink']> {
    return this.#call('previewLink', url);
  }
  setLinkPreviews(enabled: boolean): Promise<void> {
    return this.#call('setLinkPreviews', enabled);
  }
  openThread(rootId: string): ThreadHandle {
    const userId = this.#session.info.userId;
    const room = { scope: this.#scope, userId, encrypted: () => this.#snapshot.encrypted };
    return this.#link.open((id) => new ProxyThread(this.#link, id, { kind: 'thread', parent: this.#id, rootId }, room));
  }
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#unwatch();
    this.#listeners.clear();
    this.#link.release(this.#id);
  }
}

const LOADING_THREAD = (rootId: string): ThreadSnapshot => ({
  rootId,
  status: 'loading',
  items: [],
  hasMoreBefore: false,
  paginating: false,
  unreadCount: 0,
});

/** What a thread's handle knows of its room's. */
interface ThreadRoom {
  /** The room's scope in the page's echoes. */
  readonly scope: string;
  readonly userId: string;
  readonly encrypted: () => boolean;
}

/** A thread held through the worker. */
class ProxyThread implements ThreadHandle, Reopenable {
  readonly how: OpenHow;
  readonly #link: WorkerLink;
  readonly #id: HandleId;
  readonly #target: Target;
  readonly #listeners = new Set<(snapshot: ThreadSnapshot) => void>();
  #decoder = new SnapshotDecoder<ThreadSnapshot>();
  /** The worker's last snapshot. */
  #worker: ThreadSnapshot;
  /** The worker's, with the echoes the page drew that it does not hold yet. */
  #snapshot: ThreadSnapshot;
  #released = false;
  readonly #room: ThreadRoom;
  /** The thread's scope in the page's echoes: its room's and its root. */
  readonly #scope: string;
  readonly #unwatch: Unsubscribe;

  constructor(link: WorkerLink, id: HandleId, how: OpenHow & { kind: 'thread' }, room: ThreadRoom) {
    this.#link = link;
    this.#id = id;
    this.how = how;
    this.#room = room;
    this.#target = { kind: 'thread', handle: id };
    this.#scope = `${room.scope}\n${how.rootId}`;
    this.#worker = LOADING_THREAD(how.rootId);
    this.#snapshot = this.#shown();
    this.#unwatch = link.echoes.watch(this.#scope, () => this.#show(this.#shown()));
  }

  get snapshot(): ThreadSnapshot {
    return this.#snapshot;
  }

  #shown(): ThreadSnapshot {
    return snapshotWithEchoes(this.#worker, this.#link.echoes.of(this.#scope));
  }

  #show(snapshot: ThreadSnapshot): void {
    if (this.#released || snapshot === this.#snapshot) return;
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener(snapshot);
  }

  reset(): void {
    this.#decoder = new SnapshotDecoder();
  }

  receive(message: WorkerMessage): void {
    if (message.t !== 'thread' || this.#released) return;
    this.#worker = this.#decoder.decode(message.snapshot);
    this.#show(this.#shown());
  }

  subscribe(listener: (snapshot: ThreadSnapshot) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Draws the reply's local echo on the page at once, as `ProxyRoom.send` does, and has the worker send it. */
  send(message: Parameters<ThreadHandle['send']>[0], options: SendOptions = {}): Promise<void> {
    if (this.#released) return Promise.resolve();
    const txnId = options.txnId ?? newTxnId();
    const shown = this.#snapshot;
    const context = { items: shown.items, userId: this.#room.userId, encrypted: this.#room.encrypted(), threadRoot: shown.rootId };
    const echo = shown.status === 'ready' && !shown.readOnly ? pageEcho(message, txnId, options, context) : undefined;
    const drop = echo ? this.#link.echoes.add(this.#scope, echo) : undefined;
    const sent = this.#link.call(this.#target, 'send', [message, { ...options, txnId }]) as Promise<void>;
    if (drop) sent.then(drop, drop);
    return sent;
  }
  paginateBackwards(limit?: number): Promise<boolean> {
    if (this.#released) return Promise.resolve(false);
    return this.#link.call(this.#target, 'paginateBackwards', [limit]) as Promise<boolean>;
  }
  markRead(eventId: string): void {
    if (!this.#released) this.#link.tell(this.#target, 'markRead', [eventId]);
  }
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#unwatch();
    this.#listeners.clear();
    this.#link.release(this.#id);
  }
}

/** One verification flow as the worker last described it. */
class ProxyVerification implements VerificationHandle {
  readonly #link: WorkerLink;
  readonly #target: Target;
  readonly #listeners = new Set<(snapshot: VerificationSnapshot) => void>();
  #snapshot: VerificationSnapshot;

  constructor(link: WorkerLink, session: string, snapshot: VerificationSnapshot) {
    this.#link = link;
    this.#snapshot = snapshot;
    this.#target = { kind: 'verification-request', session, id: snapshot.id };
  }

  get snapshot(): VerificationSnapshot {
    return this.#snapshot;
  }

  update(snapshot: VerificationSnapshot): void {
    if (JSON.stringify(snapshot) === JSON.stringify(this.#snapshot)) return;
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener(snapshot);
  }

  subscribe(listener: (snapshot: VerificationSnapshot) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  accept(): Promise<void> {
    return this.#link.call(this.#target, 'accept', []) as Promise<void>;
  }
  confirm(): Promise<void> {
    return this.#link.call(this.#target, 'confirm', []) as Promise<void>;
  }
  mismatch(): void {
    this.#link.tell(this.#target, 'mismatch', []);
  }
  cancel(): Promise<void> {
    return this.#link.call(this.#target, 'cancel', []) as Promise<void>;
  }
  dismiss(): void {
    this.#link.tell(this.#target, 'dismiss', []);
  }
}

class ProxyVerificationApi implements VerificationApi {
  readonly #link: WorkerLink;
  readonly #session: string;
  readonly #target: Target;
  readonly #byId = new Map<string, ProxyVerification>();
  readonly #listeners = new Set<(requests: readonly VerificationHandle[]) => void>();
  #requests: readonly ProxyVerification[] = [];

  constructor(link: WorkerLink, session: string) {
    this.#link = link;
    this.#session = session;
    this.#target = { kind: 'verification', session };
  }

  get requests(): readonly VerificationHandle[] {
    return this.#requests;
  }

  #handle(snapshot: VerificationSnapshot): ProxyVerification {
    let handle = this.#byId.get(snapshot.id);
    if (handle) handle.update(snapshot);
    else this.#byId.set(snapshot.id, (handle = new ProxyVerification(this.#link, this.#session, snapshot)));
    return handle;
  }

  receive(snapshots: readonly VerificationSnapshot[]): void {
    this.#requests = snapshots.map((snapshot) => this.#handle(snapshot));
    for (const id of this.#byId.keys()) if (!snapshots.some((snapshot) => snapshot.id === id)) this.#byId.delete(id);
    for (const listener of this.#listeners) listener(this.#requests);
  }

  subscribe(listener: (requests: readonly VerificationHandle[]) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async verifyUser(userId: string): Promise<VerificationHandle> {
    return this.#handle((await this.#link.call(this.#target, 'verifyUser', [userId])) as VerificationSnapshot);
  }
  async verifyOwnDevice(): Promise<VerificationHandle> {
    return this.#handle((await this.#link.call(this.#target, 'verifyOwnDevice', [])) as VerificationSnapshot);
  }
  userTrust(userId: string): Promise<UserTrust> {
    return this.#link.call(this.#target, 'userTrust', [userId]) as Promise<UserTrust>;
  }
}

/** A session whose engine runs in the worker. */
export class ProxySession implements SessionHandle {
  readonly info: SessionInfo;
  readonly security: SecurityHandle;
  readonly verification: ProxyVerificationApi;
  readonly #link: WorkerLink;
  readonly #key: string;
  readonly #hooks: SessionHooks;
  /** What the first start is given; the sign-in password in it is let go once the worker has it. */
  #options: StartOptions;
  #stored: StoredSession;
  /** Blob URLs made on the page (they outlive a worker that dies), by request. */
  readonly #media = new Map<string, Promise<string>>();
  #ended = false;

  constructor(link: WorkerLink, key: string, stored: StoredSession, hooks: SessionHooks, options: StartOptions) {
    this.#link = link;
    this.#key = key;
    this.#stored = stored;
    this.#hooks = hooks;
    this.#options = options;
    const info: SessionInfo = { userId: stored.userId, deviceId: stored.deviceId, homeserverUrl: stored.homeserverUrl };
    this.info = stored.guest ? { ...info, guest: true } : info;
    const security: Target = { kind: 'security', session: key };
    const call = <T>(method: string, args: readonly unknown[]): Promise<T> => link.call(security, method, args) as Promise<T>;
    this.security = {
      status: () => call('status', []),
      setUpRecovery: (recovery) => call('setUpRecovery', [recovery]),
      restoreFromRecoveryKey: (recoveryKey) => call('restoreFromRecoveryKey', [recoveryKey]),
      resetRecovery: (recovery) => call('resetRecovery', [recovery]),
    };
    this.verification = new ProxyVerificationApi(link, key);
  }

  /** What a restarted worker is told to start this session again: the newest tokens, and no sign-in password. */
  startMessage(): { session: string; stored: StoredSession; options: StartOptions; hints: Record<string, string> } {
    return { session: this.#key, stored: this.#stored, options: {}, hints: hintsOf(this.#stored.userId) };
  }

  start(): Promise<unknown> {
    const started = this.#link.startSession(this.#key, this.#stored, this.#options);
    this.#options = {};
    return started;
  }

  /** Whether the page still holds the sign-in password (for tests of its lifetime; the worker's engine may hold it). */
  get holdsSignInPassword(): boolean {
    return this.#options.signInPassword !== undefined;
  }

  receive(message: WorkerMessage): void {
    if (this.#ended) return;
    if (message.t === 'verifications') this.verification.receive(message.requests);
    else if (message.t === 'tokens') {
      this.#stored = { ...this.#stored, ...message.tokens };
      this.#hooks.onTokens(message.tokens);
    } else if (message.t === 'logged-out') this.#hooks.onLoggedOut(message.soft);
  }

  #room(how: OpenHow): RoomHandle {
    const shown = this.#link.openedAs(how);
    return this.#link.open((id) => new ProxyRoom(this.#link, this, id, how, shown instanceof ProxyRoom ? shown.workerSnapshot : undefined));
  }

  openRoom(roomIdOrAlias: string): RoomHandle {
    return this.#room({ kind: 'room', session: this.#key, room: roomIdOrAlias });
  }

  openPostRoom(post: PostRoomTarget): RoomHandle {
    return this.#room({ kind: 'post', session: this.#key, post });
  }

  openDirectRoom(userId: string): RoomHandle {
    return this.#room({ kind: 'direct', session: this.#key, userId });
  }

  /** One blob URL per request for the session, made on the page from the bytes the worker fetched (and decrypted). */
  media(request: MediaRequest, fetchBlob: () => Promise<Blob>): Promise<string> {
    const key = JSON.stringify(request);
    let url = this.#media.get(key);
    if (!url) {
      url = fetchBlob().then((blob) => URL.createObjectURL(blob));
      this.#media.set(key, url);
      url.catch(() => this.#media.delete(key));
    }
    return url;
  }

  loadMedia(request: MediaRequest): Promise<string> {
    return this.media(request, () => this.#link.call({ kind: 'session', session: this.#key }, 'loadMedia', [request]) as Promise<Blob>);
  }

  #end(): void {
    this.#ended = true;
    for (const url of this.#media.values()) void url.then((u) => URL.revokeObjectURL(u)).catch(() => undefined);
    this.#media.clear();
  }

  async signOut(): Promise<void> {
    try {
      await this.#link.call({ kind: 'session', session: this.#key }, 'signOut', []);
    } finally {
      this.#end();
      this.#link.stopSession(this.#key);
    }
  }

  stop(): void {
    this.#end();
    this.#link.stopSession(this.#key);
  }
}

let link: Promise<WorkerLink> | undefined;
let linkKind: WorkerKind | undefined;

/** The page's worker (started on first need); rejects when the browser will not run it. */
export function workerLink(kind: WorkerKind): Promise<WorkerLink> {
  if (!link || linkKind !== kind) {
    linkKind = kind;
    link = WorkerLink.open(kind);
    link.catch(() => {
      link = undefined;
    });
  }
  return link;
}

/** The worker engine of this page, if one runs: for tests (crash it, count restarts) and the bench. */
export async function runningWorker(): Promise<WorkerLink | undefined> {
  return link?.catch(() => undefined);
}

/** The engine on the page's main thread. */
function mainThread(): EngineStarter {
  return {
    mode: 'main',
    start: async (stored, hooks, options) => (await import('../session/engine.ts')).startSession(stored, hooks, options),
  };
}

let noted = false;

function fallBack(error: unknown): EngineStarter {
  if (!noted) {
    noted = true;
    console.info('[omni] the chat engine runs on the main thread: its worker could not start', error);
  }
  return mainThread();
}

/** `worker`, `shared` or `auto` as the page asked (`<meta name="omni-chat-engine">`), against what the browser offers. */
export function workerKind(mode: string): WorkerKind | undefined {
  if (mode !== 'worker' && mode !== 'shared' && mode !== 'auto') return undefined;
  return mode !== 'worker' && typeof SharedWorker !== 'undefined' ? 'shared' : 'worker';
}

const sharedLease: EngineLease = { revoked: new Promise(() => undefined), release: () => undefined };

/** The worker engine, or the main thread's when the worker cannot start (one console note says why). */
export async function workerStarter(): Promise<EngineStarter> {
  const kind = workerKind(requestedEngine());
  if (!kind) return mainThread();
  if (typeof Worker === 'undefined') return fallBack(new Error('this browser has no Worker'));
  let connection: WorkerLink;
  try {
    connection = await workerLink(kind);
  } catch (error) {
    return fallBack(error);
  }
  return {
    mode: kind,
    ...(kind === 'shared' ? { lease: sharedLease } : {}),
    start: async (stored, hooks, options) => {
      try {
        return await startWorkerSession(connection, stored, hooks, options ?? {});
      } catch (error) {
        // The worker runs but cannot start the engine (e.g. its chunk was refused): the page runs it instead.
        connection.stopSession(`${stored.homeserverUrl}|${stored.userId}`);
        return fallBack(error).start(stored, hooks, options);
      }
    },
  };
}

/** Starts a session in the worker; resolves once the worker has it, rejects when it cannot be started there. */
export async function startWorkerSession(
  connection: WorkerLink,
  stored: StoredSession,
  hooks: SessionHooks,
  options: StartOptions,
): Promise<SessionHandle> {
  const key = `${stored.homeserverUrl}|${stored.userId}`;
  const session = new ProxySession(connection, key, stored, hooks, options);
  connection.sessions.set(key, session);
  await session.start();
  return session;
}
