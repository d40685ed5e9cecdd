/**
 * What `startSynapse()` writes into a fresh configuration directory: homeserver.yaml (as JSON, which is
 * valid YAML), the log configuration, a signing key, the consent pages and the no-room-creation module.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface StartSynapseOptions {
  /** The domain in user IDs and aliases (`@alice:<serverName>`). Default `localhost`. */
  serverName?: string;
  /** Keep Synapse's production rate limits instead of relaxing them for tests. */
  rateLimited?: boolean;
  /** Allow open client registration (`POST /register`) without email/captcha. */
  registration?: boolean;
  /** Listen on this port instead of a random free one. */
  port?: number;
  /** Open registration that needs a registration token (`registration_requires_token`); see `createRegistrationToken()`. */
  registrationToken?: boolean;
  /** Registration asks the member to accept a privacy policy (`user_consent` with `m.login.terms`). */
  terms?: boolean;
  /** Guest registration (`allow_guest_access`). Default true. */
  guestAccess?: boolean;
  /** `POST /login/get_token` (MSC3882) without interactive auth, used by `mintLoginToken()`. Default true. */
  loginViaExistingSession?: boolean;
  /**
   * Expiring access tokens, as Synapse durations (`'5s'`): `refreshable` for clients that ask for a
   * refresh token, `nonRefreshable` for those that do not (they get a soft logout on expiry).
   */
  accessTokenLifetime?: { refreshable?: string; nonRefreshable?: string };
  /**
   * Room creation: `forbidden` makes Synapse refuse every `/createRoom` with 403 (a spam-checker module
   * written next to the config), `rateLimited` keeps Synapse's `rc_room_creation` at one room per
   * `perSecond` with a burst of `burstCount` (429 with a retry delay beyond it). Default: allowed.
   */
  roomCreation?: 'forbidden' | { rateLimited: { perSecond: number; burstCount: number } };
  /**
   * A single-server benchmark: Synapse skips work no figure depends on, so seeding large histories costs
   * less CPU per event. No federation sender (`federation_sender_instances: []`), no presence, no push to
   * pushers, no room/user statistics, and the log at WARNING instead of INFO (one line per request).
   * Clients see the same Matrix API, and bcrypt keeps its default rounds (tests take 4). Default false.
   */
  bench?: boolean;
  /**
   * Start from a copy of a snapshot written by `Homeserver.saveSnapshot()` (its database, signing key and
   * media store) instead of an empty database; the server name must be the snapshot's. Accounts, rooms and
   * access tokens in it keep working. Used by `pnpm bench` to seed a large history once per machine.
   */
  snapshot?: string;
  /** Application-service registration files the homeserver loads (`app_service_config_files`). */
  appServices?: readonly string[];
  /** Extra content of `/.well-known/matrix/client`, which the homeserver then serves. */
  wellKnown?: Record<string, unknown>;
  /** A TLS federation listener and the CA it trusts for outbound federation (see federation.ts). */
  federationTls?: FederationTls;
  /**
   * A server of its own even where a step shares one Synapse among its test files (shared-synapse.ts): for a
   * file that kills, restarts or snapshots it. Does not change the configuration.
   */
  own?: boolean;
}

/** Files and port of a server's federation over TLS, made by `startFederation()`. */
export interface FederationTls {
  /** The port of the TLS listener serving `/_matrix/federation` and `/_matrix/key`. */
  port: number;
  certificate: string;
  privateKey: string;
  /** The CA file outbound federation trusts (`federation_custom_ca_list`), instead of the system's. */
  caFile: string;
}

/** Synapse's key file format: `ed25519 <key id> <unpadded base64 seed>`. */
export function signingKey(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
  return `ed25519 a_${randomBytes(3).toString('hex')} ${seed.toString('base64').replace(/=+$/, '')}\n`;
}

export function logConfig(logFile: string, level: 'INFO' | 'WARNING' = 'INFO'): Record<string, unknown> {
  return {
    version: 1,
    formatters: { precise: { format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s' } },
    handlers: { file: { class: 'logging.FileHandler', formatter: 'precise', filename: logFile, encoding: 'utf8' } },
    loggers: { 'synapse.storage.SQL': { level: 'WARNING' } },
    root: { level, handlers: ['file'] },
    disable_existing_loggers: false,
  };
}

/** Every rate limiter Synapse 1.163 reads (synapse/config/ratelimiting.py). */
const RATE_LIMITERS = [
  'rc_message',
  'rc_registration',
  'rc_registration_token_validity',
  'rc_login.address',
  'rc_login.account',
  'rc_login.failed_attempts',
  'rc_admin_redaction',
  'rc_joins.local',
  'rc_joins.remote',
  'rc_joins_per_room',
  'rc_key_requests',
  'rc_3pid_validation',
  'rc_invites.per_room',
  'rc_invites.per_user',
  'rc_invites.per_issuer',
  'rc_third_party_invite',
  'rc_media_create',
  'rc_presence.per_user',
  'rc_delayed_event_mgmt',
  'rc_room_creation',
  'rc_reports',
  'rc_user_directory',
  'rc_profile',
];

function relaxedRateLimits(): Record<string, unknown> {
  const relaxed = { per_second: 1000, burst_count: 1000 };
  const config: Record<string, Record<string, unknown>> = {};
  for (const key of RATE_LIMITERS) {
    const [section = key, sub] = key.split('.');
    if (sub === undefined) config[section] = relaxed;
    else config[section] = { ...config[section], [sub]: relaxed };
  }
  // Federation uses a different limiter shape; loose values keep multi-server tests from being throttled.
  config['rc_federation'] = { window_size: 1000, sleep_limit: 1000, sleep_delay: 1, reject_limit: 10_000, concurrent: 100 };
  return config;
}

/**
 * The configuration `startSynapse(options)` writes, with this start's port, paths and secrets replaced by
 * placeholders: what a cache of a seeded database (`saveSnapshot`) must be keyed by besides the version.
 */
export function synapseConfigFingerprint(options: StartSynapseOptions = {}): string {
  const fixed = homeserverConfig({
    ...options,
    snapshot: undefined,
    serverName: options.serverName ?? 'localhost',
    port: 0,
    baseUrl: 'http://127.0.0.1:0',
    configDir: '/config',
    sharedSecret: 'secret',
  });
  // Secrets are made afresh on every start and do not change what the database holds.
  const rest = Object.fromEntries(Object.entries(fixed).filter(([key]) => key !== 'macaroon_secret_key' && key !== 'form_secret'));
  return JSON.stringify({ config: rest, log: options.bench ? 'WARNING' : 'INFO' });
}

export function homeserverConfig(o: {
  serverName: string;
  port: number;
  baseUrl: string;
  configDir: string;
  sharedSecret: string;
  rateLimited?: boolean;
  registration?: boolean;
  registrationToken?: boolean;
  terms?: boolean;
  guestAccess?: boolean;
  loginViaExistingSession?: boolean;
  accessTokenLifetime?: { refreshable?: string; nonRefreshable?: string };
  roomCreation?: StartSynapseOptions['roomCreation'];
  bench?: boolean;
  snapshot?: string;
  appServices?: readonly string[];
  wellKnown?: Record<string, unknown>;
  federationTls?: FederationTls;
}): Record<string, unknown> {
  const registration = o.registration === true || o.registrationToken === true;
  // JSON is valid YAML, so no YAML serialiser is needed.
  return {
    server_name: o.serverName,
    public_baseurl: `${o.baseUrl}/`,
    pid_file: path.join(o.configDir, 'homeserver.pid'),
    listeners: [
      {
        port: o.port,
        bind_addresses: ['127.0.0.1'],
        type: 'http',
        tls: false,
        x_forwarded: false,
        resources: [{ names: o.terms ? ['client', 'federation', 'consent'] : ['client', 'federation'], compress: false }],
      },
      ...(o.federationTls ? [federationListener(o.federationTls.port)] : []),
    ],
    database: { name: 'sqlite3', args: { database: path.join(o.configDir, 'homeserver.db') } },
    media_store_path: path.join(o.configDir, 'media'),
    signing_key_path: path.join(o.configDir, 'signing.key'),
    log_config: path.join(o.configDir, 'log.yaml'),
    registration_shared_secret: o.sharedSecret,
    // Every registration and password login hashes with bcrypt: Synapse's 12 rounds cost a test about 0.3 s of a
    // core each time. Tests take 4 (the least bcrypt allows); a benchmark keeps the default, as deployed.
    ...(o.bench ? {} : { bcrypt_rounds: 4 }),
    macaroon_secret_key: randomBytes(32).toString('hex'),
    form_secret: randomBytes(32).toString('hex'),
    enable_registration: registration,
    ...(registration ? { enable_registration_without_verification: true } : {}),
    ...(o.registrationToken ? { registration_requires_token: true } : {}),
    ...(o.terms
      ? {
          user_consent: {
            version: CONSENT_VERSION,
            template_dir: path.join(o.configDir, 'consent'),
            require_at_registration: true,
            policy_name: 'Terms of Service',
          },
        }
      : {}),
    // A site backend mints one-time login tokens for its members with a puppet token, which cannot answer UIA.
    ...(o.loginViaExistingSession === false ? {} : { login_via_existing_session: { enabled: true, require_ui_auth: false } }),
    allow_guest_access: o.guestAccess !== false,
    ...(o.appServices?.length ? { app_service_config_files: [...o.appServices] } : {}),
    ...(o.wellKnown ? { serve_client_wellknown: true, extra_well_known_client_content: o.wellKnown } : {}),
    ...(o.accessTokenLifetime?.refreshable ? { refreshable_access_token_lifetime: o.accessTokenLifetime.refreshable } : {}),
    ...(o.accessTokenLifetime?.nonRefreshable ? { nonrefreshable_access_token_lifetime: o.accessTokenLifetime.nonRefreshable } : {}),
    enable_authenticated_media: true,
    report_stats: false,
    enable_metrics: false,
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    // Link previews (the client's preview card) of pages the tests serve on loopback; every other private range stays refused.
    url_preview_enabled: true,
    url_preview_ip_range_blacklist: [...FEDERATION_BLOCKED_RANGES, '127.0.0.0/8', '::1/128', '0.0.0.0/8'],
    url_preview_ip_range_whitelist: ['127.0.0.1'],
    // Synapse refuses outbound requests to private addresses by default; federation between local test servers needs loopback.
    ip_range_whitelist: ['127.0.0.1', '::1'],
    ...(o.rateLimited ? {} : relaxedRateLimits()),
    // Synapse runs with its config directory as working directory, so `python -m` finds the module there.
    ...(o.roomCreation === 'forbidden' ? { modules: [{ module: `${NO_ROOMS_MODULE}.NoRoomCreation`, config: {} }] } : {}),
    ...(typeof o.roomCreation === 'object'
      ? {
          rc_room_creation: {
            per_second: o.roomCreation.rateLimited.perSecond,
            burst_count: o.roomCreation.rateLimited.burstCount,
          },
        }
      : {}),
    ...(o.federationTls ? federationTlsConfig(o.federationTls) : {}),
    ...(o.bench
      ? { federation_sender_instances: [], presence: { enabled: false }, push: { enabled: false }, stats: { enabled: false } }
      : {}),
  };
}

function federationListener(port: number): Record<string, unknown> {
  return {
    port,
    bind_addresses: ['127.0.0.1'],
    type: 'http',
    tls: true,
    x_forwarded: false,
    resources: [{ names: ['federation'], compress: false }],
  };
}

/** Synapse 1.163's DEFAULT_IP_RANGE_BLOCKLIST without 127.0.0.0/8 and ::1/128. */
const FEDERATION_BLOCKED_RANGES = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '192.0.0.0/24',
  '169.254.0.0/16',
  '192.88.99.0/24',
  '198.18.0.0/15',
  '192.0.2.0/24',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  'fe80::/10',
  'fc00::/7',
  '2001:db8::/32',
  'ff00::/8',
  'fec0::/10',
];

function federationTlsConfig(tls: FederationTls): Record<string, unknown> {
  return {
    tls_certificate_path: tls.certificate,
    tls_private_key_path: tls.privateKey,
    // Certificates stay verified (the default); only the CA they must chain to is the harness's own.
    federation_verify_certificates: true,
    federation_custom_ca_list: [tls.caFile],
    // Synapse's default private ranges without loopback. The federation client refuses a server named by an IP
    // literal (`127.0.0.1:<port>`) on this list alone, ignoring `ip_range_whitelist`.
    federation_ip_range_blacklist: FEDERATION_BLOCKED_RANGES,
    // A restarted peer is retried within seconds rather than Synapse's ten-minute back-off.
    federation: {
      destination_min_retry_interval: '1s',
      destination_retry_multiplier: 1.5,
      destination_max_retry_interval: '5s',
    },
  };
}

export const NO_ROOMS_MODULE = 'omni_no_room_creation';

/** A Synapse module refusing room creation to everyone, as a site that reserves it to its backend would. */
export const NO_ROOMS_SOURCE = `from synapse.module_api import ModuleApi
from synapse.module_api.errors import Codes


class NoRoomCreation:
    def __init__(self, config, api: ModuleApi):
        api.register_spam_checker_callbacks(user_may_create_room=self.user_may_create_room)

    @staticmethod
    def parse_config(config):
        return config

    async def user_may_create_room(self, user_id, room_config=None):
        return Codes.FORBIDDEN
`;

const CONSENT_VERSION = '1.0';

/** The policy pages `user_consent` serves at `/_matrix/consent` (one directory per language). */
export async function writeConsentTemplates(configDir: string): Promise<void> {
  const dir = path.join(configDir, 'consent', 'en');
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, `${CONSENT_VERSION}.html`),
    '<!doctype html><html lang="en"><title>Terms of Service</title><h1>Terms of Service</h1><p>Be kind.</p></html>\n',
  );
  await writeFile(path.join(dir, 'success.html'), '<!doctype html><html lang="en"><title>Thanks</title><p>Thank you.</p></html>\n');
}
