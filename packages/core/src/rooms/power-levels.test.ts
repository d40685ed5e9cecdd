/**
 * What a member may do, read from `m.room.power_levels` contents as the spec's authorization rules read
 * them. The fixtures are the shapes homeservers and clients produce: Synapse's `createRoom` defaults, a
 * room with per-event-type levels, a read-only announcement room, an old room with string levels, and
 * none at all.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventLevel, isMuted, parsePowerLevels, permissionsOf, userLevel } from './power-levels.ts';
import { actionsOn, mutedLevel, roleOf, unmutedLevel, withUserLevel } from './member-actions.ts';

const ADMIN = '@admin:hs';
const MOD = '@mod:hs';
const MEMBER = '@member:hs';
const MUTED = '@muted:hs';

/** What Synapse's `createRoom` writes for a `private_chat` room, with a moderator and a muted member added. */
const SYNAPSE_DEFAULTS = {
  users: { [ADMIN]: 100, [MOD]: 50, [MUTED]: -1 },
  users_default: 0,
  events: {
    'm.room.name': 50,
    'm.room.power_levels': 100,
    'm.room.history_visibility': 100,
    'm.room.canonical_alias': 50,
    'm.room.avatar': 50,
    'm.room.tombstone': 100,
    'm.room.server_acl': 100,
    'm.room.encryption': 100,
  },
  events_default: 0,
  state_default: 50,
  ban: 50,
  kick: 50,
  redact: 50,
  invite: 0,
  historical: 100,
};

describe('parsePowerLevels', () => {
  test('missing keys take the spec defaults', () => {
    const levels = parsePowerLevels({});
    assert.equal(levels.ban, 50);
    assert.equal(levels.kick, 50);
    assert.equal(levels.redact, 50);
    assert.equal(levels.invite, 0);
    assert.equal(levels.eventsDefault, 0);
    assert.equal(levels.stateDefault, 50);
    assert.equal(levels.usersDefault, 0);
    assert.equal(levels.notificationsRoom, 50);
  });

  test('without a power-levels event the creator has 100, everyone else 0, and state needs 0', () => {
    const levels = parsePowerLevels(undefined, { creator: ADMIN, roomVersion: '10' });
    assert.equal(userLevel(levels, ADMIN), 100);
    assert.equal(userLevel(levels, MEMBER), 0);
    assert.equal(eventLevel(levels, 'm.room.topic', true), 0);
    assert.equal(permissionsOf(levels, MEMBER).kick, false);
    assert.equal(permissionsOf(levels, ADMIN).ban, true);
  });

  test('in room version 12 the creators are above every level, whatever users says', () => {
    const levels = parsePowerLevels(
      { ...SYNAPSE_DEFAULTS, users: { [MOD]: 50 } },
      { creator: ADMIN, roomVersion: '12', additionalCreators: ['@co:hs'] },
    );
    assert.ok(userLevel(levels, ADMIN) > 1_000_000);
    assert.ok(Number.isFinite(userLevel(levels, ADMIN)));
    assert.equal(roleOf(levels, '@co:hs'), 'admin');
    assert.equal(actionsOn(levels, MOD, ADMIN).kick, false);
    assert.equal(actionsOn(levels, ADMIN, MOD).kick, true);
    // Before version 12, the creator is whatever users says.
    assert.equal(userLevel(parsePowerLevels({ users: {} }, { creator: ADMIN, roomVersion: '11' }), ADMIN), 0);
  });

  test('string levels of old room versions are read; nonsense is ignored', () => {
    const levels = parsePowerLevels({ users: { [MOD]: '50', [MEMBER]: 'lots' }, kick: ' 25 ', ban: 1.5, notifications: { room: '10' } });
    assert.equal(userLevel(levels, MOD), 50);
    assert.equal(userLevel(levels, MEMBER), 0);
    assert.equal(levels.kick, 25);
    assert.equal(levels.ban, 50);
    assert.equal(levels.notificationsRoom, 10);
  });
});

describe('permissionsOf', () => {
  const levels = parsePowerLevels(SYNAPSE_DEFAULTS);

  test('a member writes and deletes their own messages, and nothing more', () => {
    assert.deepEqual(permissionsOf(levels, MEMBER), {
      level: 0,
      sendMessages: true,
      redactOwn: true,
      redactOthers: false,
      kick: false,
      ban: false,
      unban: false,
      changePower: false,
      invite: true,
      notifyRoom: false,
    });
  });

  test('a moderator deletes, kicks and bans but cannot change levels (m.room.power_levels needs 100 here)', () => {
    const mod = permissionsOf(levels, MOD);
    assert.equal(mod.redactOthers, true);
    assert.equal(mod.kick, true);
    assert.equal(mod.ban, true);
    assert.equal(mod.unban, true);
    assert.equal(mod.changePower, false);
  });

  test('an admin may do everything', () => {
    const admin = permissionsOf(levels, ADMIN);
    assert.ok(admin.redactOthers && admin.kick && admin.ban && admin.changePower && admin.notifyRoom);
  });

  test('per-event-type levels win over the defaults: m.room.message and m.room.redaction', () => {
    const strict = parsePowerLevels({ ...SYNAPSE_DEFAULTS, events: { 'm.room.message': 10, 'm.room.redaction': 60 } });
    assert.equal(permissionsOf(strict, MEMBER).sendMessages, false);
    assert.equal(permissionsOf(strict, MEMBER).redactOwn, false);
    // The redact level alone is not enough: sending the redaction event itself needs 60.
    assert.equal(permissionsOf(strict, MOD).redactOthers, false);
    assert.equal(permissionsOf(strict, ADMIN).redactOthers, true);
  });

  test('unbanning needs the kick level as well as the ban level', () => {
    const split = parsePowerLevels({ ...SYNAPSE_DEFAULTS, kick: 75 });
    assert.equal(permissionsOf(split, MOD).ban, true);
    assert.equal(permissionsOf(split, MOD).unban, false);
  });
});

describe('muting', () => {
  const levels = parsePowerLevels(SYNAPSE_DEFAULTS);

  test('a member below the message level in a room where members write is muted', () => {
    assert.equal(isMuted(levels, MUTED), true);
    assert.equal(isMuted(levels, MEMBER), false);
    assert.equal(roleOf(levels, MUTED), 'muted');
    assert.equal(roleOf(levels, MOD), 'moderator');
    assert.equal(roleOf(levels, ADMIN), 'admin');
    assert.equal(roleOf(levels, MEMBER), 'member');
  });

  test('a read-only room does not mute its members', () => {
    const announcements = parsePowerLevels({ ...SYNAPSE_DEFAULTS, events_default: 50 });
    assert.equal(isMuted(announcements, MEMBER), false);
    assert.equal(actionsOn(announcements, ADMIN, MEMBER).mute, false);
  });

  test('mute sets the level just below a message, unmute restores the default', () => {
    const perType = parsePowerLevels({ ...SYNAPSE_DEFAULTS, events: { 'm.room.message': 5 }, users_default: 10 });
    assert.equal(mutedLevel(perType), 4);
    assert.equal(unmutedLevel(perType), 10);
    const content = withUserLevel(SYNAPSE_DEFAULTS, levels, MEMBER, mutedLevel(levels));
    assert.deepEqual(content['users'], { ...SYNAPSE_DEFAULTS.users, [MEMBER]: -1 });
    const restored = withUserLevel(content, levels, MEMBER, unmutedLevel(levels));
    assert.deepEqual(restored['users'], SYNAPSE_DEFAULTS.users);
    // Every other key stays as it was.
    assert.equal(restored['historical'], 100);
  });
});

describe('actionsOn', () => {
  const levels = parsePowerLevels(SYNAPSE_DEFAULTS);

  test('a moderator acts on members below them, never on an equal or higher level or themselves', () => {
    assert.deepEqual(actionsOn(levels, MOD, MEMBER), { kick: true, ban: true, unban: true, mute: false, unmute: false, redact: true });
    assert.equal(actionsOn(levels, MOD, ADMIN).kick, false);
    assert.equal(actionsOn(levels, MOD, MOD).kick, false);
    assert.equal(actionsOn(levels, MOD, MOD).redact, false);
    assert.equal(actionsOn(levels, MOD, ADMIN).redact, false);
  });

  test('an admin mutes a member and unmutes a muted one', () => {
    assert.equal(actionsOn(levels, ADMIN, MEMBER).mute, true);
    assert.equal(actionsOn(levels, ADMIN, MEMBER).unmute, false);
    assert.equal(actionsOn(levels, ADMIN, MUTED).unmute, true);
    assert.equal(actionsOn(levels, ADMIN, MUTED).mute, false);
  });

  test('a member acts on nobody', () => {
    assert.deepEqual(actionsOn(levels, MEMBER, MUTED), {
      kick: false,
      ban: false,
      unban: false,
      mute: false,
      unmute: false,
      redact: false,
    });
  });

  test('a moderator allowed to change levels mutes members, not other moderators', () => {
    const modsChange = parsePowerLevels({ ...SYNAPSE_DEFAULTS, events: { 'm.room.power_levels': 50 } });
    assert.equal(actionsOn(modsChange, MOD, MEMBER).mute, true);
    assert.equal(actionsOn(modsChange, MOD, '@other-mod:hs').mute, true);
    const withOther = parsePowerLevels({
      ...SYNAPSE_DEFAULTS,
      users: { ...SYNAPSE_DEFAULTS.users, '@other-mod:hs': 50 },
      events: { 'm.room.power_levels': 50 },
    });
    assert.equal(actionsOn(withOther, MOD, '@other-mod:hs').mute, false);
  });
});
