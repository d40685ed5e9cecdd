/**
 * Turning what the host page or the member gives us into credentials for one device. Plain `fetch` (client-api.ts),
 * no matrix-js-sdk: signing in needs no engine, so the page fetches the engine chunk meanwhile, or never, when the
 * engine runs in a worker.
 */
import { callHomeserver, stringField, type ApiResponse } from './client-api.ts';
import { resolveHomeserver } from './homeserver.ts';
import type { StoredSession } from './session-store.ts';
import { acquireOtherCredentials, isOtherSignIn } from './sign-in-modes.ts';
import { OmniError, type SignInOptions } from '../types.ts';

const DEVICE_NAME = 'OmniSocial Chat';

export interface Credentials {
  userId: string;
  deviceId: string;
  accessToken: string;
  /** Present when the homeserver issues expiring access tokens. */
  refreshToken?: string;
  /** A guest account: the client must avoid endpoints guests may not use. */
  guest?: boolean;
}

/**
 * Signs in (or registers) as `options` asks and returns the session to store. `deviceId` signs in again on an
 * existing device (after a soft logout), keeping its keys.
 */
export async function login(options: SignInOptions, deviceId?: string): Promise<StoredSession> {
  const homeserverUrl = await resolveHomeserver(options.homeserver);
  const credentials = await acquireCredentials(homeserverUrl, options, deviceId);
  return { homeserverUrl, ...credentials };
}

/** Signs in on the homeserver at `baseUrl` (already resolved) in the mode `options` asks for. */
export function acquireCredentials(baseUrl: string, options: SignInOptions, deviceId?: string): Promise<Credentials> {
  if (isOtherSignIn(options)) return acquireOtherCredentials(baseUrl, options);
  return 'password' in options ? passwordLogin(baseUrl, options.username, options.password, deviceId) : tokenLogin(baseUrl, options);
}

async function passwordLogin(baseUrl: string, username: string, password: string, deviceId?: string): Promise<Credentials> {
  const response = await callHomeserver(baseUrl, 'POST', '/_matrix/client/v3/login', {
    type: 'm.login.password',
    identifier: { type: 'm.id.user', user: username },
    password,
    initial_device_display_name: DEVICE_NAME,
    refresh_token: true,
    ...(deviceId ? { device_id: deviceId } : {}),
  });
  const userId = stringField(response.body, 'user_id');
  const device = stringField(response.body, 'device_id');
  const accessToken = stringField(response.body, 'access_token');
  const refreshToken = stringField(response.body, 'refresh_token');
  if (response.status !== 200 || !userId || !device || !accessToken) throw signInError(response, baseUrl);
  return { userId, deviceId: device, accessToken, ...(refreshToken ? { refreshToken } : {}) };
}

async function tokenLogin(baseUrl: string, options: { accessToken: string; userId?: string; deviceId?: string }): Promise<Credentials> {
  if (options.userId && options.deviceId) {
    return { userId: options.userId, deviceId: options.deviceId, accessToken: options.accessToken };
  }
  const response = await callHomeserver(baseUrl, 'GET', '/_matrix/client/v3/account/whoami', undefined, fetch, options.accessToken);
  const userId = stringField(response.body, 'user_id');
  if (response.status !== 200 || !userId) throw signInError(response, baseUrl);
  const deviceId = options.deviceId ?? stringField(response.body, 'device_id');
  if (!deviceId) throw new OmniError('sign-in-rejected', 'The access token has no device; pass deviceId with it.');
  return { userId, deviceId, accessToken: options.accessToken };
}

/** The member-facing refusal of a sign-in the homeserver answered with an error (a network failure is `unreachable` already). */
function signInError(response: ApiResponse, baseUrl: string): OmniError {
  const errcode = stringField(response.body, 'errcode');
  // No Matrix error at all (an HTML page, a proxy's answer): this is not a homeserver.
  if (errcode === undefined && response.status !== 429) return new OmniError('unreachable', `The homeserver ${baseUrl} cannot be reached.`);
  if (errcode === 'M_FORBIDDEN' || errcode === 'M_UNKNOWN_TOKEN' || errcode === 'M_USER_DEACTIVATED') {
    return new OmniError(
      'sign-in-rejected',
      errcode === 'M_FORBIDDEN' ? 'Wrong username or password.' : 'The homeserver rejected these credentials.',
    );
  }
  if (response.status === 429 || errcode === 'M_LIMIT_EXCEEDED') {
    return new OmniError('sign-in-rejected', 'Too many sign-in attempts: wait a moment, then try again.');
  }
  // The server's own sentence, never one carrying the request URL.
  const reason = stringField(response.body, 'error') || errcode;
  return new OmniError('sign-in-rejected', `Sign-in failed: ${reason ?? `HTTP ${String(response.status)}`}.`);
}
