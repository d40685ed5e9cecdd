/**
 * The site's members, signed in by the site. The site's backend names one of its users; the companion
 * makes sure the Matrix account exists in its user namespace (registered as the application service on
 * first use), brings its display name and avatar in line with the site's profile, and mints a one-time
 * login token the page exchanges with `signIn({ loginToken })`. The companion keeps no session of the
 * member: it asks for the token as the application service acting for them.
 */
import { HomeserverError, type Homeserver, type Json } from './homeserver.ts';

/** Account data in which the companion remembers where the member's avatar came from. */
const AVATAR_SOURCE = 'org.omnisocial.avatar_source';
const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
/** The longest a sign-in waits for Synapse's one-token-per-minute limit. */
const TOKEN_WAIT_MAX_MS = 61_000;

export interface MemberProfile {
  /** The site's name for the user: the Matrix localpart after the namespace prefix. */
  readonly user: string;
  readonly displayName?: string;
  /** An `https:` (or, for local sites, `http:`) image URL; the companion copies it to the homeserver. */
  readonly avatarUrl?: string;
}

export interface MemberLogin {
  readonly userId: string;
  readonly homeserverUrl: string;
  readonly loginToken: string;
  readonly expiresInMs: number;
}

export class MemberError extends Error {
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.name = 'MemberError';
    this.status = status;
  }
}

/** Checks a request body and returns the profile it names. */
export function parseProfile(body: unknown): MemberProfile {
  if (typeof body !== 'object' || body === null) throw new MemberError('The body must be a JSON object.');
  const fields = body as Record<string, unknown>;
  const user = fields['user'];
  if (typeof user !== 'string' || !/^[a-z0-9._=/+-]{1,200}$/u.test(user)) {
    throw new MemberError('"user" must be 1–200 characters of a-z, 0-9 and . _ = / + -.');
  }
  const displayName = fields['displayName'];
  if (displayName !== undefined && (typeof displayName !== 'string' || displayName.length > 256)) {
    throw new MemberError('"displayName" must be a string of at most 256 characters.');
  }
  const avatarUrl = fields['avatarUrl'];
  if (avatarUrl !== undefined && (typeof avatarUrl !== 'string' || !/^https?:\/\//u.test(avatarUrl))) {
    throw new MemberError('"avatarUrl" must be an http(s) URL.');
  }
  return {
    user,
    ...(typeof displayName === 'string' ? { displayName } : {}),
    ...(typeof avatarUrl === 'string' ? { avatarUrl } : {}),
  };
}

export interface MembersOptions {
  readonly homeserver: Homeserver;
  /** The homeserver's URL as the page reaches it (returned to the site for `signIn`). */
  readonly publicHomeserverUrl: string;
  readonly serverName: string;
  /** Prepended to the site's user name to make the localpart (the service's user namespace). */
  readonly prefix: string;
}

export class Members {
  readonly #options: MembersOptions;

  constructor(options: MembersOptions) {
    this.#options = options;
  }

  userIdOf(user: string): string {
    return `@${this.#options.prefix}${user}:${this.#options.serverName}`;
  }

  /** Provisions the member on first use, follows their profile, and mints a one-time login token. */
  async signIn(profile: MemberProfile): Promise<MemberLogin> {
    const userId = await this.update(profile);
    const token = await this.#loginToken(userId);
    return {
      userId,
      homeserverUrl: this.#options.publicHomeserverUrl,
      loginToken: token.login_token,
      expiresInMs: token.expires_in_ms ?? 120_000,
    };
  }

  /** Provisions the member on first use and brings their profile in line with the site's; returns their user id. */
  async update(profile: MemberProfile): Promise<string> {
    const userId = this.userIdOf(profile.user);
    await this.#register(`${this.#options.prefix}${profile.user}`);
    await this.#followProfile(userId, profile);
    return userId;
  }

  /**
   * A one-time login token, asked for as the application service acting for the member (no session of the
   * member is made). Synapse gives one per member per minute: a second sign-in within the minute waits for
   * it, once, for at most `TOKEN_WAIT_MAX_MS`.
   */
  async #loginToken(userId: string): Promise<{ login_token: string; expires_in_ms?: number }> {
    const ask = () =>
      this.#options.homeserver.request<{ login_token: string; expires_in_ms?: number }>('POST', '/_matrix/client/v1/login/get_token', {
        as: userId,
        body: {},
      });
    try {
      return await ask();
    } catch (error) {
      if (!(error instanceof HomeserverError) || error.errcode !== 'M_LIMIT_EXCEEDED') throw error;
      const wait = Math.min(error.retryAfterMs ?? TOKEN_WAIT_MAX_MS, TOKEN_WAIT_MAX_MS);
      await new Promise((resolve) => setTimeout(resolve, wait));
      return await ask();
    }
  }

  async #register(localpart: string): Promise<void> {
    try {
      await this.#options.homeserver.request('POST', '/_matrix/client/v3/register', {
        body: { type: 'm.login.application_service', username: localpart, inhibit_login: true },
      });
    } catch (error) {
      if (error instanceof HomeserverError && error.errcode === 'M_USER_IN_USE') return;
      throw error;
    }
  }

  async #followProfile(userId: string, profile: MemberProfile): Promise<void> {
    const { homeserver } = this.#options;
    const path = `/_matrix/client/v3/profile/${encodeURIComponent(userId)}`;
    const current: Json = await homeserver.request('GET', path).catch((): Json => ({}));
    if (profile.displayName !== undefined && current['displayname'] !== profile.displayName) {
      await homeserver.request('PUT', `${path}/displayname`, { as: userId, body: { displayname: profile.displayName } });
    }
    if (profile.avatarUrl !== undefined) await this.#followAvatar(userId, profile.avatarUrl);
  }

  /** Copies the site's avatar to the homeserver when it changed since the last sign-in. */
  async #followAvatar(userId: string, source: string): Promise<void> {
    const { homeserver } = this.#options;
    const dataPath = `/_matrix/client/v3/user/${encodeURIComponent(userId)}/account_data/${AVATAR_SOURCE}`;
    const known: Json = await homeserver.request('GET', dataPath, { as: userId }).catch((): Json => ({}));
    if (known['url'] === source) return;
    const response = await fetch(source, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
    const type = response?.headers.get('content-type') ?? '';
    if (!response?.ok || !type.startsWith('image/')) throw new MemberError(`The avatar ${source} is not an image the companion can fetch.`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length === 0 || bytes.length > AVATAR_MAX_BYTES) throw new MemberError(`The avatar ${source} is empty or larger than 5 MB.`);
    const upload = await homeserver.request<{ content_uri: string }>('POST', '/_matrix/media/v3/upload', {
      as: userId,
      body: bytes,
      contentType: type.split(';')[0] ?? type,
    });
    await homeserver.request('PUT', `/_matrix/client/v3/profile/${encodeURIComponent(userId)}/avatar_url`, {
      as: userId,
      body: { avatar_url: upload.content_uri },
    });
    await homeserver.request('PUT', dataPath, { as: userId, body: { url: source } });
  }
}
