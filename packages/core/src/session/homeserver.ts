import { OmniError } from '../types.ts';

// In a module of its own: the page's loader needs it (the SSO redirect URL, sso.ts) and none of the discovery below.
import { normaliseBaseUrl } from './base-url.ts';

export { normaliseBaseUrl };

/**
 * Tells whether `input` is a base URL (`https://matrix.example.org`) or a server name
 * (`example.org`, `localhost:8448`) that needs `.well-known` discovery. Throws for anything else.
 */
export function parseHomeserverInput(input: string): { kind: 'url'; url: string } | { kind: 'server-name'; serverName: string } {
  const value = input.trim();
  if (value === '') throw new OmniError('bad-homeserver', 'No homeserver was given.');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new OmniError('bad-homeserver', `"${value}" is not a valid homeserver URL.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new OmniError('bad-homeserver', `A homeserver URL must use http or https, not ${url.protocol}`);
    }
    if (url.search || url.hash || url.username || url.password) {
      throw new OmniError('bad-homeserver', `A homeserver URL cannot carry a query, fragment or credentials: "${value}".`);
    }
    return { kind: 'url', url: normaliseBaseUrl(url.origin + url.pathname) };
  }
  // Server names per the Matrix spec: a DNS name, IPv4 or bracketed IPv6 literal, optional port.
  if (/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i.test(value)) {
    return { kind: 'server-name', serverName: value.toLowerCase() };
  }
  throw new OmniError('bad-homeserver', `"${value}" is neither a homeserver URL nor a server name.`);
}

const resolved = new Map<string, Promise<string>>();

/**
 * Resolves a homeserver attribute to a verified client-server API base URL, through
 * `/.well-known/matrix/client` for server names. Results are shared per page.
 */
export function resolveHomeserver(input: string, fetchImpl: typeof fetch = fetch): Promise<string> {
  let pending = resolved.get(input);
  if (!pending) {
    pending = discover(input, fetchImpl);
    resolved.set(input, pending);
    pending.catch(() => resolved.delete(input));
  }
  return pending;
}

async function discover(input: string, fetchImpl: typeof fetch): Promise<string> {
  const parsed = parseHomeserverInput(input);
  if (parsed.kind === 'url') {
    await verifyHomeserver(parsed.url, input, fetchImpl);
    return parsed.url;
  }
  let response: Response | undefined;
  try {
    response = await fetchImpl(`https://${parsed.serverName}/.well-known/matrix/client`);
  } catch {
    // Unreachable .well-known: the spec says to go on with the server name itself.
  }
  const status = response?.status ?? 0;
  const wellKnown = interpretWellKnown(parsed.serverName, status, status === 200 && response ? await response.text() : '');
  const baseUrl = wellKnown ?? `https://${parsed.serverName}`;
  await verifyHomeserver(baseUrl, input, fetchImpl);
  return baseUrl;
}

/**
 * Reads a `/.well-known/matrix/client` answer as the Matrix spec's discovery says: anything but
 * 200 is ignored (undefined: use the server name); a 200 that is not valid JSON, lacks
 * `m.homeserver.base_url` or carries a bad URL is an error the site owner must fix.
 */
export function interpretWellKnown(serverName: string, status: number, body: string): string | undefined {
  if (status !== 200) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new OmniError('bad-homeserver', `The discovery file of ${serverName} (/.well-known/matrix/client) is not valid JSON.`);
  }
  let url: string | undefined;
  try {
    url = wellKnownBaseUrl(json);
  } catch {
    url = undefined;
  }
  if (!url) {
    throw new OmniError(
      'bad-homeserver',
      `The discovery file of ${serverName} (/.well-known/matrix/client) has no valid m.homeserver base_url.`,
    );
  }
  return url;
}

export function wellKnownBaseUrl(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const hs = (body as Record<string, unknown>)['m.homeserver'];
  if (typeof hs !== 'object' || hs === null) return undefined;
  const url = (hs as Record<string, unknown>)['base_url'];
  if (typeof url !== 'string') return undefined;
  const parsed = parseHomeserverInput(url);
  return parsed.kind === 'url' ? parsed.url : undefined;
}

async function verifyHomeserver(baseUrl: string, input: string, fetchImpl: typeof fetch): Promise<void> {
  let response: Response;
  try {
    response = await fetchImpl(`${baseUrl}/_matrix/client/versions`);
  } catch (cause) {
    throw new OmniError('unreachable', `The homeserver ${input} cannot be reached.`, { cause });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const versions = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['versions'] : undefined;
  if (!response.ok || !Array.isArray(versions)) {
    throw new OmniError('bad-homeserver', `${input} does not answer as a Matrix homeserver.`);
  }
}
