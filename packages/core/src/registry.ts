/**
 * The page-wide session registry: one engine session per homeserver, shared by every element.
 * This module never imports matrix-js-sdk; the engine chunk is loaded on the first sign-in.
 */
import { resolveHomeserver } from './homeserver.ts';
import type { SessionHandle, SessionInfo, SignInOptions, Unsubscribe } from './types.ts';

const sessions = new Map<string, SessionHandle>();
const listeners = new Set<() => void>();

function changed(): void {
  for (const listener of listeners) listener();
}

/** The session signed in on this homeserver (a resolved base URL), if any. */
export function sessionFor(homeserverUrl: string): SessionHandle | undefined {
  return sessions.get(homeserverUrl);
}

export function onSessionsChange(listener: () => void): Unsubscribe {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Signs a member in on a homeserver and makes the session available to every element on the page
 * that shows a room of that homeserver. Signing in again replaces the previous session.
 */
export async function signIn(options: SignInOptions): Promise<SessionInfo> {
  const engine = await import('./engine.ts');
  const session = await engine.createSession(options);
  const previous = sessions.get(session.info.homeserverUrl);
  sessions.set(session.info.homeserverUrl, session);
  previous?.stop();
  changed();
  return session.info;
}

/** Signs out on a homeserver (or everywhere): the access token is revoked on the server. */
export async function signOut(homeserver?: string): Promise<void> {
  const targets = homeserver === undefined ? [...sessions.keys()] : [await resolveHomeserver(homeserver)];
  await Promise.all(
    targets.map(async (url) => {
      const session = sessions.get(url);
      if (!session) return;
      sessions.delete(url);
      changed();
      await session.signOut();
    }),
  );
}
