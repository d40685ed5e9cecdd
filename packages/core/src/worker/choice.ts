/**
 * Where the engine runs, chosen once per page (see docs/engine.md):
 * `<meta name="omni-chat-engine" content="main|worker|shared|auto">`.
 * - `main` (the default): on the page's main thread;
 * - `worker`: a dedicated worker per tab, one tab driving an account at a time (the tab lock);
 * - `shared`: one shared worker for every tab of the site (one sync connection per browser), a dedicated one where
 *   the browser has no `SharedWorker`;
 * - `auto`: `shared` where the browser allows it, else `worker`.
 * A worker that cannot start (no `Worker`, a Content-Security-Policy without `worker-src`) leaves the engine on the
 * main thread, with one console note. The session registry loads the worker's side of things (proxy.ts) only for a
 * page whose meta asks for something else than `main`.
 */
import type { SessionHandle } from '../types.ts';
import type { EngineLease } from '../session/tab-lock.ts';

export type EngineMode = 'main' | 'worker' | 'shared';

/** The engine's own `startSession` (engine.ts, loaded lazily: the registry imports this module). */
type StartSession = typeof import('../session/engine.ts').startSession;

/** Starts a session's engine; `mode` is where it runs in the end (`main` after a fallback). */
export interface EngineStarter {
  readonly mode: EngineMode;
  /** A shared worker's lease: it serves every tab and takes the account's lock itself, so no tab waits for another. */
  readonly lease?: EngineLease;
  start(...args: Parameters<StartSession>): Promise<SessionHandle>;
}

/** What the page asked for (`<meta name="omni-chat-engine">`), lower case; `main` without the meta. */
export function requestedEngine(): string {
  const meta = typeof document === 'undefined' ? null : document.querySelector<HTMLMetaElement>('meta[name="omni-chat-engine"]');
  return (meta?.content ?? 'main').trim().toLowerCase();
}
