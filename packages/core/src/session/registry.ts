/**
 * The page-wide session registry: one session per homeserver, shared by every element. It restores
 * stored sessions, persists new ones, and makes sure only one tab drives an account's engine.
 * This module never imports matrix-js-sdk; the engine chunk is loaded only when a session starts.
 */
import { parseHomeserverInput, resolveHomeserver } from './homeserver.ts';
import { takeProbedGuest } from './login-flows.ts';
import { registerGuest } from './registration.ts';
import { sessionsMayBeStored, sessionStore, type StoredSession } from './session-store.ts';
import { EngineLock, type EngineLease } from './tab-lock.ts';
import { requestedEngine } from '../worker/choice.ts';
import { afterNextPaint, lightReadsPainted } from '../sync/light-reads.ts';
import type { SessionHandle, SessionInfo, SessionStatus, SignInOptions, Unsubscribe } from '../types.ts';

interface Entry {
  status: SessionStatus;
  /** The member a member sign-in made this entry for (its engine may start later, see `signInForElements`). */
  member?: SessionInfo;
  handle?: SessionHandle;
  lock?: EngineLock;
  lease?: EngineLease;
  /** Cancels waiting for the engine while another tab owns it. */
  waiting?: AbortController;
  /** The engine (its chunk, or its worker) was asked for: a view's light read would only add requests. */
  engineRequested?: boolean;
  /** What the member sign-in that made this entry saved, for the room views' light reads before the engine. */
  signedIn?: { readonly accessToken: string; readonly userId: string };
}

const entries = new Map<string, Entry>();
const restoring = new Map<string, Promise<void>>();
const listeners = new Set<() => void>();

function changed(): void {
  for (const listener of listeners) listener();
}

function setStatus(url: string, entry: Entry, status: SessionStatus): void {
  entry.status = status;
  entries.set(url, entry);
  changed();
}

function infoOf(stored: StoredSession): SessionInfo {
  return { userId: stored.userId, deviceId: stored.deviceId, homeserverUrl: stored.homeserverUrl };
}

/** The active session on this homeserver (a resolved base URL), if this tab drives one. */
export function sessionFor(homeserverUrl: string): SessionHandle | undefined {
  return entries.get(homeserverUrl)?.handle;
}

/**
 * Whether this tab has asked for the engine of its session on this homeserver (loading, or running): a
 * room view's light read is then not made (sync/light-read.ts), the engine shows the room.
 */
export function engineStarted(homeserverUrl: string): boolean {
  return entries.get(homeserverUrl)?.engineRequested === true;
}

/** Where the member stands on this homeserver; undefined until `restoreSession()` has looked. */
export function sessionStatus(homeserverUrl: string): SessionStatus | undefined {
  return entries.get(homeserverUrl)?.status;
}

export function onSessionsChange(listener: () => void): Unsubscribe {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Restores the session stored for this homeserver, if any. Cheap when there is none: no engine is
 * loaded and the homeserver is not contacted. Safe to call from every element.
 */
export function restoreSession(homeserverUrl: string): Promise<void> {
  if (entries.has(homeserverUrl)) return Promise.resolve();
  let pending = restoring.get(homeserverUrl);
  if (!pending) {
    pending = (async () => {
      const store = await sessionStore();
      const stored = await store.load(homeserverUrl);
      if (entries.has(homeserverUrl)) return;
      const entry: Entry = { status: { kind: 'signed-out', persistent: store.persistent } };
      if (!stored) {
        setStatus(homeserverUrl, entry, entry.status);
        return;
      }
      if (stored.expired) {
        setStatus(homeserverUrl, entry, { kind: 'expired', info: infoOf(stored) });
        return;
      }
      setStatus(homeserverUrl, entry, { kind: 'resuming' });
      // A member's room views read their latest messages while the engine waits for them to have painted.
      await start(entry, stored, { afterLightReads: stored.guest !== true });
    })().finally(() => restoring.delete(homeserverUrl));
    restoring.set(homeserverUrl, pending);
  }
  return pending;
}

/** Guest sign-ins under way, per homeserver: elements that ask at once share one guest account. */
const guestSignIns = new Map<string, Promise<SessionInfo>>();

/**
 * Member sign-ins the page started (or announced with `expectSignIn`) and that have not ended: a guest
 * account made meanwhile would be thrown away at once, so guests wait for them.
 */
const memberSignIns = new Set<Promise<unknown>>();

/** How many member sign-ins the page has started: a guest sign-in started before one of them gives way to it. */
let memberSignInsStarted = 0;

function trackMemberSignIn(until: Promise<unknown>): void {
  memberSignInsStarted += 1;
  memberSignIns.add(until);
  const done = (): void => void memberSignIns.delete(until);
  until.then(done, done);
}

/**
 * Tells the elements that the page is signing its member in (e.g. while it fetches a login token from
 * its backend): open posts wait for `until` to settle instead of signing the visitor in as a guest, and
 * show the member's view once it has. `signIn()` does this on its own from the moment it is called.
 */
export function expectSignIn(until: Promise<unknown>): void {
  trackMemberSignIn(until);
}

/**
 * The token and member the page's latest member sign-in on this homeserver saved, while no other sign-in is under way
 * and the member has not signed out: a room view mounted as the sign-in resolves reads its room with them in that very
 * task, without reading the store back (sync/light-read.ts).
 */
export function signedInHere(homeserverUrl: string): { readonly accessToken: string; readonly userId: string } | undefined {
  const entry = entries.get(homeserverUrl);
  return memberSignIns.size === 0 && entry?.status.kind !== 'signed-out' ? entry?.signedIn : undefined;
}

/** Resolves once no member sign-in of the page is under way. */
export async function memberSignInsSettled(): Promise<void> {
  // A sign-in the page starts as it shows the elements reaches this module through the same dynamic import
  // as the elements' first read, possibly just after it: a task later, it is known.
  await new Promise((resolve) => setTimeout(resolve, 0));
  while (memberSignIns.size > 0) await Promise.allSettled([...memberSignIns]);
}

/**
 * Signs a member in on a homeserver, stores the session for later visits, and makes it available
 * to every element of that homeserver on the page. Signing in again replaces the previous session;
 * after a soft logout, signing in as the same member keeps their device.
 */
export async function signIn(options: SignInOptions): Promise<SessionInfo> {
  if (!('guest' in options)) {
    const member = signInNow(options);
    trackMemberSignIn(member);
    return member;
  }
  await memberSignInsSettled();
  const homeserverUrl = await resolveHomeserver(options.homeserver);
  // The page signed its member in meanwhile: that session serves the elements, no guest is made.
  const active = entries.get(homeserverUrl);
  if (active?.handle && active.handle.info.guest !== true) return active.handle.info;
  let pending = guestSignIns.get(homeserverUrl);
  if (!pending) {
    pending = signInNow(options).finally(() => guestSignIns.delete(homeserverUrl));
    guestSignIns.set(homeserverUrl, pending);
  }
  return pending;
}

/** Guest accounts made on this page, per homeserver, until a guest sign-in takes them. */
const guestAccounts = new Map<string, Promise<StoredSession>>();

/**
 * The page's guest account on a homeserver: registered once and shared by whoever asks first, the
 * light read path (before the engine chunk arrives) or a guest sign-in, so the page never makes two.
 */
export function guestAccount(homeserverUrl: string): Promise<StoredSession> {
  let pending = guestAccounts.get(homeserverUrl);
  if (!pending) {
    pending = (async (): Promise<StoredSession> => {
      const account = takeProbedGuest(homeserverUrl) ?? (await registerGuest(homeserverUrl));
      return { homeserverUrl, ...account, guest: true };
    })();
    guestAccounts.set(homeserverUrl, pending);
    pending.catch(() => guestAccounts.delete(homeserverUrl));
  }
  return pending;
}

/**
 * The member's session when a member sign-in started after `since` (a count of `memberSignInsStarted`) and ended
 * signed in: a guest sign-in under way then gives way to it rather than replace it.
 */
async function memberTookOver(homeserverUrl: string, since: number): Promise<SessionInfo | undefined> {
  if (memberSignInsStarted === since) return undefined;
  await memberSignInsSettled();
  const entry = entries.get(homeserverUrl);
  return entry?.status.kind === 'signed-out' ? undefined : entry?.member;
}

/**
 * `signIn` as the elements' page API gives it (`@omnisocial/chat`, session/page-api.ts). A member whose engine
 * runs on the main thread, signed in while no view of the page follows a session, is signed in and stored
 * without the engine: the promise resolves then, and the views the page mounts next read their rooms'
 * latest messages (rooms/room-light-view.ts) before the engine chunk (matrix-js-sdk) is requested, once
 * they have painted, or at once when none reads. Otherwise, as `signIn`: the page's views wait for the
 * engine, which loads while the homeserver checks the credentials. The page API gives no session handle,
 * so nothing the page holds waits for the engine.
 */
export function signInForElements(options: SignInOptions, whileChecking?: () => void): Promise<SessionInfo> {
  if ('guest' in options || requestedEngine() !== 'main' || listeners.size > 0) {
    whileChecking?.();
    return signIn(options);
  }
  const member = signInNow(options, { engineAfterViews: true, ...(whileChecking ? { whileChecking } : {}) });
  trackMemberSignIn(member);
  return member;
}

/**
 * `how.whileChecking` is called once the credentials are on their way to the homeserver: what the page loads then
 * (the views chunk) does not hold up the sign-in's own requests and chunks.
 */
async function signInNow(
  options: SignInOptions,
  how: { engineAfterViews?: boolean; whileChecking?: () => void } = {},
): Promise<SessionInfo> {
  const membersBefore = memberSignInsStarted;
  // The sign-in's chunk loads while the homeserver's address is checked.
  const auth = 'guest' in options ? undefined : import('./auth.ts');
  // A homeserver given as a URL is checked (`/versions`) while the member's credentials are on their way; a server
  // name is discovered first.
  const verifying = resolveHomeserver(options.homeserver);
  verifying.catch(() => undefined);
  const input = parseHomeserverInput(options.homeserver);
  const homeserverUrl = input.kind === 'url' && auth ? input.url : await verifying;
  // On a first visit the store is being created: there is no previous session to wait for.
  const firstLook = sessionsMayBeStored();
  const storing = sessionStore();
  const previous = (await firstLook) ? await (await storing).load(homeserverUrl) : undefined;
  // The engine chunk loads while the homeserver checks the credentials, unless the engine runs in a worker
  // or waits for the views the page mounts next.
  if (requestedEngine() === 'main' && how.engineAfterViews !== true) import('./engine.ts').catch(() => undefined);
  let stored: StoredSession;
  if ('guest' in options) {
    const account = guestAccount(homeserverUrl);
    stored = await account;
    const member = await memberTookOver(homeserverUrl, membersBefore);
    if (member) return member;
    // Signing in as a guest again (after signing out) makes a new account.
    if (guestAccounts.get(homeserverUrl) === account) guestAccounts.delete(homeserverUrl);
  } else {
    const checking = (await (auth ?? import('./auth.ts'))).acquireCredentials(
      homeserverUrl,
      options,
      previous?.expired ? previous.deviceId : undefined,
    );
    how.whileChecking?.();
    stored = { homeserverUrl, ...(await checkedWith(checking, verifying)) };
  }
  const store = await storing;
  await store.save(stored);
  // A member who signed in while this guest's account was being saved keeps their session (saved after this one).
  if ('guest' in options) {
    const member = await memberTookOver(homeserverUrl, membersBefore);
    if (member) return member;
  }
  const existing = entries.get(homeserverUrl);
  if (existing) stopEntry(existing);
  const entry: Entry = {
    status: { kind: 'resuming' },
    ...('guest' in options ? {} : { member: infoOf(stored), signedIn: { accessToken: stored.accessToken, userId: stored.userId } }),
  };
  setStatus(homeserverUrl, entry, entry.status);
  // The password just typed may confirm the member's first cross-signing identity (engine.ts).
  const signInPassword = 'password' in options ? options.password : 'register' in options ? options.register.password : undefined;
  const starting = { takeOver: true, ...(signInPassword !== undefined ? { signInPassword } : {}) };
  if (how.engineAfterViews === true) {
    // The page mounts its views once this resolves: after the next paint, a room view's light read has started.
    afterNextPaint(() => afterNextPaint(() => void startOrForget(homeserverUrl, entry, stored, { ...starting, afterLightReads: true })));
    return infoOf(stored);
  }
  await start(entry, stored, starting);
  return infoOf(stored);
}

/**
 * The sign-in's answer, once the homeserver's check has answered too: an address that is not a homeserver fails as
 * one (`bad-homeserver`, `unreachable`), whatever its answer to the sign-in was.
 */
async function checkedWith<T>(signingIn: Promise<T>, verifying: Promise<unknown>): Promise<T> {
  let answer: T;
  try {
    answer = await signingIn;
  } catch (error) {
    await verifying;
    throw error;
  }
  await verifying;
  return answer;
}

/**
 * Starts an engine no caller waits for. Should it fail (its chunk not loading), the entry is forgotten, so
 * that a view's next connection restores the stored session and tries again.
 */
async function startOrForget(url: string, entry: Entry, stored: StoredSession, options: StartOptions): Promise<void> {
  // Signed out, or signed in again, meanwhile: that call decides what runs.
  if (entries.get(url) !== entry || entry.status.kind !== 'resuming') return;
  try {
    await start(entry, stored, options);
  } catch {
    if (entries.get(url) !== entry) return;
    stopEntry(entry);
    entries.delete(url);
    changed();
  }
}

/** Signs out on a homeserver (or everywhere): the token is revoked and local data wiped. */
export async function signOut(homeserver?: string): Promise<void> {
  const targets = homeserver === undefined ? [...entries.keys()] : [await resolveHomeserver(homeserver)];
  const store = await sessionStore();
  await Promise.all(
    targets.map(async (url) => {
      const entry = entries.get(url);
      const handle = entry?.handle;
      if (entry) {
        stopEntry(entry, { keepHandle: true });
        setStatus(url, entry, { kind: 'signed-out', persistent: store.persistent });
      }
      const stored = await store.load(url);
      await store.remove(url);
      try {
        await handle?.signOut();
      } finally {
        entry?.lease?.release();
        entry?.lock?.close();
        if (stored) await (await import('../outbox/outbox.ts')).clearOutboxes(stored.userId);
      }
    }),
  );
}

/** Moves the engine to this tab when another tab of the site drives it. */
export async function useHere(homeserverUrl: string): Promise<void> {
  const entry = entries.get(homeserverUrl);
  if (entry?.status.kind !== 'elsewhere') return;
  const stored = await (await sessionStore()).load(homeserverUrl);
  if (!stored) return;
  entry.waiting?.abort();
  await start(entry, stored, { takeOver: true });
}

function stopEntry(entry: Entry, options: { keepHandle?: boolean } = {}): void {
  entry.waiting?.abort();
  if (!options.keepHandle) {
    entry.handle?.stop();
    entry.lease?.release();
    entry.lock?.close();
    entry.lease = undefined;
    entry.lock = undefined;
  }
  entry.handle = undefined;
}

interface StartOptions {
  readonly takeOver?: boolean;
  readonly lease?: EngineLease;
  readonly signInPassword?: string;
  /** On the main thread, the engine chunk is requested once the page's light reads have painted. */
  readonly afterLightReads?: boolean;
}

async function start(entry: Entry, stored: StoredSession, options: StartOptions = {}): Promise<void> {
  const url = stored.homeserverUrl;
  // The engine in a worker when the page asks for one (worker/choice.ts, docs/engine.md); a shared worker serves every
  // tab and holds the account's lock itself. A worker that cannot start leaves the engine here.
  const worker =
    typeof document !== 'undefined' && document.querySelector('meta[name="omni-chat-engine"]:not([content="main"])')
      ? await (await import('../worker/proxy.ts')).workerStarter()
      : undefined;
  if (!worker && options.afterLightReads === true) {
    const status = entry.status;
    await lightReadsPainted();
    // Signed out, or signed in again, meanwhile: that call decides what runs.
    if (entries.get(url) !== entry || entry.status !== status) return;
  }
  entry.engineRequested = true;
  entry.lock ??= new EngineLock(`${url}|${stored.userId}`);
  const lock = entry.lock;
  const lease = worker?.lease ?? options.lease ?? (options.takeOver ? await lock.takeOver() : await lock.tryAcquire());
  if (!lease) {
    setStatus(url, entry, { kind: 'elsewhere', info: infoOf(stored) });
    waitForTurn(entry, stored);
    return;
  }
  const store = await sessionStore();
  // The newest tokens may have been written by the tab that drove the engine until now.
  const current = (await store.load(url)) ?? stored;
  const handle = await (worker?.start ?? (await import('./engine.ts')).startSession)(
    current,
    {
      onTokens: (tokens) => void store.save({ ...current, ...tokens }),
      onLoggedOut: (soft) => void endedByServer(url, entry, current, soft),
    },
    options.signInPassword !== undefined ? { signInPassword: options.signInPassword } : {},
  );
  // Replaced while the engine started (a sign-in that began later finished first): that session serves the page. A
  // worker's handle is the page's link to the account's one engine there, which the replacing session may share.
  if (entries.get(url) !== entry) {
    if (!worker) {
      handle.stop();
      lease.release();
    }
    return;
  }
  entry.lease = lease;
  entry.handle = handle;
  // Another tab asked for the engine: stop driving it before the lock is handed over.
  lock.onTakeOverRequest = () => {
    if (entry.handle === handle) handle.stop();
    return Promise.resolve();
  };
  void lease.revoked.then(() => {
    if (entry.lease !== lease) return;
    if (entry.handle === handle) handle.stop();
    entry.handle = undefined;
    entry.lease = undefined;
    setStatus(url, entry, { kind: 'elsewhere', info: infoOf(current) });
    waitForTurn(entry, current);
  });
  setStatus(url, entry, { kind: 'active', info: infoOf(current), persistent: store.persistent });
}

/** While another tab drives the engine, wait for it to close or hand over, then take over. */
function waitForTurn(entry: Entry, stored: StoredSession): void {
  entry.waiting?.abort();
  const waiting = new AbortController();
  entry.waiting = waiting;
  void entry.lock?.waitForTurn(waiting.signal).then((lease) => {
    if (!lease) return;
    if (waiting.signal.aborted || entry.status.kind !== 'elsewhere') {
      lease.release();
      return;
    }
    void start(entry, stored, { lease });
  });
}

async function endedByServer(url: string, entry: Entry, stored: StoredSession, soft: boolean): Promise<void> {
  const store = await sessionStore();
  stopEntry(entry);
  if (soft) {
    await store.save({ ...stored, expired: true });
    setStatus(url, entry, { kind: 'expired', info: infoOf(stored) });
  } else {
    await store.remove(url);
    setStatus(url, entry, { kind: 'signed-out', persistent: store.persistent, reason: 'revoked' });
  }
}
