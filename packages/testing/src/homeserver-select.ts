/**
 * Which homeserver implementation a suite runs on: Synapse by default, Dendrite when `OMNI_HOMESERVER=dendrite`
 * (`pnpm test dendrite` sets it for the suites that run on both). Options Dendrite has no equivalent of
 * are refused by name, so a test never silently runs on a server configured differently from what it asked.
 */
import { startDendrite, UnsupportedByDendrite } from './dendrite.ts';
import { startSynapse, type Homeserver, type StartSynapseOptions } from './synapse.ts';

export type HomeserverImplementation = 'synapse' | 'dendrite';

/** The implementation `OMNI_HOMESERVER` selects; anything but `synapse`, `dendrite` or unset is an error. */
export function homeserverImplementation(env: NodeJS.ProcessEnv = process.env): HomeserverImplementation {
  const chosen = env['OMNI_HOMESERVER'] ?? 'synapse';
  if (chosen === 'synapse' || chosen === 'dendrite') return chosen;
  throw new Error(`omni: OMNI_HOMESERVER=${chosen} is not a homeserver the harness runs (synapse or dendrite).`);
}

/** Synapse options and why Dendrite cannot honour them. */
const DENDRITE_CANNOT: { readonly [K in keyof StartSynapseOptions]?: string } = {
  terms: 'it has no consent tracking (`user_consent`, `m.login.terms` at registration)',
  loginViaExistingSession: 'it has no `POST /login/get_token` (MSC3882)',
  accessTokenLifetime: 'its access tokens never expire and it issues no refresh tokens',
  roomCreation: 'it has no spam-checker modules and no room-creation rate limit',
  bench: 'the single-server benchmark settings are Synapse’s',
  snapshot: 'seeded snapshots are Synapse databases',
  wellKnown: 'it serves only `m.homeserver` in `/.well-known/matrix/client`, no extra content',
};

/** Starts the selected implementation with `options`; a Synapse-only option on Dendrite throws, naming why. */
export async function startHomeserver(
  options: StartSynapseOptions = {},
  implementation: HomeserverImplementation = homeserverImplementation(),
): Promise<Homeserver & { readonly implementation: HomeserverImplementation }> {
  if (implementation === 'synapse') return Object.assign(await startSynapse(options), { implementation });
  for (const [key, why] of Object.entries(DENDRITE_CANNOT)) {
    const value = options[key as keyof StartSynapseOptions];
    // `loginViaExistingSession: false` and `guestAccess` defaults are what Dendrite does anyway.
    if (value !== undefined && !(key === 'loginViaExistingSession' && value === false)) {
      throw new UnsupportedByDendrite(`start with \`${key}\``, why);
    }
  }
  const { serverName, port, rateLimited, registration, registrationToken, guestAccess, appServices } = options;
  const started = await startDendrite({ serverName, port, rateLimited, registration, registrationToken, guestAccess, appServices });
  return Object.assign(started, { implementation });
}
