/**
 * The page's engine session on a homeserver, once it runs. The elements' `signIn` (`@omnisocial/chat`) may
 * resolve before the engine has started: signed in with no view of the page on a session yet, the member's
 * engine waits for the views the page mounts next to paint their light reads (core's session/registry.ts,
 * `signInForElements`). Tests that drive the engine's session directly wait for it here.
 */
import { sessionFor, type SessionHandle } from '@omnisocial/core';

/** Waits up to `timeoutMs` for the session; undefined when none has started by then. */
export async function engineSession(homeserverUrl: string, timeoutMs = 60_000): Promise<SessionHandle | undefined> {
  const until = Date.now() + timeoutMs;
  let found = sessionFor(homeserverUrl);
  while (!found && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    found = sessionFor(homeserverUrl);
  }
  return found;
}
