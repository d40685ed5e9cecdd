import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { composeMessage, parseCommand, userPermalink } from './markdown.ts';

const alice = { userId: '@alice:example.org', displayName: 'Alice' };
const annLee = { userId: '@ann:example.org', displayName: 'Ann Lee' };
const ann = { userId: '@ann2:example.org', displayName: 'Ann' };

test('plain text has no formatted_body, line breaks included', () => {
  assert.deepEqual(composeMessage('hello world'), { body: 'hello world' });
  assert.deepEqual(composeMessage('one\ntwo'), { body: 'one\ntwo' });
  assert.deepEqual(composeMessage('a < b & "c"'), { body: 'a < b & "c"' });
});

test('Markdown becomes HTML, the source stays the body', () => {
  const message = composeMessage('**bold** _it_ ~~gone~~ `code`');
  assert.equal(message.body, '**bold** _it_ ~~gone~~ `code`');
  assert.equal(message.formattedBody, '<p><strong>bold</strong> <em>it</em> <del>gone</del> <code>code</code></p>');
});

test('fenced code keeps its language class and escapes its content', () => {
  const message = composeMessage('```js\nlet a = "<b>";\n```');
  assert.equal(message.formattedBody, '<pre><code class="language-js">let a = &quot;&lt;b&gt;&quot;;\n</code></pre>');
});

test('raw HTML from the member is shown as typed, never passed through', () => {
  for (const input of [
    '<img src=x onerror=alert(1)>',
    '<script>alert(1)</script>',
    'hi <b onclick="x()">there</b>',
    '<div>\n<iframe src="https://evil.example"></iframe>\n</div>',
  ]) {
    const { formattedBody } = composeMessage(input);
    if (formattedBody !== undefined) assert.doesNotMatch(formattedBody, /<(img|script|b|iframe|div)\b/i, input);
  }
});

test('links only with allowed schemes; images only mxc', () => {
  assert.equal(composeMessage('[x](javascript:alert(1))').formattedBody, undefined);
  assert.equal(composeMessage('[site](https://example.org)').formattedBody, '<p><a href="https://example.org">site</a></p>');
  assert.equal(composeMessage('![pic](mxc://example.org/abc123)').formattedBody, '<p><img src="mxc://example.org/abc123" alt="pic"></p>');
  assert.equal(composeMessage('![pic](https://example.org/p.png)').formattedBody, '<p><a href="https://example.org/p.png">pic</a></p>');
  assert.equal(composeMessage('![pic](data:image/png;base64,AAAA)').formattedBody, undefined);
});

test('mentions become matrix.to pills, longest name first, plain inside code', () => {
  const message = composeMessage('hi Ann Lee and Ann, `Ann`', [ann, annLee]);
  assert.equal(message.body, 'hi Ann Lee and Ann, `Ann`');
  assert.equal(
    message.formattedBody,
    '<p>hi <a href="https://matrix.to/#/@ann:example.org">Ann Lee</a> and <a href="https://matrix.to/#/@ann2:example.org">Ann</a>, <code>Ann</code></p>',
  );
  assert.equal(
    composeMessage('**Alice**', [alice]).formattedBody,
    '<p><strong><a href="https://matrix.to/#/@alice:example.org">Alice</a></strong></p>',
  );
});

test('mention names are escaped and markers cannot be forged', () => {
  const evil = { userId: '@e:example.org', displayName: '<img src=x onerror=alert(1)>' };
  const message = composeMessage(`hey ${evil.displayName}`, [evil]);
  assert.match(message.formattedBody ?? '', /&lt;img src=x onerror=alert\(1\)&gt;<\/a>/);
  assert.deepEqual(composeMessage('\uE0000\uE001 x', [alice]), { body: '0 x' });
  assert.equal(userPermalink('@a b:ex"ample'), 'https://matrix.to/#/@a%20b:ex%22ample');
});

test('parseCommand: /me is an emote, /shrug and /plain are known, // escapes, other commands are reported', () => {
  assert.deepEqual(parseCommand('/me waves'), { type: 'emote', text: 'waves' });
  assert.deepEqual(parseCommand('/me'), { type: 'emote', text: '' });
  assert.deepEqual(parseCommand('/ME shouts\nloud'), { type: 'emote', text: 'shouts\nloud' });
  assert.deepEqual(parseCommand('//me literally'), { type: 'message', text: '/me literally' });
  assert.deepEqual(parseCommand('/shrug ok'), { type: 'shrug', text: 'ok' });
  assert.deepEqual(parseCommand('/plain **x**'), { type: 'plain', text: '**x**' });
  assert.deepEqual(parseCommand('/shout ok'), { type: 'unknown', command: 'shout', text: 'ok' });
  assert.deepEqual(parseCommand('hello /me'), { type: 'message', text: 'hello /me' });
  assert.deepEqual(parseCommand('/ spaced'), { type: 'message', text: '/ spaced' });
});

test('property: any input gives a body equal to the input and no raw tag from it', () => {
  fc.assert(
    fc.property(
      fc.string({
        unit: fc.constantFrom('<', '>', 'a', 'b', ' ', '/', '=', '"', '*', '_', '`', '\n', 'on', 'img', 'script', '[', ']', '(', ')', ':'),
      }),
      (input) => {
        const message = composeMessage(input);
        assert.equal(message.body, input);
        assert.doesNotMatch(message.formattedBody ?? '', /<(script|img|b|a)[\s>/]/i);
      },
    ),
    { numRuns: 500 },
  );
});
