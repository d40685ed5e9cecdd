/**
 * Where the engine runs, chosen once per page (see docs/engine.md):
 * `<meta name="omni-chat-engine" content="main|worker|shared|auto">`.
 * - `main` (the default): on the page's main thread;
 * - `worker`: a dedicated worker per tab, one tab driving an account at a time (the tab lock);
 * - `shared`: one shared worker for every tab of the site (one sync connection per browser), a dedicated one where
 *   the browser has no `SharedWorker`;
 * - `auto`: `shared` where the browser allows it, else `worker`.
 * A worker that cannot start (no `Worker`, a Content-Security-Policy without `worker-src`) leaves the engine on the
 * main thread, with one console note.
 * This module is light: the engine chunk and the worker are loaded only by `startEngine()`.
 */
import type { SessionHandle } from '../types.ts';
import type { SessionHooks, StartOptions } from '../session/engine.ts';
import type { StoredSession } from '../session/session-store.ts';

export type EngineMode = 'main' | 'worker' | 'shared';

const MODES: ReadonlySet<string> = new Set(['main', 'worker', 'shared', 'auto']);

/** The engine the page asks for, resolved against what the browser offers (before trying to start it). */
export function requestedEngine(): EngineMode {
  const meta = typeof document === 'undefined' ? null : document.querySelector<HTMLMetaElement>('meta[name="omni-chat-engine"]');
  const asked = meta?.content.trim().toLowerCase() ?? 'main';
  const mode = MODES.has(asked) ? asked : 'main';
  if (mode === 'main') return 'main';
  const shared = typeof SharedWorker !== 'undefined';
  if (mode === 'auto' || mode === 'shared') return shared ? 'shared' : 'worker';
  return 'worker';
}

/** Starts a session's engine; `mode` is where it runs in the end (`main` after a fallback). */
export interface EngineStarter {
  readonly mode: EngineMode;
  start(stored: StoredSession, hooks: SessionHooks, options: StartOptions): Promise<SessionHandle>;
}

let noted = false;

function mainThread(): EngineStarter {
  return {
    mode: 'main',
    start: async (stored, hooks, options) => (await import('../session/engine.ts')).startSession(stored, hooks, options),
  };
}

function fallBack(error: unknown): EngineStarter {
  if (!noted) {
    noted = true;
    console.info('[omni] the chat engine runs on the main thread: its worker could not start', error);
  }
  return mainThread();
}

/** The engine for the page's sessions: its worker started (and answering) when the page asks for one. */
export async function engineStarter(): Promise<EngineStarter> {
  const mode = requestedEngine();
  if (mode === 'main') return mainThread();
  if (typeof Worker === 'undefined') return fallBack(new Error('this browser has no Worker'));
  let proxy: typeof import('./proxy.ts');
  let link: Awaited<ReturnType<typeof proxy.workerLink>>;
  try {
    proxy = await import('./proxy.ts');
    link = await proxy.workerLink(mode);
  } catch (error) {
    return fallBack(error);
  }
  return {
    mode,
    start: async (stored, hooks, options) => {
      try {
        return await proxy.startWorkerSession(link, stored, hooks, options);
      } catch (error) {
        // The worker runs but cannot start the engine (e.g. its chunk was refused): the page runs it instead.
        link.stopSession(`${stored.homeserverUrl}|${stored.userId}`);
        return fallBack(error).start(stored, hooks, options);
      }
    },
  };
}
