import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDirectInviteFrom } from './direct-invites.ts';
import {
  directRoomCreateRequest,
  directRoomsWith,
  directUserProblem,
  movedTxnId,
  preferredDirectRoom,
  withDirectRoom,
} from './direct-rules.ts';

const ALICE = '@alice:example.org';
const BOB = '@bob:example.org';

describe('directUserProblem', () => {
  it('accepts user ids, with ports and historical characters', () => {
    assert.equal(directUserProblem(BOB, ALICE), undefined);
    assert.equal(directUserProblem('@bob:localhost:8448', ALICE), undefined);
    assert.equal(directUserProblem('@Bob=Old_/x:example.org', ALICE), undefined);
  });

  it('refuses what is not a user id, in words that show the form', () => {
    for (const bad of [
      'bob',
      '@bob',
      'bob:example.org',
      '#room:example.org',
      '@:example.org',
      '@bob:',
      '@b ob:example.org',
      `@${'a'.repeat(260)}:x`,
    ]) {
      assert.match(directUserProblem(bad, ALICE) ?? '', /is not a Matrix user id; use @username:server/u, bad);
    }
  });

  it('refuses a conversation with yourself', () => {
    assert.equal(directUserProblem(ALICE, ALICE), 'You cannot start a direct conversation with yourself.');
  });
});

describe('m.direct', () => {
  it('reads the rooms listed for a user, ignoring malformed entries', () => {
    assert.deepEqual(directRoomsWith({ [BOB]: ['!a:x', 7, '!b:x', '#alias:x'] }, BOB), ['!a:x', '!b:x']);
    assert.deepEqual(directRoomsWith({ [BOB]: '!a:x' }, BOB), []);
    assert.deepEqual(directRoomsWith(undefined, BOB), []);
    assert.deepEqual(directRoomsWith(null, BOB), []);
  });

  it('adds a room last for the user and keeps every other entry', () => {
    const before = { [BOB]: ['!a:x', '!b:x'], '@carol:x': ['!c:x'], junk: 'kept out' };
    assert.deepEqual(withDirectRoom(before, BOB, '!a:x'), { [BOB]: ['!b:x', '!a:x'], '@carol:x': ['!c:x'] });
    assert.deepEqual(withDirectRoom(undefined, BOB, '!n:x'), { [BOB]: ['!n:x'] });
    assert.deepEqual(before[BOB], ['!a:x', '!b:x'], 'the input is not changed');
  });
});

describe('directRoomCreateRequest', () => {
  it('creates an encrypted trusted private chat marked direct, inviting the other member', () => {
    assert.deepEqual(directRoomCreateRequest(BOB), {
      is_direct: true,
      invite: [BOB],
      preset: 'trusted_private_chat',
      initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
    });
  });
});

describe('isDirectInviteFrom', () => {
  const invite = (sender: string, content: Record<string, unknown>, stateKey = ALICE) => ({
    type: 'm.room.member',
    state_key: stateKey,
    sender,
    content,
  });

  it('recognises a direct invitation from the user', () => {
    assert.equal(isDirectInviteFrom([invite(BOB, { membership: 'invite', is_direct: true })], ALICE, BOB), true);
  });

  it('ignores invitations that are not direct, from someone else, or for someone else', () => {
    assert.equal(isDirectInviteFrom([invite(BOB, { membership: 'invite' })], ALICE, BOB), false);
    assert.equal(isDirectInviteFrom([invite('@mallory:x', { membership: 'invite', is_direct: true })], ALICE, BOB), false);
    assert.equal(isDirectInviteFrom([invite(BOB, { membership: 'invite', is_direct: true }, '@carol:x')], ALICE, BOB), false);
    assert.equal(isDirectInviteFrom([], ALICE, BOB), false);
  });
});

describe('preferredDirectRoom', () => {
  it('keeps the same room whichever side asks, in whatever order it learnt of the rooms', () => {
    const mine = '!zYx:example.org';
    const theirs = '!AbC:example.org';
    assert.equal(preferredDirectRoom([mine, theirs]), theirs);
    assert.equal(preferredDirectRoom([theirs, mine]), theirs);
    assert.equal(preferredDirectRoom(new Set([mine])), mine);
  });

  it('has nothing to keep when there is no room', () => {
    assert.equal(preferredDirectRoom([]), undefined);
  });
});

describe('movedTxnId', () => {
  it('is the same for the same event (a repeated move is stored once) and different for another', () => {
    assert.equal(movedTxnId('$abc/def+1'), movedTxnId('$abc/def+1'));
    assert.notEqual(movedTxnId('$abc'), movedTxnId('$abd'));
  });

  it('is safe in a URL path', () => {
    assert.match(movedTxnId('$a/b+c=d:e'), /^[A-Za-z0-9._~-]+$/u);
  });
});
