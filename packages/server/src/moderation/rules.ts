/**
 * Moderation policy rules in the format Mjolnir and Draupnir share (`m.policy.rule.user`,
 * `m.policy.rule.server`, state events of a policy room): an entity that may contain the globs `*` and `?`,
 * a recommendation (`m.ban`) and a reason. Pure functions: parsing refuses what the companion must not
 * apply (a malformed entity, a rule that would ban the site's own bot or server) with a clear reason.
 */

export type RuleKind = 'user' | 'server';

/** The event types of each kind: the stable name first, then the names older policy lists still use. */
export const RULE_TYPES: Record<RuleKind, readonly string[]> = {
  user: ['m.policy.rule.user', 'm.room.rule.user', 'org.matrix.mjolnir.rule.user'],
  server: ['m.policy.rule.server', 'm.room.rule.server', 'org.matrix.mjolnir.rule.server'],
};

const BAN_RECOMMENDATIONS = new Set(['m.ban', 'org.matrix.mjolnir.ban']);

export interface PolicyRule {
  readonly kind: RuleKind;
  /** The rule's identity in the policy room: `<event type>|<state key>`. */
  readonly id: string;
  readonly entity: string;
  readonly reason: string;
  /** True when the entity has no glob: it names exactly one user or server. */
  readonly literal: boolean;
}

export type ParsedRule = { ok: true; rule: PolicyRule } | { ok: false; lifted: true } | { ok: false; lifted: false; error: string };

export function kindOfType(type: string): RuleKind | undefined {
  if (RULE_TYPES.user.includes(type)) return 'user';
  if (RULE_TYPES.server.includes(type)) return 'server';
  return undefined;
}

export const ruleId = (type: string, stateKey: string): string => `${type}|${stateKey}`;

/** A glob (`*` any run of characters, `?` one character) as an anchored, case-sensitive regular expression. */
export function globToRegExp(glob: string): RegExp {
  const source = glob
    // `-` is literal outside a character class, and escaping it is a syntax error with the `u` flag.
    .replace(/[.+^${}()|[\]\\/]/gu, '\\$&')
    .replace(/\*/gu, '.*')
    .replace(/\?/gu, '.');
  return new RegExp(`^${source}$`, 'u');
}

export function matches(rule: Pick<PolicyRule, 'entity'>, value: string): boolean {
  return globToRegExp(rule.entity).test(value);
}

const USER_GLOB = /^@[^\s:]+:[A-Za-z0-9.*?[\]:-]+$/u;
const SERVER_GLOB = /^[A-Za-z0-9.*?[\]:-]+$/u;

/** Why `entity` cannot be a rule of `kind`, or undefined when it can. */
export function entityError(kind: RuleKind, entity: string): string | undefined {
  if (entity.length === 0 || entity.length > 255) return `the entity must be 1–255 characters long`;
  if (kind === 'user' && !USER_GLOB.test(entity)) return `"${entity}" is not a user id or user glob like @name:server or @*:spam.example`;
  if (kind === 'server' && !SERVER_GLOB.test(entity)) return `"${entity}" is not a server name or glob like spam.example or *.spam.example`;
  if (/^[*?]+$/u.test(entity) || (kind === 'user' && /^@[*?]+:[*?]+$/u.test(entity))) return `"${entity}" would match everyone`;
  return undefined;
}

export interface Protected {
  /** The site's bot: no rule may ban it. */
  readonly botUserId: string;
  /** The site's own server: no server rule may deny it. */
  readonly serverName: string;
}

/** Why a rule must not be applied because it would lock the site out of its own rooms, or undefined. */
export function protectedError(kind: RuleKind, entity: string, guard: Protected): string | undefined {
  if (kind === 'user' && matches({ entity }, guard.botUserId)) return `"${entity}" would ban the site's bot ${guard.botUserId}`;
  if (kind === 'server' && matches({ entity }, guard.serverName)) return `"${entity}" would deny the site's own server ${guard.serverName}`;
  return undefined;
}

/** Reads one policy-room state event; an empty or redacted content lifts the rule. */
export function parseRule(type: string, stateKey: string, content: Record<string, unknown>, guard: Protected): ParsedRule {
  const kind = kindOfType(type);
  if (!kind) return { ok: false, lifted: false, error: `${type} is not a policy rule type` };
  const entity = content['entity'];
  const recommendation = content['recommendation'];
  if (entity === undefined && recommendation === undefined) return { ok: false, lifted: true };
  if (typeof recommendation !== 'string' || !BAN_RECOMMENDATIONS.has(recommendation)) {
    return { ok: false, lifted: false, error: `only the recommendation m.ban is applied, not ${JSON.stringify(recommendation)}` };
  }
  if (typeof entity !== 'string') return { ok: false, lifted: false, error: 'the rule has no entity' };
  const error = entityError(kind, entity) ?? protectedError(kind, entity, guard);
  if (error) return { ok: false, lifted: false, error };
  const reason = typeof content['reason'] === 'string' ? content['reason'] : '';
  return { ok: true, rule: { kind, id: ruleId(type, stateKey), entity, reason, literal: !/[*?]/u.test(entity) } };
}

/** The `m.room.server_acl` content denying every server rule's entity (IP literals denied too). */
export function serverAcl(rules: Iterable<PolicyRule>): { allow: string[]; deny: string[]; allow_ip_literals: boolean } {
  const deny = [...new Set([...rules].filter((rule) => rule.kind === 'server').map((rule) => rule.entity))].sort();
  return { allow: ['*'], deny, allow_ip_literals: false };
}
