import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeDraft, markdownMessage, type DraftResult } from './compose.ts';
import {
  contentBytes,
  echoOf,
  editContent,
  MAX_EVENT_BYTES,
  maxContentBytes,
  messageContent,
  plainMessage,
  sizeRefusal,
  type OutgoingMessage,
} from './content.ts';

const bob = { userId: '@bob:localhost', displayName: 'Bob Okafor' };
const carol = { userId: '@carol:localhost', displayName: 'Carol' };

function message(result: DraftResult): OutgoingMessage {
  assert.equal(result.kind, 'message', JSON.stringify(result));
  return (result as { message: OutgoingMessage }).message;
}

test('Markdown with a picked mention: names in the body, a pill and formatting in formatted_body, m.mentions', () => {
  const sent = message(composeDraft('Hey @Bob Okafor **look**\n- one\n- two\n\n> quoted\n\n```js\nlet x = 1;\n```', [bob]));
  assert.deepEqual(messageContent(sent), {
    msgtype: 'm.text',
    body: 'Hey Bob Okafor **look**\n- one\n- two\n\n> quoted\n\n```js\nlet x = 1;\n```',
    format: 'org.matrix.custom.html',
    formatted_body:
      '<p>Hey <a href="https://matrix.to/#/@bob:localhost">Bob Okafor</a> <strong>look</strong></p>\n' +
      '<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<blockquote>\n<p>quoted</p>\n</blockquote>\n' +
      '<pre><code class="language-js">let x = 1;\n</code></pre>',
    'm.mentions': { user_ids: ['@bob:localhost'] },
  });
});

test('plain text stays plain, and says it mentions nobody', () => {
  assert.deepEqual(messageContent(message(composeDraft('  just saying hi to Bob\n'))), {
    msgtype: 'm.text',
    body: 'just saying hi to Bob',
    'm.mentions': {},
  });
  assert.deepEqual(messageContent(markdownMessage('_it_')), {
    msgtype: 'm.text',
    body: '_it_',
    format: 'org.matrix.custom.html',
    formatted_body: '<p><em>it</em></p>',
    'm.mentions': {},
  });
});

test('text sent as a string is sent as typed: no Markdown, nobody mentioned', () => {
  assert.deepEqual(messageContent(plainMessage(' **as typed** ')), { msgtype: 'm.text', body: '**as typed**', 'm.mentions': {} });
});

test('a picked member whose name was deleted from the text is not mentioned', () => {
  const sent = message(composeDraft('never mind, Carol', [bob, carol]));
  assert.deepEqual(sent.mentionedUserIds, ['@carol:localhost']);
  assert.equal(sent.formattedBody, '<p>never mind, <a href="https://matrix.to/#/@carol:localhost">Carol</a></p>');
});

test('/me is an emote, composed like any message; without an action it is explained, not sent', () => {
  const emote = message(composeDraft('/me waves at @Bob Okafor', [bob]));
  assert.equal(emote.msgtype, 'm.emote');
  assert.equal(emote.body, 'waves at Bob Okafor');
  assert.deepEqual(emote.mentionedUserIds, ['@bob:localhost']);
  assert.equal(message(composeDraft('/me *dances*')).formattedBody, '<p><em>dances</em></p>');
  const empty = composeDraft('/me   ');
  assert.equal(empty.kind, 'invalid');
  assert.deepEqual(empty, { kind: 'invalid', reason: 'empty-emote' });
});

test('/shrug puts ¯\\_(ツ)_/¯ before the message, as it is, Markdown of the rest still applies', () => {
  assert.deepEqual(messageContent(message(composeDraft('/shrug'))), { msgtype: 'm.text', body: '¯\\_(ツ)_/¯', 'm.mentions': {} });
  const sent = message(composeDraft('/shrug no **idea**'));
  assert.equal(sent.body, '¯\\_(ツ)_/¯ no **idea**');
  assert.equal(sent.formattedBody, '<p>¯\\_(ツ)_/¯ no <strong>idea</strong></p>');
});

test('/plain sends the text as typed: no Markdown, picked mentions still pills', () => {
  assert.deepEqual(messageContent(message(composeDraft('/plain **not bold** <b>'))), {
    msgtype: 'm.text',
    body: '**not bold** <b>',
    'm.mentions': {},
  });
  const sent = message(composeDraft('/plain *hi* @Bob Okafor\n<b>', [bob]));
  assert.equal(sent.body, '*hi* Bob Okafor\n<b>');
  assert.equal(sent.formattedBody, '*hi* <a href="https://matrix.to/#/@bob:localhost">Bob Okafor</a><br>&lt;b&gt;');
});

test('an unknown command is explained and never sent; // or a leading space sends the slash', () => {
  const unknown = composeDraft('/shout hello');
  assert.equal(unknown.kind, 'invalid');
  assert.deepEqual(unknown, { kind: 'invalid', reason: 'unknown-command', command: 'shout' });
  assert.equal(message(composeDraft('//shout hello')).body, '/shout hello');
  assert.equal(message(composeDraft(' /shout hello')).body, '/shout hello');
  assert.equal(message(composeDraft('a/b and /c')).body, 'a/b and /c');
  assert.deepEqual(composeDraft('  \n '), { kind: 'empty' });
});

test('replies keep their relation and no fallback; edits carry the whole message in m.new_content', () => {
  const sent = message(composeDraft('**yes** @Bob Okafor and Carol', [bob, carol]));
  const reply = messageContent(sent, { replyTo: '$orig' });
  assert.deepEqual(reply['m.relates_to'], { 'm.in_reply_to': { event_id: '$orig' } });
  assert.equal(reply['formatted_body'], sent.formattedBody);
  const edit = editContent('$mine', sent, ['@bob:localhost']);
  assert.deepEqual(edit['m.relates_to'], { rel_type: 'm.replace', event_id: '$mine' });
  assert.deepEqual(edit['m.new_content'], messageContent(sent));
  assert.equal(edit['body'], `* ${sent.body}`);
  // Only Carol is newly mentioned: Bob was pinged by the original already.
  assert.deepEqual(edit['m.mentions'], { user_ids: ['@carol:localhost'] });
});

test('size: UTF-8 bytes of the JSON, formatted_body included; refused above the limit, less room when encrypted', () => {
  assert.equal(contentBytes({ body: 'é' }), '{"body":"é"}'.length + 1);
  assert.ok(maxContentBytes(false) < MAX_EVENT_BYTES);
  assert.ok(maxContentBytes(true) < (maxContentBytes(false) * 3) / 4);
  const huge = messageContent(message(composeDraft('a'.repeat(70_000))));
  const refusal = sizeRefusal(huge, false);
  assert.ok(refusal);
  assert.equal(refusal.code, 'too-large');
  assert.match(refusal.message, /too large/);
  const fits = messageContent(message(composeDraft('a'.repeat(40_000))));
  assert.equal(sizeRefusal(fits, false), undefined);
  assert.equal(sizeRefusal(fits, true), undefined);
  // A list of 35,000 characters fits as a body, but not with its HTML copy.
  const list = messageContent(message(composeDraft('- item\n'.repeat(5_000))));
  assert.ok(contentBytes({ body: list['body'] }) < maxContentBytes(false));
  assert.ok(typeof list['formatted_body'] === 'string');
  assert.equal(sizeRefusal(list, false)?.code, 'too-large');
  // Multi-byte text counts by bytes: 30,000 characters of 3 bytes each.
  assert.equal(sizeRefusal(messageContent(message(composeDraft('ツ'.repeat(30_000)))), false)?.code, 'too-large');
});

test('the local echo shows the formatted message at once', () => {
  const sender = { userId: '@me:localhost', displayName: 'Me' };
  const echo = echoOf(message(composeDraft('/me **waves**')), 'txn1', sender);
  assert.equal(echo.key, 'txn1');
  assert.equal(echo.msgtype, 'emote');
  assert.equal(echo.formattedBody, '<p><strong>waves</strong></p>');
  assert.equal(echo.status, 'sending');
});
