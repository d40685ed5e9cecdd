/**
 * How a failure to open a room is classified: the code decides what a member reads (and whether Try again
 * is offered), so each homeserver answer must land on the right one. The answers themselves are checked
 * against the real Synapse in test/browser/error-states.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConnectionError, MatrixError } from 'matrix-js-sdk';
import { roomError } from './errors.ts';
import { OmniError } from '../types.ts';

const URL = 'http://127.0.0.1:8008/_matrix/client/v3/join/%23lobby%3Alocalhost';

function answer(httpStatus: number, errcode: string, error: string): MatrixError {
  return new MatrixError({ errcode, error }, httpStatus, URL);
}

describe('roomError', () => {
  test('a guest refused by a room for members only, as Synapse words it (M_FORBIDDEN) and as the spec names it', () => {
    assert.equal(roomError(answer(403, 'M_FORBIDDEN', 'Guest access not allowed'), '#lobby:localhost', true).code, 'guest-forbidden');
    assert.equal(
      roomError(answer(403, 'M_GUEST_ACCESS_FORBIDDEN', 'Guest access not allowed'), '#lobby:localhost').code,
      'guest-forbidden',
    );
  });

  test('a member refused is forbidden, not a guest matter', () => {
    assert.equal(roomError(answer(403, 'M_FORBIDDEN', 'You are not invited to this room.'), '#lobby:localhost', false).code, 'forbidden');
  });

  test('an unknown alias and an unknown room id both say the room does not exist', () => {
    assert.equal(roomError(answer(404, 'M_NOT_FOUND', 'Room alias not found'), '#nope:localhost').code, 'unknown-room');
    assert.equal(roomError(answer(404, 'M_UNKNOWN', 'No known servers'), '!nope:localhost').code, 'unknown-room');
  });

  test('rate limits, gateways of a server that is down and no answer at all can be retried', () => {
    assert.equal(roomError(answer(429, 'M_LIMIT_EXCEEDED', 'Too many requests'), '#lobby:localhost').code, 'rate-limited');
    assert.equal(roomError(answer(502, 'M_UNKNOWN', 'Bad gateway'), '#lobby:localhost').code, 'network');
    assert.equal(roomError(new ConnectionError('fetch failed'), '#lobby:localhost').code, 'network');
  });

  test('keeps its own errors and never carries the request URL into the message', () => {
    const own = new OmniError('bad-room', 'bad');
    assert.equal(roomError(own, 'x'), own);
    for (const [status, errcode] of [
      [400, 'M_UNKNOWN'],
      [403, 'M_FORBIDDEN'],
      [404, 'M_UNKNOWN'],
      [500, 'M_UNKNOWN'],
    ] as const) {
      const error = roomError(answer(status, errcode, 'reason'), '#lobby:localhost');
      assert.ok(!error.message.includes('http'), `${status} ${errcode}: ${error.message}`);
    }
  });
});
