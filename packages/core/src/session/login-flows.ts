/**
 * What a homeserver offers for signing in: `GET /login`, a registration probe and a guest probe.
 * No matrix-js-sdk here: the sign-in UI shows these flows before the engine chunk is loaded.
 */
import { callHomeserver, isRecord, stringField } from './client-api.ts';
import { resolveHomeserver } from './homeserver.ts';
import { describeRegistration, NO_REGISTRATION, registerGuest, type NewAccount } from './registration.ts';
import { OmniError, type IdentityProvider, type LoginFlows, type RegistrationFlows } from '../types.ts';

/** Reads the `flows` of a `GET /login` answer. */
export function parseLoginFlows(body: unknown): Pick<LoginFlows, 'password' | 'token' | 'sso'> {
  const flows = isRecord(body) && Array.isArray(body['flows']) ? body['flows'].filter(isRecord) : [];
  const types = new Set(flows.map((flow) => stringField(flow, 'type')));
  const ssoFlow = flows.find((flow) => flow['type'] === 'm.login.sso' || flow['type'] === 'm.login.cas');
  let sso: IdentityProvider[] | undefined;
  if (ssoFlow) {
    const providers = Array.isArray(ssoFlow['identity_providers']) ? ssoFlow['identity_providers'].filter(isRecord) : [];
    sso = providers.flatMap((provider) => {
      const id = stringField(provider, 'id');
      if (!id) return [];
      const icon = stringField(provider, 'icon');
      const brand = stringField(provider, 'brand');
      return [{ id, name: stringField(provider, 'name') ?? id, ...(icon ? { icon } : {}), ...(brand ? { brand } : {}) }];
    });
  }
  return { password: types.has('m.login.password'), token: types.has('m.login.token'), sso };
}

/**
 * A guest account made while probing: handed to the first `signIn({ guest: true })` on this page so the
 * probe does not leave an unused account behind.
 */
const probedGuests = new Map<string, NewAccount>();

export function takeProbedGuest(baseUrl: string): NewAccount | undefined {
  const account = probedGuests.get(baseUrl);
  probedGuests.delete(baseUrl);
  return account;
}

async function probeGuest(baseUrl: string, fetchImpl: typeof fetch): Promise<boolean> {
  if (probedGuests.has(baseUrl)) return true;
  try {
    probedGuests.set(baseUrl, await registerGuest(baseUrl, fetchImpl));
    return true;
  } catch {
    return false;
  }
}

async function probeRegistration(baseUrl: string, fetchImpl: typeof fetch): Promise<RegistrationFlows> {
  // An empty request starts interactive authentication without creating anything: 401 lists the flows,
  // 403 means registration is disabled.
  const response = await callHomeserver(baseUrl, 'POST', '/_matrix/client/v3/register', {}, fetchImpl);
  return response.status === 401 ? describeRegistration(response.body) : NO_REGISTRATION;
}

const cache = new Map<string, Promise<LoginFlows>>();

export interface LoginFlowsOptions {
  /**
   * Whether to find out if guests are allowed. Synapse has no way to ask without registering a guest; the
   * guest made by the probe is used by the next `signIn({ guest: true })`. Default true.
   */
  probeGuest?: boolean;
  fetch?: typeof fetch;
}

/** The sign-in and registration flows a homeserver offers, as plain data. Shared per page and homeserver. */
export function getLoginFlows(homeserver: string, options: LoginFlowsOptions = {}): Promise<LoginFlows> {
  const key = `${homeserver}\n${options.probeGuest === false ? 'no-guest' : 'guest'}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = fetchLoginFlows(homeserver, options);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

async function fetchLoginFlows(homeserver: string, options: LoginFlowsOptions): Promise<LoginFlows> {
  const fetchImpl = options.fetch ?? fetch;
  const homeserverUrl = await resolveHomeserver(homeserver, fetchImpl);
  const [login, registration, guest] = await Promise.all([
    callHomeserver(homeserverUrl, 'GET', '/_matrix/client/v3/login', undefined, fetchImpl),
    probeRegistration(homeserverUrl, fetchImpl),
    options.probeGuest === false ? Promise.resolve(false) : probeGuest(homeserverUrl, fetchImpl),
  ]);
  if (login.status !== 200) {
    throw new OmniError('bad-homeserver', `${homeserver} does not say how to sign in (HTTP ${login.status}).`);
  }
  return { homeserverUrl, ...parseLoginFlows(login.body), guest, registration };
}
