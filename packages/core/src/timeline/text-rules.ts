/**
 * Rules for text from other members that both timelines apply (the engine's and the light read path's):
 * display names made safe to show, and the reply fallback removed from bodies. Pure: no SDK.
 */

// Bidi embeddings/overrides/isolates and marks: a name must not flip the text around it.
export const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/gu;
const CONTROLS = /\p{Cc}/gu;
// Zalgo: a few combining marks are legitimate (Vietnamese, Devanagari); towers of them are not.
const MARK_TOWERS = /(\p{M}{3})\p{M}+/gu;
const MAX_NAME_CHARS = 128;
export const LOOKS_LIKE_USER_ID = /^@[^:]*:/u;

/** A display name made safe to show as text: no bidi overrides, no controls, bounded length. */
export function sanitiseName(raw: string): string {
  let name = raw.replace(BIDI, '').replace(CONTROLS, '').replace(MARK_TOWERS, '$1').trim();
  if (name.length > MAX_NAME_CHARS) name = Array.from(name).slice(0, MAX_NAME_CHARS).join('') + '…';
  return name;
}

/** What two names must not share to be told apart without their user ids. */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

/** Removes the plain-text reply fallback: the leading `> ` lines and the blank line after them. */
export function stripReplyFallback(body: string): string {
  if (!body.startsWith('>')) return body;
  let at = 0;
  while (at < body.length && body.startsWith('>', at)) {
    const end = body.indexOf('\n', at);
    if (end === -1) return '';
    at = end + 1;
  }
  if (body.startsWith('\n', at)) at += 1;
  return body.slice(at);
}
