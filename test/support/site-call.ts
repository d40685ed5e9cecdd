/** Calls of a site's backend to its companion's site API, signed with the site secret as docs/server.md describes. */
import { signSiteRequest } from '@omnisocial/server';

/** A signed call to the site API at `base` (a companion's, or one replica's, `siteApiUrl`); the answer's status and JSON. */
export async function siteCall(
  base: string,
  secret: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const text = body === undefined ? '' : JSON.stringify(body);
  const response = await fetch(base + path, {
    method,
    headers: { ...signSiteRequest(secret, method, path, text), ...(text ? { 'content-type': 'application/json' } : {}) },
    ...(text ? { body: text } : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}
