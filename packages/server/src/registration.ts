/**
 * The companion's application-service registration: what the homeserver loads (`app_service_config_files`)
 * to route post-alias queries to the companion and to let it act for its bot and the site's members.
 * Generated once, with fresh random tokens, and kept: the homeserver and the companion read the same file.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppServiceRegistration } from 'matrix-appservice';

export interface RegistrationOptions {
  /** Where the homeserver reaches the companion, e.g. `http://127.0.0.1:9000`. */
  readonly url: string;
  readonly serverName: string;
  /** The alias localpart template with `{id}` (default `post.{id}`). */
  readonly aliasTemplate: string;
  readonly botLocalpart: string;
  /** The site's members' localpart prefix; an empty prefix claims no user namespace exclusively. */
  readonly memberPrefix: string;
  /** The moderation policy room's alias localpart, claimed exclusively (default `omni-policy`). */
  readonly policyAlias?: string;
  readonly id?: string;
}

export interface Registration {
  readonly id: string;
  readonly url: string;
  readonly as_token: string;
  readonly hs_token: string;
  readonly sender_localpart: string;
  readonly rate_limited: boolean;
  readonly namespaces: {
    readonly users: ReadonlyArray<{ regex: string; exclusive: boolean }>;
    readonly aliases: ReadonlyArray<{ regex: string; exclusive: boolean }>;
    readonly rooms: ReadonlyArray<{ regex: string; exclusive: boolean }>;
  };
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/gu, '\\$&');

/** A new registration with fresh tokens. */
export function createRegistration(options: RegistrationOptions): Registration {
  const [prefix = '', suffix = ''] = options.aliasTemplate.split('{id}');
  const server = escape(options.serverName);
  const registration = new AppServiceRegistration(options.url);
  registration.setId(options.id ?? 'omnisocial-companion');
  registration.setHomeserverToken(AppServiceRegistration.generateToken());
  registration.setAppServiceToken(AppServiceRegistration.generateToken());
  registration.setSenderLocalpart(options.botLocalpart);
  // The site's traffic is the site's own: its members' sign-ins and its rooms are not rate-limited as one user.
  registration.setRateLimited(false);
  registration.addRegexPattern('aliases', `#${escape(prefix)}.+${escape(suffix)}:${server}`, true);
  registration.addRegexPattern('aliases', `#${escape(options.policyAlias ?? 'omni-policy')}:${server}`, true);
  registration.addRegexPattern('users', `@${escape(options.botLocalpart)}:${server}`, true);
  registration.addRegexPattern('users', `@${escape(options.memberPrefix)}[a-z0-9._=/+-]+:${server}`, options.memberPrefix.length > 0);
  return registration.getOutput() as unknown as Registration;
}

/** The registration kept at `file`, or a new one written there (JSON, which YAML readers accept). */
export async function loadOrCreateRegistration(file: string, options: RegistrationOptions): Promise<Registration> {
  if (existsSync(file)) {
    const kept = JSON.parse(await readFile(file, 'utf8')) as Registration;
    if (typeof kept.as_token !== 'string' || typeof kept.hs_token !== 'string') throw new Error(`${file} is not a registration.`);
    return kept;
  }
  const registration = createRegistration(options);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(registration, null, 2)}\n`, { mode: 0o600 });
  return registration;
}
