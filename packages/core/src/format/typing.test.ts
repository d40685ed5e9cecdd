import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TYPING_IDLE_MS, TypingNotifier } from './typing.ts';

describe('TypingNotifier', () => {
  test('tells the room once per burst of typing, and stops after the idle time', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const sent: boolean[] = [];
    const typing = new TypingNotifier((value) => sent.push(value));
    typing.typed();
    typing.typed();
    t.mock.timers.tick(TYPING_IDLE_MS - 1);
    typing.typed();
    assert.deepEqual(sent, [true]);
    t.mock.timers.tick(TYPING_IDLE_MS - 1);
    assert.deepEqual(sent, [true]);
    t.mock.timers.tick(1);
    assert.deepEqual(sent, [true, false]);
    assert.equal(typing.typing, false);
  });

  test('stop() ends typing at once, and only once', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const sent: boolean[] = [];
    const typing = new TypingNotifier((value) => sent.push(value));
    typing.stop();
    typing.typed();
    typing.stop();
    typing.stop();
    t.mock.timers.tick(TYPING_IDLE_MS * 2);
    assert.deepEqual(sent, [true, false]);
  });
});
