import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePowerLevels } from './power-levels.ts';
import { saysRoom, withRoomMention } from './room-mention.ts';

const levels = parsePowerLevels({ users: { '@mod:x': 50, '@admin:x': 100 }, users_default: 0, notifications: { room: 50 } });
const content = (body: string): Record<string, unknown> => ({ msgtype: 'm.text', body, 'm.mentions': {} });

test('@room as a word', () => {
  assert.equal(saysRoom('@room please read'), true);
  assert.equal(saysRoom('hey @room!'), true);
  assert.equal(saysRoom('email@room.org'), false);
  assert.equal(saysRoom('@roomba'), false);
});

test('@room mentions the room only for members whose level reaches notifications.room', () => {
  assert.deepEqual(withRoomMention(content('@room meeting now'), levels, '@mod:x')['m.mentions'], { room: true });
  assert.deepEqual(withRoomMention(content('@room meeting now'), levels, '@someone:x')['m.mentions'], {}, 'below the level');
  assert.deepEqual(withRoomMention({ ...content('@room hi'), 'm.mentions': { user_ids: ['@a:x'] } }, levels, '@admin:x')['m.mentions'], {
    user_ids: ['@a:x'],
    room: true,
  });
  assert.deepEqual(withRoomMention(content('no mention'), levels, '@admin:x')['m.mentions'], {});
});
