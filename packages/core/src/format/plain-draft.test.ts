import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeDraft } from './compose.ts';
import { plainDraft } from './plain-draft.ts';

const everyday = [
  'thanks!',
  'see you at 8',
  'Is it “done” yet?',
  "it's fine, really.",
  '👍',
  'Привет, как дела?',
  'مرحبا',
  '  padded  ',
  'ok. bye',
];

test('everyday chat goes out without Markdown’s parser, exactly as composeDraft sends it', () => {
  for (const text of everyday) {
    const fast = plainDraft(text);
    assert.ok(fast, `"${text}" should not need Markdown`);
    assert.deepEqual(composeDraft(text), { kind: 'message', message: fast }, text);
  }
});

test('what Markdown, a command or a mention could change is left to composeDraft', () => {
  for (const text of [
    '**bold**',
    '1. first',
    'see www.example.org',
    'example.org',
    'a_b_c',
    '`x`',
    '/me waves',
    '# title',
    'line\nbreak',
    '> quote',
    'a <b>',
    'x & y',
    'see: https://a.b',
    '',
  ]) {
    assert.equal(plainDraft(text), undefined, text);
  }
  assert.equal(plainDraft('hi Bob', [{ userId: '@bob:localhost', displayName: 'Bob' }]), undefined);
});

test('on 20,000 generated texts, whenever it answers, it answers as composeDraft does', () => {
  // A fixed linear congruential generator: the same texts every run, so a failure reproduces.
  let seed = 0x5eed;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const alphabet = [...'aZé1 0.,?!\'’"“”;:*_~`#>-+=|\\[]()<>&@/\n\t'.split(''), ' ', 'www', '👍', '\u200d', '\ufe0f', '9.', 'ب'];
  let answered = 0;
  for (let i = 0; i < 20_000; i += 1) {
    const length = 1 + Math.floor(next() * 12);
    let text = '';
    for (let j = 0; j < length; j += 1) text += alphabet[Math.floor(next() * alphabet.length)] ?? '';
    const fast = plainDraft(text);
    if (!fast) continue;
    answered += 1;
    assert.deepEqual(composeDraft(text), { kind: 'message', message: fast }, JSON.stringify(text));
  }
  assert.ok(answered > 500, `only ${String(answered)} texts were plain enough to test`);
});
