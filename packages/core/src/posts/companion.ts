/**
 * The site's companion (packages/server, docs/server.md), as the elements see it: a homeserver whose
 * `/.well-known/matrix/client` names a bot under `org.omnisocial.companion` has its post rooms created
 * and bound by that bot. Then a binding counts only when the bot sent it, and a post without a room is
 * never created by a member's client: the companion is down, or the site has no such post.
 */

/** A user id, as the well-known and the `companion-bot` attribute must give the bot. */
const USER_ID = /^@[^:]+:.+$/u;

/** The key of `/.well-known/matrix/client` naming the companion. */
export const COMPANION_WELL_KNOWN = 'org.omnisocial.companion';

export interface SiteCompanion {
  /** The user id of the companion's bot, which creates and binds post rooms. */
  readonly bot: string;
}

const known = new Map<string, Promise<SiteCompanion | undefined>>();

/** The companion the homeserver at `homeserverUrl` advertises, if any (asked once per page and homeserver). */
export function siteCompanion(homeserverUrl: string, fetcher: typeof fetch = fetch): Promise<SiteCompanion | undefined> {
  const base = homeserverUrl.replace(/\/+$/u, '');
  let answer = known.get(base);
  if (!answer) {
    answer = readWellKnown(base, fetcher);
    known.set(base, answer);
    // A failed look-up is asked again next time rather than remembered as "no companion".
    answer.catch(() => known.delete(base));
  }
  return answer;
}

async function readWellKnown(base: string, fetcher: typeof fetch): Promise<SiteCompanion | undefined> {
  const response = await fetcher(`${base}/.well-known/matrix/client`);
  // No well-known at all: a homeserver without a companion.
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`The homeserver's well-known answered HTTP ${String(response.status)}.`);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return undefined;
  }
  const entry = (body as Record<string, unknown> | null)?.[COMPANION_WELL_KNOWN];
  const bot = (entry as Record<string, unknown> | undefined)?.['bot'];
  return typeof bot === 'string' && USER_ID.test(bot) ? { bot } : undefined;
}

/**
 * The companion of a post: the bot the page names (`companion-bot`, which takes precedence, so a page
 * whose homeserver serves no well-known, or serves it from elsewhere, still trusts only its bot),
 * otherwise the one the homeserver's well-known names. A named bot that is not a user id names none.
 */
export function companionFor(
  homeserverUrl: string,
  post: { readonly companionBot?: string },
  fetcher: typeof fetch = fetch,
): Promise<SiteCompanion | undefined> {
  const named = post.companionBot?.trim();
  if (named) return Promise.resolve(USER_ID.test(named) ? { bot: named } : undefined);
  return siteCompanion(homeserverUrl, fetcher);
}

/** The wait before asking the homeserver about a post's room again, after `attempt` failed tries. */
export function companionRetryMs(attempt: number): number {
  return Math.min(30_000, 2_000 * 2 ** attempt);
}
