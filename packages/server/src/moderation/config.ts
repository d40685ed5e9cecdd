/**
 * The `moderation` section of the companion's configuration:
 * `{ adminToken, policyAlias, policyEditors, moderatorKey, abuse: { messagesPerMinute, maxLinks, firstMessageCallback,
 * firstMessageApproval, newAccountHours, callbackTimeoutMs } }`; `OMNI_ADMIN_TOKEN` wins over `adminToken`.
 */
import type { AbuseConfig } from './abuse.ts';
import type { ModerationConfig } from './index.ts';

type Source = Record<string, unknown>;

function count(value: unknown, name: string, fail: (message: string) => Error): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw fail(`moderation.${name} must be a number of 0 or more.`);
  return number;
}

export function resolveModerationConfig(
  source: Source,
  env: NodeJS.ProcessEnv,
  ErrorType: new (message: string) => Error,
): ModerationConfig {
  const fail = (message: string): Error => new ErrorType(message);
  const abuse = (source['abuse'] ?? {}) as Source;
  const adminToken = env['OMNI_ADMIN_TOKEN'] ?? source['adminToken'];
  if (adminToken !== undefined && typeof adminToken !== 'string') throw fail('moderation.adminToken must be a string.');
  const alias = source['policyAlias'] ?? 'omni-policy';
  if (typeof alias !== 'string' || !/^[a-z0-9._=/-]+$/u.test(alias)) throw fail('moderation.policyAlias must be an alias localpart.');
  const editors = source['policyEditors'] ?? [];
  if (!Array.isArray(editors) || !editors.every((user) => typeof user === 'string' && /^@[^:]+:.+$/u.test(user))) {
    throw fail('moderation.policyEditors must be a list of user ids.');
  }
  const moderatorKey = env['OMNI_MODERATOR_KEY'] ?? source['moderatorKey'];
  if (moderatorKey !== undefined && (typeof moderatorKey !== 'string' || moderatorKey.length < 32)) {
    throw fail('moderation.moderatorKey (OMNI_MODERATOR_KEY) must be at least 32 characters long.');
  }
  const callback = abuse['firstMessageCallback'];
  if (callback !== undefined && (typeof callback !== 'string' || !/^https?:\/\//u.test(callback))) {
    throw fail('moderation.abuse.firstMessageCallback must be an http(s) URL.');
  }
  const perMinute = count(abuse['messagesPerMinute'], 'abuse.messagesPerMinute', fail);
  const maxLinks = count(abuse['maxLinks'], 'abuse.maxLinks', fail);
  const hours = count(abuse['newAccountHours'], 'abuse.newAccountHours', fail);
  const timeout = count(abuse['callbackTimeoutMs'], 'abuse.callbackTimeoutMs', fail);
  const controls: AbuseConfig = {
    ...(perMinute !== undefined ? { messagesPerMinute: perMinute } : {}),
    ...(maxLinks !== undefined ? { maxLinks } : {}),
    ...(typeof callback === 'string' ? { firstMessageCallback: callback } : {}),
    ...(abuse['firstMessageApproval'] === true ? { firstMessageApproval: true } : {}),
    ...(hours !== undefined ? { newAccountMs: hours * 3_600_000 } : {}),
    ...(timeout !== undefined ? { callbackTimeoutMs: timeout } : {}),
  };
  return {
    ...(typeof adminToken === 'string' && adminToken !== '' ? { adminToken } : {}),
    policyAlias: alias,
    policyEditors: editors as string[],
    ...(typeof moderatorKey === 'string' ? { moderatorKey } : {}),
    abuse: controls,
  };
}
