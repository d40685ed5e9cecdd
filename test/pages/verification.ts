/**
 * A host page for the verification test: one <omni-dm> with the member in the query string (`hs`,
 * `user`), mounted by `omni.mount()`, and on `window.omni` the sign-in API, the cross-signing state, an identity reset and the session's
 * verification API.
 */
import { signIn, type OmniDm } from '@omnisocial/chat';
import { resolveHomeserver, restoreSession, sessionFor, type SecurityStatus, type UserTrust } from '@omnisocial/core';

const params = new URLSearchParams(location.search);
const homeserver = params.get('hs') ?? '';

/** Mounts the DM (after signing in, so a member who is invited later finds the invitation on opening). */
function mount(): void {
  const dm: OmniDm = document.createElement('omni-dm');
  dm.homeserver = homeserver;
  dm.user = params.get('user') ?? '';
  // In the page's main landmark, as a host page places it (the view's header is not a landmark of its own).
  (document.querySelector('main') ?? document.body).append(dm);
}

async function session(): Promise<NonNullable<ReturnType<typeof sessionFor>>> {
  const url = await resolveHomeserver(homeserver);
  // The elements' signIn may resolve before the engine has started (core's session/registry.ts, signInForElements).
  for (const until = Date.now() + 60_000; !sessionFor(url) && Date.now() < until;) await new Promise((resolve) => setTimeout(resolve, 20));
  const found = sessionFor(url);
  if (!found) throw new Error('not signed in');
  return found;
}

/**
 * Waits for the cross-signing identity the session makes by itself the first time crypto runs after
 * sign-in (`security.status()` starts crypto and waits for it), and says whether this device holds it.
 */
async function crossSigningReady(): Promise<boolean> {
  return (await (await session()).security.status()).crossSigning;
}

/** A new cross-signing identity for the member (others see it change), as "Reset recovery…" makes it. */
async function resetIdentity(password: string): Promise<void> {
  await (await session()).security.resetRecovery({ password });
}

/** Recovery set-up from the Security panel's core call; resolves to the recovery key. */
async function setUpRecovery(): Promise<string> {
  return (await session()).security.setUpRecovery();
}

/** Picks up the session stored in this profile (a reload), as any element does on connecting. */
async function resume(): Promise<boolean> {
  await restoreSession(await resolveHomeserver(homeserver));
  return sessionFor(await resolveHomeserver(homeserver)) !== undefined;
}

Object.assign(window, {
  omni: {
    signIn,
    mount,
    crossSigningReady,
    resetIdentity,
    setUpRecovery,
    resume,
    securityStatus: async (): Promise<SecurityStatus> => (await session()).security.status(),
    userTrust: async (userId: string): Promise<UserTrust> => (await session()).verification.userTrust(userId),
  },
});
