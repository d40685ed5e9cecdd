/**
 * Turning what the host page or the member gives us into credentials for one device.
 * Part of the engine chunk: it imports matrix-js-sdk.
 */
import { createClient, MatrixError } from 'matrix-js-sdk';
import { quietLogger } from './sdk-logger.ts';
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
 * Signs in on the homeserver at `baseUrl` (already resolved) in the mode `options` asks for.
 * `deviceId` signs in again on an existing device (after a soft logout), keeping its keys.
 */
export function acquireCredentials(baseUrl: string, options: SignInOptions, deviceId?: string): Promise<Credentials> {
  if (isOtherSignIn(options)) return acquireOtherCredentials(baseUrl, options);
  return 'password' in options ? passwordLogin(baseUrl, options.username, options.password, deviceId) : tokenLogin(baseUrl, options);
}

async function passwordLogin(baseUrl: string, username: string, password: string, deviceId?: string): Promise<Credentials> {
  const client = createClient({ baseUrl, logger: quietLogger() });
  try {
    const response = await client.loginRequest({
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: username },
      password,
      initial_device_display_name: DEVICE_NAME,
      refresh_token: true,
      ...(deviceId ? { device_id: deviceId } : {}),
    });
    return {
      userId: response.user_id,
      deviceId: response.device_id,
      accessToken: response.access_token,
      ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}),
    };
  } catch (error) {
    throw signInError(error, baseUrl);
  } finally {
    client.stopClient();
  }
}

async function tokenLogin(baseUrl: string, options: { accessToken: string; userId?: string; deviceId?: string }): Promise<Credentials> {
  if (options.userId && options.deviceId) {
    return { userId: options.userId, deviceId: options.deviceId, accessToken: options.accessToken };
  }
  const client = createClient({ baseUrl, accessToken: options.accessToken, logger: quietLogger() });
  try {
    const whoami = await client.whoami();
    const deviceId = options.deviceId ?? whoami.device_id;
    if (!deviceId) throw new OmniError('sign-in-rejected', 'The access token has no device; pass deviceId with it.');
    return { userId: whoami.user_id, deviceId, accessToken: options.accessToken };
  } catch (error) {
    throw signInError(error, baseUrl);
  } finally {
    client.stopClient();
  }
}

function signInError(error: unknown, baseUrl: string): OmniError {
  if (error instanceof OmniError) return error;
  if (error instanceof MatrixError) {
    if (error.errcode === 'M_FORBIDDEN' || error.errcode === 'M_UNKNOWN_TOKEN' || error.errcode === 'M_USER_DEACTIVATED') {
      return new OmniError(
        'sign-in-rejected',
        error.errcode === 'M_FORBIDDEN' ? 'Wrong username or password.' : 'The homeserver rejected these credentials.',
        { cause: error },
      );
    }
    if (error.httpStatus === 429 || error.errcode === 'M_LIMIT_EXCEEDED') {
      return new OmniError('sign-in-rejected', 'Too many sign-in attempts: wait a moment, then try again.', { cause: error });
    }
    // The server's own sentence, never MatrixError's message, which carries the request URL.
    const reason = typeof error.data.error === 'string' && error.data.error ? error.data.error : error.errcode;
    return new OmniError('sign-in-rejected', `Sign-in failed: ${reason ?? `HTTP ${error.httpStatus ?? '?'}`}.`, { cause: error });
  }
  return new OmniError('unreachable', `The homeserver ${baseUrl} cannot be reached.`, { cause: error });
}
