import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEmojiOnly, MAX_BIG_EMOJI } from './emoji.ts';

test('emoji-only bodies, including sequences, flags, skin tones and spaces', () => {
  for (const body of ['👍', ' 🎉 ', '❤️', '👨‍👩‍👧', '🇫🇷', '👍🏽', '1️⃣', '😂 😂😂']) assert.equal(isEmojiOnly(body), true, body);
});

test('text, digits, symbols and too many emoji are not', () => {
  for (const body of ['', ' ', 'hi 👍', '1', '#', '*', '©', ':)', '😀'.repeat(MAX_BIG_EMOJI + 1), '\u202e👍'])
    assert.equal(isEmojiOnly(body), false, body);
  assert.equal(isEmojiOnly('😀'.repeat(MAX_BIG_EMOJI)), true);
});
