import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { isEmojiOnly, MAX_BIG_EMOJI } from './emoji.ts';

test('emoji-only bodies, including sequences, flags, skin tones and spaces', () => {
  for (const body of ['👍', ' 🎉 ', '❤️', '👨‍👩‍👧', '🇫🇷', '👍🏽', '1️⃣', '😂 😂😂']) assert.equal(isEmojiOnly(body), true, body);
});

test('text, digits, symbols and too many emoji are not', () => {
  for (const body of ['', ' ', 'hi 👍', '1', '#', '*', '©', ':)', '😀'.repeat(MAX_BIG_EMOJI + 1), '\u202e👍'])
    assert.equal(isEmojiOnly(body), false, body);
  assert.equal(isEmojiOnly('😀'.repeat(MAX_BIG_EMOJI)), true);
});

test('every RGI emoji of the picker’s data, skin tones included, passes the cheap test before the exact one', () => {
  const fromElements = createRequire(new URL('../../../elements/package.json', import.meta.url));
  const data = fromElements('emoji-picker-element-data/en/emojibase/data.json') as { emoji: string; skins?: { emoji: string }[] }[];
  const rgiEmoji = new RegExp('^\\p{RGI_Emoji}$', 'v');
  const emoji = data.flatMap((entry) => [entry.emoji, ...(entry.skins ?? []).map((skin) => skin.emoji)]).filter((e) => rgiEmoji.test(e));
  assert.ok(emoji.length > 1500, `${String(emoji.length)} emoji`);
  const missed = emoji.filter((e) => !isEmojiOnly(e));
  assert.deepEqual(missed, []);
});
