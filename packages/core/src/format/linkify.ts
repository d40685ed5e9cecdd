/**
 * Plain bodies → text and link tokens for the renderer (which builds the `a` elements itself: no
 * HTML strings). Only schemes the sanitiser would also allow become links.
 */
import { find } from 'linkifyjs';
import { safeLinkHref } from './urls.ts';

export type BodyToken =
  { readonly type: 'text'; readonly text: string } | { readonly type: 'link'; readonly text: string; readonly href: string };

/** Bodies longer than this are shown as text only: scanning a 1 MB body for links is not worth the frame. */
export const MAX_LINKIFY_LENGTH = 100_000;

/**
 * Whether a body may hold a link linkifyjs would find: a domain (a dot, then two letters of a top-level domain), a
 * scheme (`name:` and more), or `localhost`. Text without any is never scanned: linkifyjs builds its scanner, a state
 * machine of every top-level domain (about 4,000 states, half a megabyte of heap), the first time it scans.
 */
const MAY_HOLD_LINK = /[^\s.]\.\p{L}{2}|[a-z][\w+.-]*:\S|localhost/iu;

export function mayHoldLink(text: string): boolean {
  return MAY_HOLD_LINK.test(text);
}

export function linkifyText(text: string): BodyToken[] {
  if (text.length === 0) return [];
  if (text.length > MAX_LINKIFY_LENGTH || !mayHoldLink(text)) return [{ type: 'text', text }];
  const tokens: BodyToken[] = [];
  let at = 0;
  for (const match of find(text)) {
    if (match.type !== 'url' && match.type !== 'email') continue;
    const href = safeLinkHref(match.href);
    if (href === undefined) continue;
    if (match.start > at) tokens.push({ type: 'text', text: text.slice(at, match.start) });
    tokens.push({ type: 'link', text: text.slice(match.start, match.end), href });
    at = match.end;
  }
  if (at < text.length) tokens.push({ type: 'text', text: text.slice(at) });
  return tokens;
}
