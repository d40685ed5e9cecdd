/**
 * A host page for the verification test: one <omni-dm> with the member in the query string (`hs`,
 * `user`), mounted by `omni.mount()`, and on `window.omni` the sign-in API, a cross-signing bootstrap and the session's
 * verification API.
 */
import { signIn, type OmniDm } from '@omnisocial/chat';
import { resolveHomeserver, sessionFor, type UserTrust } from '@omnisocial/core';

const params = new URLSearchParams(location.search);
const homeserver = params.get('hs') ?? '';

/** Mounts the DM (after signing in, so a member who is invited later finds the invitation on opening). */
function mount(): void {
  const dm: OmniDm = document.createElement('omni-dm');
  dm.homeserver = homeserver;
  dm.user = params.get('user') ?? '';
  document.body.append(dm);
}

async function session(): Promise<NonNullable<ReturnType<typeof sessionFor>>> {
  const found = sessionFor(await resolveHomeserver(homeserver));
  if (!found) throw new Error('not signed in');
  return found;
}

/** What the engine's session holds beyond the public handle: enough to bootstrap cross-signing. */
interface EngineParts {
  whenSynced(): Promise<void>;
  ensureCrypto(): Promise<void>;
  client: {
    getSafeUserId(): string;
    getCrypto():
      | {
          bootstrapCrossSigning(options: {
            setupNewCrossSigning: boolean;
            authUploadDeviceSigningKeys: (makeRequest: (auth: object) => Promise<unknown>) => Promise<void>;
          }): Promise<void>;
        }
      | undefined;
  };
}

/**
 * Cross-signing keys for the member (a new identity, signed with their password), as recovery set-up
 * makes them; the test needs only these, not secret storage or key backup.
 */
async function setUpCrossSigning(password: string): Promise<void> {
  const engine = (await session()) as unknown as EngineParts;
  // Crypto restarts the sync loop: let the first sync finish first, as opening a room does.
  await engine.whenSynced();
  await engine.ensureCrypto();
  const crypto = engine.client.getCrypto();
  if (!crypto) throw new Error('crypto did not start');
  const user = engine.client.getSafeUserId();
  await crypto.bootstrapCrossSigning({
    setupNewCrossSigning: true,
    authUploadDeviceSigningKeys: async (makeRequest) => {
      await makeRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user }, password });
    },
  });
}

Object.assign(window, {
  omni: {
    signIn,
    mount,
    setUpCrossSigning,
    userTrust: async (userId: string): Promise<UserTrust> => (await session()).verification.userTrust(userId),
  },
});
