/**
 * The companion service: the application service the homeserver asks about post aliases (post-rooms.ts),
 * and a small HTTP API for the site's backend to sign its members in and to follow their profiles
 * (members.ts), and the public comment counts of posts for feeds (counts.ts). Two listeners, so the
 * homeserver-facing one can stay on a private network while the site's backend reaches the other.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppService } from 'matrix-appservice';
import type { CompanionConfig } from './config.ts';
import { Homeserver } from './homeserver.ts';
import { MemberError, Members, parseProfile } from './members.ts';
import { callbackPosts, SiteError, staticPosts, type PostDirectory } from './posts.ts';
import { PostRooms } from './post-rooms.ts';
import { loadOrCreateRegistration, type Registration } from './registration.ts';
import { Moderation } from './moderation/index.ts';
import { SiteVerifier } from './site-auth.ts';
import type { StateStore } from './state-store.ts';
import { openStateStore } from './state-store-open.ts';
import { answerCounts, COUNTS_PATH, PostCounts } from './counts.ts';
import { PUSH_GATEWAY_PATH, SitePusher } from './pusher.ts';

export const SIGN_IN_PATH = '/_omni/v1/members/sign-in';
export const PROFILE_PATH = '/_omni/v1/members/profile';
const BODY_MAX_BYTES = 16 * 1024;

export interface Companion {
  readonly registration: Registration;
  readonly botUserId: string;
  /** Where the homeserver reaches the application service. */
  readonly appServiceUrl: string;
  /** Where the site's backend reaches the companion. */
  readonly siteApiUrl: string;
  readonly postRooms: PostRooms;
  readonly members: Members;
  /** The moderation queue, site-wide bans and abuse controls. */
  readonly moderation: Moderation;
  /** Comment counts for feeds (counts.ts). */
  readonly counts: PostCounts;
  /** The site's notification hook, when configured (pusher.ts). */
  readonly pusher: SitePusher | undefined;
  /** Held messages, request nonces and abuse counters: memory, or PostgreSQL shared by replicas (`database`). */
  readonly store: StateStore;
  stop(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_MAX_BYTES) {
        reject(new MemberError('The request body is too large.', 413));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

function directoryOf(config: CompanionConfig): PostDirectory {
  const scheme = { serverName: config.serverName, template: config.aliasTemplate };
  if (config.posts.callback)
    return callbackPosts(config.posts.callback, scheme, { secret: config.siteSecret, timeoutMs: config.posts.timeoutMs });
  return staticPosts(config.posts.list ?? [], scheme);
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

/** The site's notification hook, once the site API listens (its gateway URL is the site API's). */
interface PusherHolder {
  current: SitePusher | undefined;
}

async function route(
  members: Members,
  verifier: SiteVerifier,
  request: IncomingMessage,
  moderation: Moderation,
  pusher: PusherHolder,
): Promise<Reply> {
  const url = new URL(request.url ?? '/', 'http://companion');
  if (moderation.handles(url)) return moderation.route(request, url);
  if (request.method === 'GET' && url.pathname === '/_omni/v1/health') return { status: 200, body: { ok: true } };
  if (url.pathname !== SIGN_IN_PATH && url.pathname !== PROFILE_PATH) {
    return { status: 404, body: { errcode: 'M_NOT_FOUND', error: 'No such endpoint.' } };
  }
  if (request.method !== 'POST') return { status: 405, body: { errcode: 'M_UNRECOGNIZED', error: 'Use POST.' } };
  const body = await readBody(request);
  const verdict = await verifier.verifyOnce('POST', url.pathname + url.search, request.headers, body);
  if (!verdict.ok) return { status: 401, body: { errcode: 'M_FORBIDDEN', error: verdict.reason } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new MemberError('The body is not JSON.');
  }
  const profile = parseProfile(parsed);
  if (url.pathname === PROFILE_PATH) return { status: 200, body: { userId: await members.update(profile) } };
  const login = await members.signIn(profile);
  await pusher.current?.register(login.userId).catch((error: unknown) => {
    console.error(`[omni-companion] registering ${login.userId}'s pusher failed:`, error);
  });
  return { status: 200, body: login };
}

function siteApi(
  members: Members,
  verifier: SiteVerifier,
  moderation: Moderation,
  counts: PostCounts,
  pusher: PusherHolder,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    if (moderation.servesPage(request, response)) return;
    if (pusher.current && request.url?.split('?')[0] === PUSH_GATEWAY_PATH) {
      pusher.current.handle(request, response);
      return;
    }
    if (request.url?.split('?')[0] === COUNTS_PATH) {
      answerCounts(counts, request, response);
      return;
    }
    route(members, verifier, request, moderation, pusher)
      .catch((error: unknown): Reply => {
        if (error instanceof MemberError) return { status: error.status, body: { errcode: 'M_BAD_JSON', error: error.message } };
        console.error('[omni-companion] signing a member in failed', error);
        return { status: 502, body: { errcode: 'M_UNKNOWN', error: 'The homeserver did not complete the sign-in.' } };
      })
      .then(
        ({ status, body }) => {
          if (!response.headersSent) answer(response, status, body);
        },
        () => undefined,
      );
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Starts the companion; the registration is generated at `config.registrationFile` when missing. */
export async function startCompanion(config: CompanionConfig): Promise<Companion> {
  const registration = await loadOrCreateRegistration(config.registrationFile, {
    url: config.appService.url,
    serverName: config.serverName,
    aliasTemplate: config.aliasTemplate,
    botLocalpart: config.botLocalpart,
    memberPrefix: config.memberPrefix,
    policyAlias: config.moderation.policyAlias,
  });
  const homeserver = new Homeserver({ url: config.homeserverUrl, asToken: registration.as_token });
  const botUserId = `@${registration.sender_localpart}:${config.serverName}`;
  const store = await openStateStore(config.database);
  const verifier = new SiteVerifier(config.siteSecret, store);
  const moderation = new Moderation({
    store,
    homeserver,
    botUserId,
    serverName: config.serverName,
    siteSecret: config.siteSecret,
    verifier,
    config: config.moderation,
    readBody,
  });
  const postRooms = new PostRooms({
    onCreated: (roomId) => moderation.onRoomCreated(roomId),
    homeserver,
    directory: directoryOf(config),
    scheme: { serverName: config.serverName, template: config.aliasTemplate },
    botUserId,
  });
  const members = new Members({
    homeserver,
    publicHomeserverUrl: config.publicHomeserverUrl,
    serverName: config.serverName,
    prefix: config.memberPrefix,
  });

  const appService = new AppService({ homeserverToken: registration.hs_token });
  appService.onAliasQuery = async (alias: string): Promise<void> => {
    let exists: boolean;
    try {
      exists = await postRooms.ensure(alias);
    } catch (error) {
      console.error(`[omni-companion] no room for ${alias}:`, error instanceof SiteError ? error.message : error);
      throw error;
    }
    if (!exists) throw new Error(`No post for ${alias}.`);
  };
  appService.on('event', (event: Record<string, unknown>) => moderation.onEvent(event));
  await appService.listen(config.appService.port, config.appService.host, 511);
  await moderation.start();
  const asServer = (appService as unknown as { server?: Server }).server;
  const asPort = asServer ? (asServer.address() as AddressInfo).port : config.appService.port;

  const counts = new PostCounts({
    homeserver,
    scheme: { serverName: config.serverName, template: config.aliasTemplate },
    lookingUp: (alias, running) => postRooms.countLookup(alias, running),
  });
  const pusher: PusherHolder = { current: undefined };
  const site = createServer(siteApi(members, verifier, moderation, counts, pusher));
  const sitePort = await listen(site, config.siteApi.port, config.siteApi.host);
  if (config.push) {
    pusher.current = new SitePusher({
      config: config.push,
      homeserver,
      secret: config.siteSecret,
      siteApiUrl: `http://${config.siteApi.host}:${String(sitePort)}`,
    });
  }
  return {
    registration,
    botUserId,
    appServiceUrl: `http://${config.appService.host}:${String(asPort)}`,
    siteApiUrl: `http://${config.siteApi.host}:${String(sitePort)}`,
    postRooms,
    members,
    moderation,
    counts,
    get pusher() {
      return pusher.current;
    },
    store,
    async stop() {
      await appService.close().catch(() => undefined);
      await new Promise<void>((resolve) => site.close(() => resolve()));
      site.closeAllConnections();
      // Events being judged finish first (their store writes), for at most ten seconds.
      let waited: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([moderation.settled(), new Promise<void>((resolve) => (waited = setTimeout(resolve, 10_000)))]);
      clearTimeout(waited);
      await store.close();
    },
  };
}
