/**
 * The moderation part of the site API, signed like the members API (site-auth.ts):
 *
 *   GET  /_omni/v1/moderation/queue?from=0&limit=50     the queue, newest first
 *   POST /_omni/v1/moderation/queue/{id}/{action}        delete | ban | dismiss (reports), release | reject (held)
 *   GET  /_omni/v1/moderation/rules                      the site-wide ban rules
 *   POST /_omni/v1/moderation/rules                      {"kind": "user"|"server", "entity", "reason"}: add a ban rule
 *   POST /_omni/v1/moderation/rules/remove               {"kind", "entity"}: lift it
 *   POST /_omni/v1/moderation/token                      {"moderator", "ttlMs"?}: a short-lived moderator token
 *                                                        (signed requests only; moderator-token.ts)
 *
 * Besides the site's signature, every route but `token` accepts `Authorization: Bearer <key or token>`: the
 * served page's moderator key, or a moderator token the site's backend minted for its moderator's browser.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MintedToken, ModerationRefusalBody } from '@omnisocial/core/moderation';
import { HomeserverError } from '../homeserver.ts';
import type { SiteVerifier } from '../site-auth.ts';
import { PolicyError, type SitePolicy } from './policy.ts';
import { QueueError, type ModerationQueue, type QueueAction } from './reports.ts';
import type { RuleKind } from './rules.ts';
import { MODERATION_PAGE, MODERATION_PAGE_CSP } from './page.ts';
import { mintModeratorToken, MODERATOR_TOKEN_TTL_MS, verifyModeratorToken } from './moderator-token.ts';

export const MODERATION_PREFIX = '/_omni/v1/moderation/';
const ACTIONS = new Set<QueueAction>(['delete', 'ban', 'dismiss', 'release', 'reject']);

export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

export interface ModerationApi {
  readonly queue: ModerationQueue;
  readonly policy: SitePolicy;
  readonly verifier: SiteVerifier;
  /** The moderators' key for the served page (`Authorization: Bearer <key>`); unset: signed requests only. */
  readonly moderatorKey?: string;
  /** Checks moderator tokens and mints them. */
  readonly siteSecret: string;
  readBody(request: IncomingMessage): Promise<string>;
}

const refuse = (status: number, errcode: string, error: string): Reply => {
  const body: ModerationRefusalBody = { errcode, error };
  return { status, body };
};

function parseJson(body: string): Record<string, unknown> {
  if (body === '') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Answered below.
  }
  throw new QueueError('The body must be a JSON object.');
}

function ruleBody(body: Record<string, unknown>): { kind: RuleKind; entity: string; reason: string } {
  const { kind, entity, reason } = body;
  if (kind !== 'user' && kind !== 'server') throw new QueueError('"kind" must be "user" or "server".');
  if (typeof entity !== 'string') throw new QueueError('"entity" must be a user id, a server name or a glob of one.');
  if (reason !== undefined && typeof reason !== 'string') throw new QueueError('"reason" must be a string.');
  return { kind, entity, reason: reason ?? '' };
}

async function dispatch(api: ModerationApi, method: string, url: URL, body: Record<string, unknown>): Promise<Reply> {
  const rest = url.pathname.slice(MODERATION_PREFIX.length);
  if (method === 'GET' && rest === 'queue') {
    const from = Number(url.searchParams.get('from') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 50);
    if (!Number.isInteger(from) || from < 0 || !Number.isInteger(limit) || limit < 1 || limit > 200) {
      throw new QueueError('"from" must be 0 or more and "limit" 1–200.');
    }
    return { status: 200, body: await api.queue.list(from, limit) };
  }
  const act = /^queue\/([^/]+)\/([a-z]+)$/u.exec(rest);
  if (method === 'POST' && act) {
    const action = act[2] as QueueAction;
    if (!ACTIONS.has(action)) throw new QueueError(`Unknown action "${action}": delete, ban, dismiss, release or reject.`, 404);
    const reason = typeof body['reason'] === 'string' ? body['reason'] : undefined;
    return { status: 200, body: await api.queue.act(decodeURIComponent(act[1] ?? ''), action, reason) };
  }
  if (method === 'POST' && rest === 'token') return { status: 200, body: mintToken(api.siteSecret, body) };
  if (method === 'GET' && rest === 'rules') return { status: 200, body: { roomId: api.policy.roomId, rules: await api.policy.current() } };
  if (method === 'POST' && rest === 'rules') {
    const { kind, entity, reason } = ruleBody(body);
    return { status: 200, body: await api.policy.addRule(kind, entity, reason) };
  }
  if (method === 'POST' && rest === 'rules/remove') {
    const { kind, entity } = ruleBody(body);
    return { status: 200, body: await api.policy.removeRule(kind, entity) };
  }
  return refuse(404, 'M_NOT_FOUND', 'No such moderation endpoint.');
}

function mintToken(siteSecret: string, body: Record<string, unknown>): MintedToken {
  const { moderator, ttlMs } = body;
  if (typeof moderator !== 'string') throw new QueueError('"moderator" must name the moderator (the site\'s id for them).');
  if (ttlMs !== undefined && typeof ttlMs !== 'number') throw new QueueError('"ttlMs" must be a number of milliseconds.');
  try {
    const { token, expiresAt } = mintModeratorToken(siteSecret, moderator, ttlMs ?? MODERATOR_TOKEN_TTL_MS);
    return { token, expiresAt };
  } catch (error) {
    throw new QueueError(error instanceof Error ? error.message : String(error));
  }
}

type Caller = { ok: true; by: 'site' | 'key' | 'token'; moderator?: string } | { ok: false; reason: string };

/** Who is asking: the site (signed), a moderator with the page's key, or one with a token the site minted. */
async function authorize(api: ModerationApi, method: string, url: URL, request: IncomingMessage, text: string): Promise<Caller> {
  const header = request.headers.authorization;
  const minting = url.pathname === `${MODERATION_PREFIX}token`;
  if (!minting && header?.startsWith('Bearer omod1.')) {
    const verdict = verifyModeratorToken(api.siteSecret, header.slice('Bearer '.length));
    return verdict.ok ? { ok: true, by: 'token', moderator: verdict.moderator } : verdict;
  }
  if (!minting && moderatorKeyMatches(api.moderatorKey, header)) return { ok: true, by: 'key' };
  const verdict = await api.verifier.verifyOnce(method, url.pathname + url.search, request.headers, text);
  return verdict.ok ? { ok: true, by: 'site' } : verdict;
}

function moderatorKeyMatches(key: string | undefined, header: string | undefined): boolean {
  if (!key || !header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length));
  const expected = Buffer.from(key);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Serves the moderation page (when a moderator key is configured); true when it answered. */
export function serveModerationPage(moderatorKey: string | undefined, request: IncomingMessage, response: ServerResponse): boolean {
  if (!moderatorKey || request.method !== 'GET' || new URL(request.url ?? '/', 'http://companion').pathname !== MODERATION_PREFIX)
    return false;
  response.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': MODERATION_PAGE_CSP,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  response.end(MODERATION_PAGE);
  return true;
}

/** Answers a request under `MODERATION_PREFIX`; every error becomes a clear answer. */
export async function moderationRoute(api: ModerationApi, request: IncomingMessage, url: URL): Promise<Reply> {
  const method = request.method ?? 'GET';
  if (method !== 'GET' && method !== 'POST') return refuse(405, 'M_UNRECOGNIZED', 'Use GET or POST.');
  try {
    const text = method === 'POST' ? await api.readBody(request) : '';
    const caller = await authorize(api, method, url, request, text);
    if (!caller.ok) return refuse(401, 'M_FORBIDDEN', caller.reason);
    if (method === 'POST' && caller.moderator !== undefined) {
      console.error(`[omni-companion] moderator ${caller.moderator}: ${decodeURIComponent(url.pathname.slice(MODERATION_PREFIX.length))}`);
    }
    return await dispatch(api, method, url, parseJson(text));
  } catch (error) {
    if (error instanceof QueueError || error instanceof PolicyError) return refuse(error.status, 'M_BAD_JSON', error.message);
    if (error instanceof HomeserverError) {
      const hint =
        error.status === 403 && /admin/iu.test(error.message) ? ' (the bot or moderation.adminToken must be a server admin)' : '';
      console.error('[omni-companion] moderation request failed', error.message);
      return refuse(502, error.errcode, `The homeserver refused: ${error.message}${hint}`);
    }
    if (error instanceof Error && 'status' in error && typeof error.status === 'number')
      return refuse(error.status, 'M_BAD_JSON', error.message);
    console.error('[omni-companion] moderation request failed', error);
    return refuse(500, 'M_UNKNOWN', 'The moderation request failed.');
  }
}
