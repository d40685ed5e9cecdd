import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyNamesUser } from './name-mentions.ts';

test('a body names the member by display name or localpart, as a whole word in any case', () => {
  assert.equal(bodyNamesUser('hey Alice, look', '@alice:example.org', 'Alice'), true);
  assert.equal(bodyNamesUser('HEY ALICE LIDDELL!', '@al:example.org', 'Alice Liddell'), true);
  assert.equal(bodyNamesUser('ping @bob please', '@bob:example.org', 'Robert'), true, 'the localpart');
  assert.equal(bodyNamesUser('Malice aforethought', '@alice:example.org', 'Alice'), false, 'inside a word');
  assert.equal(bodyNamesUser('bobcat', '@bob:example.org'), false);
  assert.equal(bodyNamesUser('hi Zoë!', '@z:example.org', 'Zoë'), true);
  assert.equal(bodyNamesUser('hi Ann', '@ann2:example.org', 'Ann (@ann2:example.org)'), true, 'without the disambiguation');
  assert.equal(bodyNamesUser('nothing here', '@alice:example.org', ''), false);
});
