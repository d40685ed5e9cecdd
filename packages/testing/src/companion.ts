/**
 * A site as it runs with its companion: a real Synapse that loads the companion's application-service
 * registration and advertises the companion's bot in `/.well-known/matrix/client`, and the companion
 * itself (packages/server) running in this process. Stopped together. With `OMNI_HOMESERVER=dendrite`, a
 * Dendrite instead: it serves no such well-known (pages name the bot with `companion-bot`), and the companion
 * gets an admin's token for the report admin API, since Dendrite cannot make its bot an admin.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadOrCreateRegistration, resolveConfig, startCompanion, type Companion, type SitePost } from '@omnisocial/server';
import { homeserverImplementation, startHomeserver, type HomeserverImplementation } from './homeserver-select.ts';
import type { Homeserver, StartSynapseOptions } from './synapse.ts';
import { freePort } from './synapse-process.ts';

/** The key of `/.well-known/matrix/client` naming the site's companion. */
export const COMPANION_WELL_KNOWN = 'org.omnisocial.companion';

export interface SiteOptions extends StartSynapseOptions {
  /** The posts that exist (a static list), unless `postsCallback` is given. */
  posts?: readonly SitePost[];
  /** The site's post callback URL. */
  postsCallback?: string;
  memberPrefix?: string;
  /** How long the companion waits for the site's callback, in milliseconds. */
  postsTimeoutMs?: number;
  /** The companion's `moderation` configuration (abuse controls, policy room). */
  moderation?: Record<string, unknown>;
  /** The companion's `push` configuration (the site's notification hook). */
  push?: Record<string, unknown>;
  /** The homeserver to run: `OMNI_HOMESERVER`'s choice (Synapse unless it says Dendrite) when not given. */
  implementation?: HomeserverImplementation;
}

export interface Site {
  readonly homeserver: Homeserver & { readonly implementation: HomeserverImplementation };
  readonly companion: Companion;
  /** Shared by the site's backend and the companion. */
  readonly siteSecret: string;
  /** Stops the companion (the homeserver keeps running: its alias queries then fail). */
  stopCompanion(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSite(options: SiteOptions = {}): Promise<Site> {
  const { posts, postsCallback, memberPrefix, postsTimeoutMs, moderation, push, implementation, ...synapseOptions } = options;
  const serverName = options.serverName ?? 'localhost';
  const dir = await mkdtemp(path.join(tmpdir(), 'omni-companion-'));
  const registrationFile = path.join(dir, 'registration.yaml');
  const appServicePort = await freePort();
  const siteSecret = randomBytes(32).toString('hex');
  const aliasTemplate = 'post.{id}';
  const registration = await loadOrCreateRegistration(registrationFile, {
    url: `http://127.0.0.1:${String(appServicePort)}`,
    serverName,
    aliasTemplate,
    botLocalpart: 'omni',
    memberPrefix: memberPrefix ?? '',
  });
  const bot = `@${registration.sender_localpart}:${serverName}`;
  const chosen = implementation ?? homeserverImplementation();
  const onDendrite = chosen === 'dendrite';
  const homeserver = await startHomeserver(
    {
      ...synapseOptions,
      serverName,
      appServices: [registrationFile],
      // Dendrite serves no extra content in `/.well-known/matrix/client` (docs/homeservers.md).
      ...(onDendrite ? {} : { wellKnown: { [COMPANION_WELL_KNOWN]: { bot } } }),
    },
    chosen,
  );
  let companion: Companion;
  try {
    // The companion reads members' reports through the admin API: its bot is a server admin (docs/server.md, "Moderation").
    // The bot's account exists only once registered (the homeserver refuses to make a service's user any other way).
    await fetch(`${homeserver.baseUrl}/_matrix/client/v3/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${registration.as_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'm.login.application_service', username: registration.sender_localpart, inhibit_login: true }),
    });
    // Dendrite has no admin API to promote an account (`/_synapse/admin/v2/users`): there the companion is given an
    // admin's token instead (`moderation.adminToken`, the setting for a bot that is not a server admin).
    const admin = await homeserver.registerUser({ admin: true });
    let adminToken: string | undefined;
    if (onDendrite) adminToken = admin.accessToken;
    else {
      await admin.request('PUT', `/_synapse/admin/v2/users/${encodeURIComponent(bot)}`, { admin: true });
    }
    const moderationConfig = adminToken ? { adminToken, ...moderation } : moderation;
    companion = await startCompanion(
      resolveConfig({
        homeserverUrl: homeserver.baseUrl,
        serverName,
        registrationFile,
        siteSecret,
        aliasTemplate,
        memberPrefix: memberPrefix ?? '',
        ...(moderationConfig ? { moderation: moderationConfig } : {}),
        ...(push ? { push } : {}),
        appService: { host: '127.0.0.1', port: appServicePort },
        siteApi: { host: '127.0.0.1', port: 0 },
        posts: {
          ...(postsCallback ? { callback: postsCallback } : { list: posts ?? [] }),
          ...(postsTimeoutMs ? { timeoutMs: postsTimeoutMs } : {}),
        },
      }),
    );
  } catch (error) {
    await homeserver.stop();
    throw error;
  }
  let companionStopped: Promise<void> | undefined;
  const stopCompanion = (): Promise<void> => (companionStopped ??= companion.stop());
  return {
    homeserver,
    companion,
    siteSecret,
    stopCompanion,
    async stop() {
      await stopCompanion();
      await homeserver.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
