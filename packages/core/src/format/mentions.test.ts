import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { commandsAt, insertMention, mentionQueryAt, mentionsIn } from './mentions.ts';
import { composeDraft } from './compose.ts';

const bob = { userId: '@bob:example.org', displayName: 'Bob Builder' };

describe('mentions', () => {
  test('reads the pills of a message back as members, unescaped', () => {
    assert.deepEqual(mentionsIn('<p>hi <a href="https://matrix.to/#/@a%3Ab:x">A &amp; B</a></p>'), [
      { userId: '@a:b:x', displayName: 'A & B' },
    ]);
    assert.deepEqual(mentionsIn(undefined), []);
    assert.deepEqual(mentionsIn('<a href="https://example.org">x</a>'), []);
  });

  test('finds the @name the caret ends, after a space or at the start only', () => {
    assert.deepEqual(mentionQueryAt('hi @bo', 6), { start: 3, query: 'bo' });
    assert.deepEqual(mentionQueryAt('@', 1), { start: 0, query: '' });
    assert.equal(mentionQueryAt('mail me@bo', 10), undefined);
    assert.equal(mentionQueryAt('hi @bo there', 12), undefined);
    assert.deepEqual(mentionQueryAt('hi @bo there', 6), { start: 3, query: 'bo' });
  });

  test('offers commands for a lone /word at the start with the caret at its end', () => {
    assert.deepEqual(
      commandsAt('/', 1).map((c) => c.name),
      ['me', 'shrug', 'plain'],
    );
    assert.deepEqual(
      commandsAt('/S', 2).map((c) => c.name),
      ['shrug'],
    );
    assert.deepEqual(commandsAt('/me waves', 9), []);
    assert.deepEqual(commandsAt('/me', 1), []);
  });

  test('a picked member replaces the query, and becomes a pill and m.mentions when sent', () => {
    const query = mentionQueryAt('hi @bo', 6);
    assert.ok(query);
    const picked = insertMention('hi @bo', query, bob);
    assert.deepEqual(picked, { text: 'hi @Bob Builder ', caret: 16 });
    const draft = composeDraft(picked.text, [bob]);
    assert.ok(draft.kind === 'message', draft.kind);
    assert.deepEqual(draft.message.mentionedUserIds, [bob.userId]);
    assert.match(draft.message.formattedBody ?? '', /<a href="https:\/\/matrix\.to\/#\/@bob:example\.org">Bob Builder<\/a>/u);
    assert.deepEqual(mentionsIn(draft.message.formattedBody), [bob]);
  });
});
