/**
 * The demo site's backend, as a Vite plugin: what a site's own server does for its signed-in users. The
 * page's "Sign in as …" asks `POST /api/sign-in` with one of the site's users; the backend makes one signed
 * call to the companion's site API (docs/server.md), which provisions the member and mints a one-time login
 * token, and hands the token to the page for `signIn({ loginToken })`.
 *
 * Synapse mints at most one login token per member per minute. A second sign-in of the same member within
 * the minute is answered 429 with the wait at once, rather than held for up to a minute; the demo's page
 * then signs that member in with the demo password (the seeded members have one) and says so.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { signSiteRequest, SIGN_IN_PATH, type MemberLogin } from '@omnisocial/server';
import type { Plugin } from 'vite';

export const DEMO_SIGN_IN_PATH = '/api/sign-in';
const TOKEN_INTERVAL_MS = 60_000;
const BODY_MAX_BYTES = 1024;

export interface DemoBackendOptions {
  /** The companion's site API. */
  readonly companionUrl: string;
  readonly siteSecret: string;
  /** The site's users: their name and display name. */
  readonly members: readonly { readonly username: string; readonly displayName: string }[];
  /** Told each time a member is signed in through the companion. */
  readonly onSignIn?: (username: string) => void;
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > BODY_MAX_BYTES) throw new Error('The request is too large.');
  }
  return JSON.parse(text) as unknown;
}

/** One signed call to the companion for `username`; what it answered. */
async function companionSignIn(options: DemoBackendOptions, username: string, displayName: string): Promise<MemberLogin> {
  const body = JSON.stringify({ user: username, displayName });
  const answer = await fetch(options.companionUrl + SIGN_IN_PATH, {
    method: 'POST',
    headers: { ...signSiteRequest(options.siteSecret, 'POST', SIGN_IN_PATH, body), 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const json = (await answer.json()) as MemberLogin & { error?: string };
  if (!answer.ok) throw new Error(json.error ?? `The companion answered HTTP ${String(answer.status)}.`);
  return json;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

export function demoBackend(options: DemoBackendOptions): Plugin {
  const lastToken = new Map<string, number>();
  const answer = async (request: IncomingMessage): Promise<Answer> => {
    if (request.method !== 'POST') return { status: 405, body: { error: 'Use POST.' } };
    let user: unknown;
    try {
      user = ((await readJson(request)) as { user?: unknown } | null)?.user;
    } catch {
      return { status: 400, body: { error: 'The body must be JSON: {"user": "alice"}.' } };
    }
    const member = options.members.find((candidate) => candidate.username === user);
    if (!member) return { status: 404, body: { error: 'The demo site has no such member.' } };
    const since = Date.now() - (lastToken.get(member.username) ?? 0);
    if (since < TOKEN_INTERVAL_MS) {
      const error = `The homeserver gives ${member.displayName} one sign-in link a minute.`;
      return { status: 429, body: { error, retryAfterMs: TOKEN_INTERVAL_MS - since } };
    }
    lastToken.set(member.username, Date.now());
    try {
      const login = await companionSignIn(options, member.username, member.displayName);
      options.onSignIn?.(member.username);
      return { status: 200, body: login };
    } catch (error) {
      lastToken.delete(member.username);
      const reason = error instanceof Error ? error.message : String(error);
      return { status: 502, body: { error: `The site's chat service did not sign ${member.displayName} in: ${reason}` } };
    }
  };
  return {
    name: 'omni-demo-backend',
    configureServer(server) {
      server.middlewares.use(DEMO_SIGN_IN_PATH, (request, response) => {
        void answer(request).then(({ status, body }) => {
          reply(response, status, body);
        });
      });
    },
  };
}
