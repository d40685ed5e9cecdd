/**
 * Which joins a member's page answers with the room's history, and which history visibilities allow it.
 * The sharing itself, between browsers against a real Synapse, is test/node/shared-history.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MatrixEvent } from 'matrix-js-sdk';
import { historyIsShared, isNewcomerJoin, SHARED_HISTORY_WINDOW_MS } from './shared-history.ts';

const ME = '@me:example.org';
const NOW = 1_800_000_000_000;

function member(stateKey: string, membership: string, options: { prev?: string; ts?: number; state?: boolean } = {}): MatrixEvent {
  return new MatrixEvent({
    type: 'm.room.member',
    ...(options.state === false ? {} : { state_key: stateKey }),
    sender: stateKey,
    event_id: `$${stateKey}${membership}`,
    origin_server_ts: options.ts ?? NOW - 1_000,
    content: { membership },
    ...(options.prev ? { unsigned: { prev_content: { membership: options.prev } } } : {}),
  });
}

describe('shared history', () => {
  test('only shared and world-readable history is shared', () => {
    assert.equal(historyIsShared('shared'), true);
    assert.equal(historyIsShared('world_readable'), true);
    for (const visibility of ['joined', 'invited', undefined, 42, '']) assert.equal(historyIsShared(visibility), false, String(visibility));
  });

  test("answers somebody else's fresh join, from an invitation or from nothing", () => {
    assert.equal(isNewcomerJoin(member('@carol:example.org', 'join'), ME, NOW), true);
    assert.equal(isNewcomerJoin(member('@carol:example.org', 'join', { prev: 'invite' }), ME, NOW), true);
    assert.equal(isNewcomerJoin(member('@carol:example.org', 'join', { prev: 'leave' }), ME, NOW), true);
  });

  test('ignores its own join, profile changes, other memberships, old joins and non-state events', () => {
    assert.equal(isNewcomerJoin(member(ME, 'join'), ME, NOW), false);
    assert.equal(isNewcomerJoin(member('@carol:example.org', 'join', { prev: 'join' }), ME, NOW), false, 'a rename');
    for (const membership of ['invite', 'leave', 'ban', 'knock']) {
      assert.equal(isNewcomerJoin(member('@carol:example.org', membership), ME, NOW), false, membership);
    }
    assert.equal(isNewcomerJoin(member('@carol:example.org', 'join', { ts: NOW - SHARED_HISTORY_WINDOW_MS - 1 }), ME, NOW), false);
    assert.equal(isNewcomerJoin(member('@carol:example.org', 'join', { state: false }), ME, NOW), false);
    const message = new MatrixEvent({ type: 'm.room.message', sender: '@carol:example.org', origin_server_ts: NOW, content: {} });
    assert.equal(isNewcomerJoin(message, ME, NOW), false);
  });
});
