/**
 * The companion's configuration: one JSON file, environment variables, or both (the variables win).
 * Everything has a default but the homeserver, the server name and the site's secret.
 */
import { readFileSync } from 'node:fs';
import type { SitePost } from './posts.ts';
import { resolveModerationConfig } from './moderation/config.ts';
import type { ModerationConfig } from './moderation/index.ts';
import type { PushConfig } from './pusher.ts';

export interface CompanionConfig {
  /** The client-server API of the site's homeserver, as the companion reaches it. */
  readonly homeserverUrl: string;
  /** The homeserver's URL as pages reach it (returned to the site with login tokens). Default `homeserverUrl`. */
  readonly publicHomeserverUrl: string;
  /** The domain of user ids and aliases. */
  readonly serverName: string;
  /** Where the registration is kept (generated on first start). */
  readonly registrationFile: string;
  /** Where the companion listens for the homeserver (application-service API). */
  readonly appService: { readonly host: string; readonly port: number; readonly url: string };
  /** Where the companion listens for the site's backend (members' sign-in). */
  readonly siteApi: { readonly host: string; readonly port: number };
  /** Shared with the site's backend: signs its requests to the companion and the companion's post callbacks. */
  readonly siteSecret: string;
  readonly botLocalpart: string;
  readonly aliasTemplate: string;
  /** Which posts exist: the site's callback URL, or a fixed list. */
  readonly posts: { readonly callback?: string; readonly list?: readonly SitePost[]; readonly timeoutMs: number };
  /** The site's members' localpart prefix (e.g. `site_`); empty by default. */
  readonly memberPrefix: string;
  /** The moderation queue, site-wide bans and abuse controls (docs/server.md, "Moderation"). */
  readonly moderation: ModerationConfig;
  /** The site's notification hook (pusher.ts, docs/notifications.md); off without a URL. */
  readonly push?: PushConfig;
  /**
   * A PostgreSQL URL (`postgresql://user:password@host:5432/db`) where replicas share held messages, request
   * nonces and abuse counters (state-store.ts); unset: this process's memory, for one companion.
   */
  readonly database?: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Source = Record<string, unknown>;

function pick(file: Source, env: NodeJS.ProcessEnv, key: string, variable: string): unknown {
  return env[variable] ?? file[key];
}

function text(value: unknown, name: string, fallback?: string): string {
  if (value === undefined || value === '') {
    if (fallback !== undefined) return fallback;
    throw new ConfigError(`The companion needs ${name}.`);
  }
  if (typeof value !== 'string') throw new ConfigError(`${name} must be a string.`);
  return value;
}

function port(value: unknown, name: string, fallback: number): number {
  const number = value === undefined || value === '' ? fallback : Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65_535) throw new ConfigError(`${name} must be a port number.`);
  return number;
}

/** Reads the configuration from `file` (when given) and the environment. */
export function loadConfig(file?: string, env: NodeJS.ProcessEnv = process.env): CompanionConfig {
  let source: Source = {};
  const path = file ?? env['OMNI_COMPANION_CONFIG'];
  if (path) {
    try {
      source = JSON.parse(readFileSync(path, 'utf8')) as Source;
    } catch (error) {
      throw new ConfigError(`Cannot read the configuration ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return resolveConfig(source, env);
}

export function resolveConfig(source: Source, env: NodeJS.ProcessEnv = {}): CompanionConfig {
  const appService = (source['appService'] ?? {}) as Source;
  const siteApi = (source['siteApi'] ?? {}) as Source;
  const posts = (source['posts'] ?? {}) as Source;
  const homeserverUrl = text(pick(source, env, 'homeserverUrl', 'OMNI_HOMESERVER_URL'), 'homeserverUrl (OMNI_HOMESERVER_URL)');
  const siteSecret = text(pick(source, env, 'siteSecret', 'OMNI_SITE_SECRET'), 'siteSecret (OMNI_SITE_SECRET)');
  if (siteSecret.length < 32) throw new ConfigError('siteSecret must be at least 32 characters long.');
  const asHost = text(env['OMNI_COMPANION_HOST'] ?? appService['host'], 'appService.host', '127.0.0.1');
  const asPort = port(env['OMNI_COMPANION_PORT'] ?? appService['port'], 'appService.port', 9_000);
  const callback = env['OMNI_POSTS_CALLBACK'] ?? posts['callback'];
  const list = posts['list'];
  if (callback === undefined && list === undefined) throw new ConfigError('posts.callback (OMNI_POSTS_CALLBACK) or posts.list is needed.');
  if (list !== undefined && !Array.isArray(list)) throw new ConfigError('posts.list must be a list of posts.');
  const template = text(pick(source, env, 'aliasTemplate', 'OMNI_ALIAS_TEMPLATE'), 'aliasTemplate', 'post.{id}');
  if (template.split('{id}').length !== 2) throw new ConfigError('aliasTemplate must contain "{id}" once.');
  return {
    homeserverUrl,
    publicHomeserverUrl: text(pick(source, env, 'publicHomeserverUrl', 'OMNI_PUBLIC_HOMESERVER_URL'), 'publicHomeserverUrl', homeserverUrl),
    serverName: text(pick(source, env, 'serverName', 'OMNI_SERVER_NAME'), 'serverName (OMNI_SERVER_NAME)'),
    registrationFile: text(
      pick(source, env, 'registrationFile', 'OMNI_REGISTRATION_FILE'),
      'registrationFile',
      'omni-companion-registration.yaml',
    ),
    appService: {
      host: asHost,
      port: asPort,
      url: text(env['OMNI_COMPANION_URL'] ?? appService['url'], 'appService.url', `http://${asHost}:${String(asPort)}`),
    },
    siteApi: {
      host: text(env['OMNI_SITE_API_HOST'] ?? siteApi['host'], 'siteApi.host', '127.0.0.1'),
      port: port(env['OMNI_SITE_API_PORT'] ?? siteApi['port'], 'siteApi.port', 9_001),
    },
    siteSecret,
    botLocalpart: text(pick(source, env, 'botLocalpart', 'OMNI_BOT_LOCALPART'), 'botLocalpart', 'omni'),
    aliasTemplate: template,
    posts: {
      ...(typeof callback === 'string' ? { callback } : {}),
      ...(Array.isArray(list) ? { list: list as SitePost[] } : {}),
      timeoutMs: port(posts['timeoutMs'], 'posts.timeoutMs', 5_000),
    },
    memberPrefix: text(pick(source, env, 'memberPrefix', 'OMNI_MEMBER_PREFIX'), 'memberPrefix', ''),
    moderation: resolveModerationConfig((source['moderation'] ?? {}) as Source, env, ConfigError),
    ...pushConfig((source['push'] ?? {}) as Source, env),
    ...databaseConfig(pick(source, env, 'database', 'OMNI_DATABASE_URL')),
  };
}

function databaseConfig(database: unknown): { database?: string } {
  if (database === undefined || database === '') return {};
  if (typeof database !== 'string' || !/^postgres(?:ql)?:\/\//u.test(database))
    throw new ConfigError('database must be a postgresql:// URL.');
  return { database };
}

function pushConfig(push: Source, env: NodeJS.ProcessEnv): { push?: PushConfig } {
  const url = env['OMNI_PUSH_URL'] ?? push['url'];
  if (url === undefined || url === '') return {};
  if (typeof url !== 'string' || !/^https?:\/\//u.test(url)) throw new ConfigError('push.url must be an http(s) URL.');
  const gatewayUrl = env['OMNI_PUSH_GATEWAY_URL'] ?? push['gatewayUrl'];
  if (gatewayUrl !== undefined && typeof gatewayUrl !== 'string') throw new ConfigError('push.gatewayUrl must be a URL.');
  return {
    push: { url, ...(gatewayUrl ? { gatewayUrl } : {}), timeoutMs: port(push['timeoutMs'], 'push.timeoutMs', 5_000) },
  };
}
