/**
 * Which posts exist: the companion creates a room only for a post the site confirms. The site answers
 * either through an HTTP callback (`GET <callback>?id=…&alias=…`, signed like the site's own requests,
 * answering the post as JSON or 404) or through a static list in the configuration. An unknown id, a
 * callback that times out or answers anything but a post whose alias is the one asked for: no room.
 */
import { decodePostId, postRoomAlias, PostAliasError } from '@omnisocial/core/posts';
import { signSiteRequest } from './site-auth.ts';

/** A post as the site describes it; the room's kind follows it. */
export interface SitePost {
  readonly id: string;
  readonly title?: string;
  readonly url?: string;
  /** World-readable and unencrypted, readable by guests; otherwise encrypted and for members only. */
  readonly open?: boolean;
  /** User ids given power 100 in the post's room. */
  readonly moderators?: readonly string[];
}

export class SiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SiteError';
  }
}

export interface PostDirectory {
  /** The post behind `alias` (its plain-encoded id when the alias has one), undefined when the site has none. */
  lookup(alias: string, id: string | undefined): Promise<SitePost | undefined>;
}

export interface AliasScheme {
  readonly serverName: string;
  readonly template: string;
}

/** The post id a post alias encodes, or undefined when the alias is hashed (long ids) or not a post alias. */
export function postIdOf(alias: string, scheme: AliasScheme): string | undefined {
  const [prefix = '', suffix = ''] = scheme.template.split('{id}');
  const server = `:${scheme.serverName}`;
  if (!alias.startsWith(`#${prefix}`) || !alias.endsWith(`${suffix}${server}`)) return undefined;
  const encoded = alias.slice(1 + prefix.length, alias.length - server.length - suffix.length);
  if (encoded.length === 0 || encoded.includes('=z')) return undefined;
  try {
    const id = decodePostId(encoded);
    return postRoomAlias(id, { serverName: scheme.serverName, template: scheme.template }) === alias ? id : undefined;
  } catch (error) {
    if (error instanceof PostAliasError) return undefined;
    throw error;
  }
}

function asPost(value: unknown): SitePost | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const post = value as Record<string, unknown>;
  if (typeof post['id'] !== 'string' || post['id'].length === 0) return undefined;
  const moderators = post['moderators'];
  if (
    moderators !== undefined &&
    !(Array.isArray(moderators) && moderators.every((m) => typeof m === 'string' && /^@[^:]+:.+$/u.test(m)))
  ) {
    return undefined;
  }
  for (const key of ['title', 'url'] as const) if (post[key] !== undefined && typeof post[key] !== 'string') return undefined;
  if (post['open'] !== undefined && typeof post['open'] !== 'boolean') return undefined;
  return {
    id: post['id'],
    ...(typeof post['title'] === 'string' ? { title: post['title'] } : {}),
    ...(typeof post['url'] === 'string' ? { url: post['url'] } : {}),
    ...(post['open'] === true ? { open: true } : {}),
    ...(Array.isArray(moderators) ? { moderators: moderators as string[] } : {}),
  };
}

/** A fixed list of posts, for simple sites. */
export function staticPosts(list: readonly SitePost[], scheme: AliasScheme): PostDirectory {
  const byAlias = new Map<string, SitePost>();
  for (const entry of list) {
    const post = asPost(entry);
    if (!post) throw new SiteError(`Not a post: ${JSON.stringify(entry)}.`);
    byAlias.set(postRoomAlias(post.id, { serverName: scheme.serverName, template: scheme.template }), post);
  }
  return { lookup: (alias) => Promise.resolve(byAlias.get(alias)) };
}

/** The site's HTTP callback. */
export function callbackPosts(callback: string, scheme: AliasScheme, options: { secret: string; timeoutMs?: number }): PostDirectory {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return {
    async lookup(alias, id) {
      const url = new URL(callback);
      url.searchParams.set('alias', alias);
      if (id !== undefined) url.searchParams.set('id', id);
      let response: Response;
      try {
        const headers = signSiteRequest(options.secret, 'GET', url.pathname + url.search, '');
        response = await fetch(url, { headers: { ...headers }, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        throw new SiteError(`The site's post callback did not answer: ${error instanceof Error ? error.message : String(error)}.`);
      }
      if (response.status === 404) return undefined;
      if (!response.ok) throw new SiteError(`The site's post callback answered HTTP ${String(response.status)}.`);
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        throw new SiteError("The site's post callback answered something that is not JSON.");
      }
      const post = asPost(body);
      if (!post) throw new SiteError("The site's post callback answered something that is not a post.");
      if (postRoomAlias(post.id, { serverName: scheme.serverName, template: scheme.template }) !== alias) {
        throw new SiteError(`The site's post callback answered post "${post.id}", whose alias is not ${alias}.`);
      }
      return post;
    },
  };
}
