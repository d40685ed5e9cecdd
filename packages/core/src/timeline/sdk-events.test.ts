/**
 * The engine's adapter to the pipeline: js-sdk events, built here from JSON (no server), become the
 * plain JSON and engine-only facts the pipeline reads.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventStatus, MatrixEvent } from 'matrix-js-sdk';
import { sendStatus, timelineEvent } from './sdk-events.ts';

const ROOM = '!a:example.org';

describe('timelineEvent', () => {
  test('a received message is its JSON, with nothing the pipeline would read as a local echo', () => {
    const event = new MatrixEvent({
      type: 'm.room.message',
      room_id: ROOM,
      event_id: '$m',
      sender: '@ann:x',
      origin_server_ts: 1000,
      content: { msgtype: 'm.text', body: 'hi' },
      unsigned: { transaction_id: 'txn1' },
    });
    const plain = timelineEvent(event);
    assert.deepEqual(plain, {
      json: {
        type: 'm.room.message',
        event_id: '$m',
        sender: '@ann:x',
        origin_server_ts: 1000,
        content: { msgtype: 'm.text', body: 'hi' },
        unsigned: { transaction_id: 'txn1' },
      },
    });
    assert.equal(plain.json['unsigned'], event.getUnsigned(), "js-sdk's own unsigned, so a local deletion shows at the next build");
  });

  test('state events keep their state key; a local echo carries its status and transaction id', () => {
    const state = timelineEvent(
      new MatrixEvent({
        type: 'm.room.topic',
        state_key: '',
        event_id: '$t',
        sender: '@ann:x',
        origin_server_ts: 1,
        content: { topic: 't' },
      }),
    );
    assert.equal(state.json['state_key'], '');
    const echo = new MatrixEvent({ type: 'm.room.message', event_id: '~!a:txn2', sender: '@me:x', origin_server_ts: 2, content: {} });
    echo.setTxnId('txn2');
    echo.setStatus(EventStatus.SENDING);
    const plain = timelineEvent(echo);
    assert.equal(plain.status, 'sending');
    assert.equal(plain.txnId, 'txn2');
  });

  test('an encrypted event nobody decrypted yet is its wire form, with why it cannot be read', () => {
    const content = {
      algorithm: 'm.megolm.v1.aes-sha2',
      ciphertext: 'x',
      'm.relates_to': { rel_type: 'm.annotation', event_id: '$m', key: 'k' },
    };
    const plain = timelineEvent(
      new MatrixEvent({ type: 'm.room.encrypted', room_id: ROOM, event_id: '$e', sender: '@ann:x', origin_server_ts: 3, content }),
    );
    assert.equal(plain.json['type'], 'm.room.encrypted');
    assert.equal(plain.json['content'], content, 'the wire content: its relation is in the clear');
    assert.deepEqual(plain.undecryptable, { state: 'waiting', reason: 'encryption-not-started' });
  });

  test('a deleted event is marked deleted through unsigned, as the server marks it', () => {
    const event = new MatrixEvent({
      type: 'm.room.message',
      event_id: '$d',
      sender: '@ann:x',
      origin_server_ts: 4,
      content: { body: 'x' },
    });
    event.markLocallyRedacted(new MatrixEvent({ type: 'm.room.redaction', event_id: '$r', sender: '@ann:x', redacts: '$d' }));
    const plain = timelineEvent(event);
    assert.ok((plain.json['unsigned'] as Record<string, unknown>)['redacted_because']);
    assert.deepEqual(plain.json['content'], {}, 'what js-sdk shows of a locally deleted event');
  });

  test("js-sdk's send states in the timeline's terms", () => {
    assert.deepEqual(
      [
        null,
        EventStatus.SENT,
        EventStatus.NOT_SENT,
        EventStatus.CANCELLED,
        EventStatus.QUEUED,
        EventStatus.ENCRYPTING,
        EventStatus.SENDING,
      ].map(sendStatus),
      ['sent', 'sent', 'failed', 'failed', 'queued', 'sending', 'sending'],
    );
  });
});
