/** Emoji-only detection for "big emoji" messages. */

/** More emoji than this is a message, not a reaction-like burst. */
export const MAX_BIG_EMOJI = 10;

// `\p{RGI_Emoji}` needs the `v` flag (ES2024); built at runtime so the ES2023 compile target accepts it.
const RGI_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** True when `body` is 1–{@link MAX_BIG_EMOJI} emoji, optionally separated by white space. */
export function isEmojiOnly(body: string): boolean {
  const trimmed = body.trim();
  // Each emoji is at most a few dozen code units; anything longer cannot qualify.
  if (trimmed.length === 0 || trimmed.length > MAX_BIG_EMOJI * 40) return false;
  let count = 0;
  for (const { segment } of segmenter.segment(trimmed)) {
    if (/^\s+$/.test(segment)) continue;
    if (!RGI_EMOJI.test(segment)) return false;
    count += 1;
    if (count > MAX_BIG_EMOJI) return false;
  }
  return count > 0;
}
