/**
 * The sign-in modes beyond password and access token: one-time login token (site backend or SSO), guest,
 * and registration. Plain `fetch`; called from `acquireCredentials()` (auth.ts).
 */
import { callHomeserver, stringField } from './client-api.ts';
import { takeProbedGuest } from './login-flows.ts';
import { DEVICE_NAME, registerAccount, registerGuest } from './registration.ts';
import { OmniError, type GuestSignIn, type LoginTokenSignIn, type RegistrationSignIn } from '../types.ts';

export type OtherSignIn = LoginTokenSignIn | GuestSignIn | RegistrationSignIn;

export interface AccountCredentials {
  userId: string;
  deviceId: string;
  accessToken: string;
  refreshToken?: string;
  guest?: boolean;
}

export function isOtherSignIn(options: object): options is OtherSignIn {
  return 'loginToken' in options || 'guest' in options || 'register' in options;
}

export async function acquireOtherCredentials(baseUrl: string, options: OtherSignIn): Promise<AccountCredentials> {
  if ('loginToken' in options) return loginWithToken(baseUrl, options.loginToken);
  if ('guest' in options) return { ...(takeProbedGuest(baseUrl) ?? (await registerGuest(baseUrl))), guest: true };
  return registerAccount(baseUrl, options.register);
}

/** `m.login.token`: single use, short-lived; a used or expired token is refused with `M_FORBIDDEN`. */
async function loginWithToken(baseUrl: string, loginToken: string): Promise<AccountCredentials> {
  const response = await callHomeserver(baseUrl, 'POST', '/_matrix/client/v3/login', {
    type: 'm.login.token',
    token: loginToken,
    initial_device_display_name: DEVICE_NAME,
    refresh_token: true,
  });
  const userId = stringField(response.body, 'user_id');
  const deviceId = stringField(response.body, 'device_id');
  const accessToken = stringField(response.body, 'access_token');
  const refreshToken = stringField(response.body, 'refresh_token');
  if (response.status === 200 && userId && deviceId && accessToken) {
    return { userId, deviceId, accessToken, ...(refreshToken ? { refreshToken } : {}) };
  }
  const errcode = stringField(response.body, 'errcode');
  if (response.status === 403 || errcode === 'M_FORBIDDEN' || errcode === 'M_UNAUTHORIZED') {
    throw new OmniError('login-token-rejected', 'This sign-in link was already used or expired. Sign in again.');
  }
  if (errcode === 'M_USER_DEACTIVATED') throw new OmniError('sign-in-rejected', 'This account has been deactivated.');
  throw new OmniError('sign-in-rejected', `Sign-in failed: ${stringField(response.body, 'error') ?? `HTTP ${response.status}`}.`);
}
