/** Accounts made and tokens minted with the homeserver's admin powers, as a site backend would. */
import { createHmac, randomBytes } from 'node:crypto';
import { Peer, matrixFetch } from './peer.ts';

export interface RegisterUserOptions {
  username?: string;
  password?: string;
  admin?: boolean;
  displayName?: string;
}

export const DEFAULT_PASSWORD = 'omni-test-password';

export async function registerUser(
  server: { baseUrl: string; serverName: string; sharedSecret: string },
  options: RegisterUserOptions = {},
): Promise<Peer> {
  const username = options.username ?? `user-${randomBytes(6).toString('hex')}`;
  const password = options.password ?? DEFAULT_PASSWORD;
  const admin = options.admin ?? false;
  const url = `${server.baseUrl}/_synapse/admin/v1/register`;
  const { nonce } = await matrixFetch<{ nonce: string }>('GET', url);
  const mac = createHmac('sha1', server.sharedSecret)
    .update(`${nonce}\0${username}\0${password}\0${admin ? 'admin' : 'notadmin'}`)
    .digest('hex');
  const registered = await matrixFetch<{ user_id: string; access_token: string; device_id: string }>('POST', url, {
    body: { nonce, username, password, admin, mac, ...(options.displayName ? { displayname: options.displayName } : {}) },
  });
  return new Peer({
    userId: registered.user_id,
    accessToken: registered.access_token,
    deviceId: registered.device_id,
    username,
    password,
    homeserver: server.baseUrl,
  });
}

/**
 * How a site backend mints a one-time login token for its member (docs/sign-in.md): an admin logs in as
 * the member (a puppet token, no device), asks for a login token, then drops the puppet token.
 */
export async function mintLoginToken(baseUrl: string, adminToken: string, userId: string): Promise<string> {
  const puppet = await matrixFetch<{ access_token: string }>(
    'POST',
    `${baseUrl}/_synapse/admin/v1/users/${encodeURIComponent(userId)}/login`,
    { accessToken: adminToken, body: {} },
  );
  try {
    const minted = await matrixFetch<{ login_token: string }>('POST', `${baseUrl}/_matrix/client/v1/login/get_token`, {
      accessToken: puppet.access_token,
      body: {},
    });
    return minted.login_token;
  } finally {
    await matrixFetch('POST', `${baseUrl}/_matrix/client/v3/logout`, { accessToken: puppet.access_token, body: {} }).catch(() => undefined);
  }
}

/** A registration token made through the admin API (`registration_requires_token`). */
export async function createRegistrationToken(
  baseUrl: string,
  adminToken: string,
  options: { usesAllowed?: number } = {},
): Promise<string> {
  const created = await matrixFetch<{ token: string }>('POST', `${baseUrl}/_synapse/admin/v1/registration_tokens/new`, {
    accessToken: adminToken,
    body: { uses_allowed: options.usesAllowed ?? null },
  });
  return created.token;
}
