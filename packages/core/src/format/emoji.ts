/** Emoji-only detection for "big emoji" messages. */

/** More emoji than this is a message, not a reaction-like burst. */
export const MAX_BIG_EMOJI = 10;

/**
 * Every code point of an RGI emoji, sequences included (keycaps, flags, tags, skin tones, ZWJ joins), is an
 * `Emoji` or an `Emoji_Component`, and every RGI emoji has one outside ASCII. A cheap test that turns away
 * ordinary text before the exact one.
 */
const EMOJI_CODE_POINTS = /^[\p{Emoji}\p{Emoji_Component}\s]+$/u;
const NOT_ASCII = /[^\0-\x7f]/;
/**
 * `\p{RGI_Emoji}` (it needs the `v` flag, ES2024: built at runtime so the ES2023 compile target accepts it) and the
 * grapheme segmenter, made when a body first passes the cheap test: compiling the set of every RGI emoji takes
 * 20-100 ms, which a room of plain text never pays before its first paint.
 */
let exact: { readonly rgiEmoji: RegExp; readonly segmenter: Intl.Segmenter } | undefined;

/** True when `body` is 1–{@link MAX_BIG_EMOJI} emoji, optionally separated by white space. */
export function isEmojiOnly(body: string): boolean {
  const trimmed = body.trim();
  // Each emoji is at most a few dozen code units; anything longer cannot qualify.
  if (trimmed.length === 0 || trimmed.length > MAX_BIG_EMOJI * 40) return false;
  if (!NOT_ASCII.test(trimmed) || !EMOJI_CODE_POINTS.test(trimmed)) return false;
  exact ??= { rgiEmoji: new RegExp('^\\p{RGI_Emoji}$', 'v'), segmenter: new Intl.Segmenter(undefined, { granularity: 'grapheme' }) };
  let count = 0;
  for (const { segment } of exact.segmenter.segment(trimmed)) {
    if (/^\s+$/.test(segment)) continue;
    if (!exact.rgiEmoji.test(segment)) return false;
    count += 1;
    if (count > MAX_BIG_EMOJI) return false;
  }
  return count > 0;
}
