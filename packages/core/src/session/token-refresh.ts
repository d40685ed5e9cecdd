/**
 * Expiring access tokens (refresh tokens, Matrix spec `/refresh`). matrix-js-sdk refreshes only
 * OAuth-native sessions, so the engine gives it a `fetch` that does it for password sessions:
 * a 401 `M_UNKNOWN_TOKEN` with `soft_logout` triggers one refresh, however many requests failed at
 * once, and each failed request is retried once with the new token.
 */

export interface Tokens {
  accessToken: string;
  refreshToken?: string;
}

export interface RefreshingFetch {
  fetch: typeof fetch;
  /** Tokens currently in use (updated after each refresh). */
  readonly tokens: Tokens;
}

async function isSoftLoggedOut(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  try {
    const body = (await response.clone().json()) as { errcode?: unknown; soft_logout?: unknown };
    return body.errcode === 'M_UNKNOWN_TOKEN' && body.soft_logout === true;
  } catch {
    return false;
  }
}

export function refreshingFetch(
  baseUrl: string,
  initial: Tokens,
  onRefreshed: (tokens: Tokens) => void,
  fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis),
): RefreshingFetch {
  let tokens = initial;
  let refreshing: Promise<Tokens | undefined> | undefined;

  const refresh = (used: string): Promise<Tokens | undefined> => {
    // A request that failed with a token already replaced just retries with the new one.
    if (used !== tokens.accessToken) return Promise.resolve(tokens);
    refreshing ??= (async () => {
      try {
        const refreshToken = tokens.refreshToken;
        if (!refreshToken) return undefined;
        const response = await fetchImpl(`${baseUrl}/_matrix/client/v3/refresh`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ refresh_token: refreshToken }),
        });
        if (!response.ok) return undefined;
        const body = (await response.json()) as { access_token: string; refresh_token?: string };
        tokens = { accessToken: body.access_token, refreshToken: body.refresh_token ?? refreshToken };
        onRefreshed(tokens);
        return tokens;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  };

  const wrapped: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    const auth = headers.get('Authorization');
    const used = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    if (used !== undefined && used !== tokens.accessToken && tokens.refreshToken !== undefined) {
      // The SDK may still hold the previous token; always send the current one.
      headers.set('Authorization', `Bearer ${tokens.accessToken}`);
    }
    const response = await fetchImpl(input, { ...init, headers });
    if (used === undefined || !tokens.refreshToken || !(await isSoftLoggedOut(response))) return response;
    const fresh = await refresh(headers.get('Authorization')?.slice(7) ?? used);
    if (!fresh) return response;
    headers.set('Authorization', `Bearer ${fresh.accessToken}`);
    return fetchImpl(input, { ...init, headers });
  };

  return {
    fetch: wrapped,
    get tokens() {
      return tokens;
    },
  };
}
