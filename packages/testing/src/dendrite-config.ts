/**
 * What `startDendrite()` writes into a fresh configuration directory: dendrite.yaml (as JSON, which is
 * valid YAML), SQLite databases, the media store and the embedded NATS JetStream beside it. Only the
 * options Dendrite has an equivalent for are accepted; the rest are refused by name (dendrite.ts).
 */
import path from 'node:path';

export interface StartDendriteOptions {
  /** The domain in user IDs and aliases (`@alice:<serverName>`). Default `localhost`. */
  serverName?: string;
  /** Listen on this port instead of a random free one. */
  port?: number;
  /** Keep Dendrite's client rate limiting (off by default, as for Synapse). */
  rateLimited?: boolean;
  /** Open client registration (`POST /register`) without captcha (`-really-enable-open-registration`). */
  registration?: boolean;
  /** Registration that needs a registration token (`registration_requires_token`). */
  registrationToken?: boolean;
  /** Guest registration. Default true, as for Synapse. */
  guestAccess?: boolean;
  /** Application-service registration files the homeserver loads (`app_service_api.config_files`). */
  appServices?: readonly string[];
}

/** SQLite databases, one per component (Dendrite's shared database pool is for PostgreSQL). */
const DATABASES = {
  federation_api: 'federationapi',
  key_server: 'keyserver',
  media_api: 'mediaapi',
  mscs: 'mscs',
  relay_api: 'relayapi',
  room_server: 'roomserver',
  sync_api: 'syncapi',
} as const;

/**
 * Dendrite lets guests register only where registration is open (`handleGuestRegistration`), where Synapse
 * has a switch for each. So a server with guests but without open registration (the harness's default, as
 * for Synapse) opens registration behind a registration token: guests register, members need a token.
 */
export function dendriteRegistration(o: StartDendriteOptions): { registrationDisabled: boolean; requiresToken: boolean } {
  const guests = o.guestAccess !== false;
  if (o.registration === true && o.registrationToken !== true) return { registrationDisabled: false, requiresToken: false };
  if (o.registrationToken === true || guests) return { registrationDisabled: false, requiresToken: true };
  return { registrationDisabled: true, requiresToken: false };
}

export function dendriteConfig(
  o: StartDendriteOptions & { serverName: string; configDir: string; sharedSecret: string },
): Record<string, unknown> {
  const database = (name: string): { connection_string: string } => ({ connection_string: `file:${path.join(o.configDir, `${name}.db`)}` });
  const components = Object.fromEntries(Object.entries(DATABASES).map(([section, file]) => [section, { database: database(file) }]));
  const { registrationDisabled, requiresToken } = dendriteRegistration(o);
  const section = (name: keyof typeof DATABASES, rest: Record<string, unknown>): Record<string, unknown> => ({
    ...(components[name] as Record<string, unknown>),
    ...rest,
  });
  return {
    version: 2,
    global: {
      server_name: o.serverName,
      private_key: path.join(o.configDir, 'matrix_key.pem'),
      key_validity_period: '168h0m0s',
      cache: { max_size_estimated: '64mb', max_age: '1h' },
      trusted_third_party_id_servers: [],
      disable_federation: false,
      presence: { enable_inbound: false, enable_outbound: false },
      report_stats: { enabled: false },
      server_notices: { enabled: false },
      // Embedded NATS (nothing listens), on disk: events queued between components survive a crash and restart.
      jetstream: { addresses: [], storage_path: path.join(o.configDir, 'jetstream'), topic_prefix: 'Dendrite', in_memory: false },
      metrics: { enabled: false },
      dns_cache: { enabled: false },
    },
    app_service_api: { disable_tls_validation: false, legacy_auth: false, legacy_paths: false, config_files: [...(o.appServices ?? [])] },
    client_api: {
      registration_disabled: registrationDisabled,
      registration_requires_token: requiresToken,
      guests_disabled: o.guestAccess === false,
      registration_shared_secret: o.sharedSecret,
      enable_registration_captcha: false,
      rate_limiting: { enabled: o.rateLimited === true, threshold: 20, cooloff_ms: 500, exempt_user_ids: [] },
    },
    federation_api: section('federation_api', { send_max_retries: 16, key_perspectives: [], prefer_direct_fetch: true }),
    key_server: components['key_server'],
    media_api: section('media_api', {
      base_path: path.join(o.configDir, 'media'),
      // Synapse's default upload limit, so the same attachments fit on both servers.
      max_file_size_bytes: 50 * 1024 * 1024,
      dynamic_thumbnails: true,
      max_thumbnail_generators: 4,
      thumbnail_sizes: [
        { width: 32, height: 32, method: 'crop' },
        { width: 96, height: 96, method: 'crop' },
        { width: 640, height: 480, method: 'scale' },
      ],
    }),
    mscs: section('mscs', { mscs: [] }),
    relay_api: components['relay_api'],
    room_server: components['room_server'],
    sync_api: section('sync_api', { search: { enabled: false } }),
    user_api: {
      account_database: database('userapi_accounts'),
      // bcrypt's minimum: test accounts need no resistance to offline guessing, and every login pays it.
      bcrypt_cost: 4,
      auto_join_rooms: [],
    },
    tracing: { enabled: false },
    // Dendrite's log goes to stderr, which the harness appends to one file beside the config.
    logging: [{ type: 'std', level: 'info' }],
  };
}
