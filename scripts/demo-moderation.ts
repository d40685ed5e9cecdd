/**
 * The demo site's backend for its moderators' page (demo/moderation.html), as a Vite plugin: what a site's own
 * server does so that its moderators use `<omni-moderation-queue>` without the site secret reaching a browser.
 *
 * - `POST /api/site-session {"user"}` signs a person in to the demo site itself (a signed cookie, as a site's
 *   own session would be; the demo trusts the name, as its "Sign in as …" buttons do);
 * - `POST /api/moderator-token` answers `{"token", "expiresAt"}` — a moderator token the companion accepts for
 *   15 minutes — to a signed-in moderator of the site only, and 403 with a reason to anyone else;
 * - `DELETE /api/site-session` signs out.
 * The companion's moderation API itself is proxied on the page's origin (scripts/demo.ts), as a site's reverse
 * proxy would expose it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mintModeratorToken } from '@omnisocial/server';
import type { Plugin } from 'vite';

export const DEMO_SESSION_PATH = '/api/site-session';
export const DEMO_MODERATOR_TOKEN_PATH = '/api/moderator-token';
const COOKIE = 'omni-demo-session';

export interface DemoModerationOptions {
  readonly siteSecret: string;
  readonly members: readonly { readonly username: string; readonly displayName: string }[];
  /** Usernames of the site's moderators. */
  readonly moderators: readonly string[];
}

function reply(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  response.end(JSON.stringify(body));
}

async function readUser(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > 1024) return undefined;
  }
  try {
    return (JSON.parse(text) as { user?: unknown } | null)?.user;
  } catch {
    return undefined;
  }
}

export function demoModeration(options: DemoModerationOptions): Plugin {
  const sign = (user: string): string => createHmac('sha256', options.siteSecret).update(`session:${user}`).digest('base64url');
  const sessionUser = (request: IncomingMessage): string | undefined => {
    const cookie = (request.headers.cookie ?? '').split(/;\s*/u).find((part) => part.startsWith(`${COOKIE}=`));
    const [user = '', mac = ''] = decodeURIComponent(cookie?.slice(COOKIE.length + 1) ?? '').split('.');
    const expected = Buffer.from(sign(user));
    const given = Buffer.from(mac);
    return user !== '' && given.length === expected.length && timingSafeEqual(given, expected) ? user : undefined;
  };

  const session = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method === 'DELETE') {
      reply(response, 200, {}, { 'set-cookie': `${COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0` });
      return;
    }
    if (request.method === 'GET') {
      const user = sessionUser(request);
      reply(response, 200, { user: user ?? null, moderator: user !== undefined && options.moderators.includes(user) });
      return;
    }
    const user = await readUser(request);
    const member = options.members.find((candidate) => candidate.username === user);
    if (!member) {
      reply(response, 404, { error: 'The demo site has no such member.' });
      return;
    }
    const value = encodeURIComponent(`${member.username}.${sign(member.username)}`);
    reply(
      response,
      200,
      { user: member.username, moderator: options.moderators.includes(member.username) },
      { 'set-cookie': `${COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict` },
    );
  };

  const token = (request: IncomingMessage, response: ServerResponse): void => {
    if (request.method !== 'POST') {
      reply(response, 405, { error: 'Use POST.' });
      return;
    }
    const user = sessionUser(request);
    if (!user) {
      reply(response, 401, { error: 'Sign in to the site first.' });
      return;
    }
    if (!options.moderators.includes(user)) {
      reply(response, 403, { error: `${user} is not one of the site's moderators.` });
      return;
    }
    const { token: value, expiresAt } = mintModeratorToken(options.siteSecret, user);
    reply(response, 200, { token: value, expiresAt });
  };

  return {
    name: 'omni-demo-moderation',
    configureServer(server) {
      server.middlewares.use(DEMO_SESSION_PATH, (request, response) => void session(request, response));
      server.middlewares.use(DEMO_MODERATOR_TOKEN_PATH, (request, response) => {
        token(request, response);
      });
    },
  };
}
