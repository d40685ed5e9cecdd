/**
 * What both timelines show of state: the engine's `computeTimeline` (js-sdk events) and the light read's
 * `lightTimeline` (plain `/messages` JSON) are given the very same events, and must show the same lines.
 * The events are what Synapse gives for a post's room: its `/createRoom` batch, the creator giving back
 * the power the creation needed, then members coming and going. Pure: no server.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createClient, EventTimeline, MatrixEvent, PendingEventOrdering, Room } from 'matrix-js-sdk';
import { lightTimeline } from '../sync/light-read.ts';
import { computeTimeline, TimelineCache } from './timeline.ts';
import { isGuestId } from './timeline-rules.ts';
import type { MembershipGroup, MessageItem, NoticeItem, NoticeLine, TimelineItem } from './timeline-types.ts';

type Json = Record<string, unknown>;
const ROOM = '!post:example.org';
const ALICE = '@alice:example.org';
const READER = '@reader:example.org';
const T0 = new Date(2026, 10, 25, 12, 0, 0).getTime();
const POST_URL = 'https://example.org/posts%2Fphoto-feed?utm_source=feed';

let seq = 0;
function event(type: string, sender: string, content: Json, extra: { stateKey?: string; prev?: Json; ts?: number } = {}): Json {
  seq += 1;
  return {
    type,
    sender,
    room_id: ROOM,
    event_id: `$ev${String(seq)}`,
    origin_server_ts: extra.ts ?? T0 + seq * 1000,
    content,
    ...(extra.stateKey !== undefined ? { state_key: extra.stateKey } : {}),
    ...(extra.prev ? { unsigned: { prev_content: extra.prev, replaces_state: '$earlier' } } : {}),
  };
}
const state = (type: string, sender: string, content: Json, prev?: Json): Json =>
  event(type, sender, content, { stateKey: '', ...(prev ? { prev } : {}) });
const join = (userId: string, name?: string, prev?: Json): Json =>
  event(
    'm.room.member',
    userId,
    { membership: 'join', ...(name ? { displayname: name } : {}) },
    { stateKey: userId, ...(prev ? { prev } : {}) },
  );
const leave = (userId: string, name?: string): Json =>
  event(
    'm.room.member',
    userId,
    { membership: 'leave' },
    { stateKey: userId, prev: { membership: 'join', ...(name ? { displayname: name } : {}) } },
  );
const text = (sender: string, body: string, ts?: number): Json =>
  event('m.room.message', sender, { msgtype: 'm.text', body }, ts === undefined ? {} : { ts });

/** The members' state that comes with the events (`/messages`' `state` with lazy loading). */
const MEMBERS: Json[] = [
  {
    type: 'm.room.member',
    room_id: ROOM,
    sender: ALICE,
    state_key: ALICE,
    event_id: '$alice',
    origin_server_ts: T0,
    content: { membership: 'join', displayname: 'Alice' },
  },
];

/** A post room's `/createRoom` batch as Synapse writes it (posts.ts `postRoomCreateRequest`), and the step-down. */
function postRoomSetUp(creator: string, name: string): Json[] {
  const levels = { users: { [creator]: 100 }, users_default: 0, events_default: 0, state_default: 50 };
  return [
    state('m.room.create', creator, { room_version: '10', creator }),
    join(creator, name),
    state('m.room.power_levels', creator, levels),
    state('m.room.canonical_alias', creator, { alias: '#post.photo-feed:example.org' }),
    state('m.room.join_rules', creator, { join_rule: 'public' }),
    state('m.room.history_visibility', creator, { history_visibility: 'world_readable' }),
    state('m.room.guest_access', creator, { guest_access: 'can_join' }),
    state('org.omnisocial.post', creator, { id: 'photo-feed', url: POST_URL, title: 'New photo feed' }),
    state('m.room.name', creator, { name: 'New photo feed' }),
    state('m.room.topic', creator, { topic: POST_URL }),
    state('m.room.power_levels', creator, { ...levels, users: {} }, levels),
  ];
}

/**
 * A notice's line in a compact notation (the elements word it: notice-line.test.ts): "Bob joined",
 * "Bob removed by Alice: spam", "guest joined", "Alice topic-changed Photos only, please",
 * "Alice power-levels-changed Bob default→moderator".
 */
export function lineOf(line: NoticeLine): string {
  if ('member' in line) {
    const who = line.member ?? 'guest';
    const by =
      line.actor !== line.member && !['left', 'joined', 'knocked', 'rejected-invitation'].includes(line.kind) ? ` by ${line.actor}` : '';
    return `${who} ${line.kind}${line.newName ? ` → ${line.newName}` : ''}${by}${line.reason ? `: ${line.reason}` : ''}`;
  }
  if (line.kind === 'room-renamed') return `${line.actor} ${line.kind} ${line.name}`;
  if (line.kind === 'topic-changed') return `${line.actor} ${line.kind} ${line.topic}`;
  if (line.kind === 'power-levels-changed') {
    return `${line.actor} ${line.kind} ${line.changes.map((c) => `${c.member} ${c.from.role}→${c.to.role}`).join(', ')}`;
  }
  return `${line.actor} ${line.kind}`;
}

/** What a person reads, in order: day separators aside, "name: body" for messages and lines in notation. */
/**
 * A membership summary's groups in a compact notation (the elements word them: membership-summary.test.ts):
 * "Bob+Carol: joined | Erin: joined-and-left", "Zoe+1 guest: joined", "Bob: joined-and-left×2".
 */
function groupsOf(groups: readonly MembershipGroup[]): string {
  return groups
    .map(({ names, guests, steps }) => {
      const who = [...names, ...(guests > 0 ? [`${String(guests)} guest${guests > 1 ? 's' : ''}`] : [])].join('+');
      const did = steps.map(({ kind, times }) => (times > 1 ? `${kind}×${String(times)}` : kind)).join(', then ');
      return `${who}: ${did}`;
    })
    .join(' | ');
}

function visible(items: readonly TimelineItem[]): string[] {
  return items.flatMap((item) => {
    if (item.kind === 'message') return [`${item.sender.displayName}: ${item.body}`];
    if (item.kind === 'notice' && item.summary) {
      assert.equal(item.line, undefined, 'a summary is groups, worded by the elements');
      return [groupsOf(item.summary.groups)];
    }
    if (item.kind === 'notice') return [item.line ? lineOf(item.line) : ''];
    if (item.kind === 'placeholder') return [`[${item.reason}]`];
    return item.kind === 'read-marker' ? ['--- new messages ---'] : [];
  });
}

async function engineItems(events: readonly Json[], options: { fullyRead?: string } = {}): Promise<TimelineItem[]> {
  const client = createClient({ baseUrl: 'http://127.0.0.1:1', userId: READER });
  const room = new Room(ROOM, client, READER, { pendingEventOrdering: PendingEventOrdering.Detached });
  // Members known from state, as lazy loading gives them with the timeline: not events of the timeline.
  room
    .getLiveTimeline()
    .getState(EventTimeline.FORWARDS)
    ?.setStateEvents(MEMBERS.map((json) => new MatrixEvent(json)));
  await room.addLiveEvents(
    events.map((json) => new MatrixEvent(json)),
    { addToState: true },
  );
  if (options.fullyRead) room.addAccountData([new MatrixEvent({ type: 'm.fully_read', content: { event_id: options.fullyRead } })]);
  return computeTimeline(room, READER, new TimelineCache()).items;
}

/** Both paths on the same events: they must agree item for item (kind, key, text), and that is returned. */
async function bothPaths(events: readonly Json[]): Promise<TimelineItem[]> {
  const light = lightTimeline(events, MEMBERS, READER);
  const engine = await engineItems(events);
  assert.deepEqual(
    engine.map((i) => [i.kind, i.key, i.kind === 'notice' ? i.line : '']),
    light.map((i) => [i.kind, i.key, i.kind === 'notice' ? i.line : '']),
    'the light read and the engine show the same items',
  );
  assert.deepEqual(visible(engine), visible(light));
  return engine;
}

const notices = (items: readonly TimelineItem[]): NoticeItem[] => items.filter((i): i is NoticeItem => i.kind === 'notice');

describe('room set-up is not shown', () => {
  test('a post room opens on its first message: no creation, power levels, topic, join rules or binding lines', async () => {
    const setUp = postRoomSetUp(ALICE, 'Alice');
    const first = text(ALICE, 'What do you think of the new feed?');
    const items = await bothPaths([...setUp, first]);
    assert.deepEqual(visible(items), ['Alice: What do you think of the new feed?']);
  });

  test('only the latest events loaded (the creation out of reach): the tail of the set-up is still hidden', async () => {
    const setUp = postRoomSetUp(ALICE, 'Alice');
    const items = await bothPaths([...setUp.slice(5), text(ALICE, 'first')]);
    assert.deepEqual(visible(items), ['Alice: first']);
  });

  test('changes made after the discussion started are shown: topic, name, a moderator named, encryption turned on', async () => {
    const levels = { users: {}, users_default: 0 };
    const events = [
      ...postRoomSetUp(ALICE, 'Alice'),
      text(ALICE, 'first'),
      state('m.room.topic', ALICE, { topic: 'Photos only, please' }, { topic: POST_URL }),
      state('m.room.name', ALICE, { name: 'Photo feed' }, { name: 'New photo feed' }),
      state('m.room.power_levels', ALICE, { ...levels, state_default: 100 }, levels),
      state('m.room.power_levels', ALICE, { ...levels, users: { '@bob:example.org': 50 } }, levels),
      state('m.room.history_visibility', ALICE, { history_visibility: 'shared' }, { history_visibility: 'world_readable' }),
      state('m.room.encryption', ALICE, { algorithm: 'm.megolm.v1.aes-sha2' }),
    ];
    const items = await bothPaths(events);
    assert.deepEqual(visible(items), [
      'Alice: first',
      'Alice topic-changed Photos only, please',
      'Alice room-renamed Photo feed',
      'Alice power-levels-changed @bob:example.org default→moderator',
      'Alice encryption-enabled',
    ]);
  });

  test('a deleted room change is not shown; a deleted membership still is', async () => {
    const redacted = { redacted_because: { type: 'm.room.redaction', sender: ALICE, content: {} } };
    const events = [
      text(ALICE, 'first'),
      { ...state('m.room.topic', ALICE, {}, { topic: POST_URL }), unsigned: { ...redacted, prev_content: { topic: POST_URL } } },
      { ...join('@bob:example.org', 'Bob'), content: { membership: 'join' }, unsigned: redacted },
    ];
    const items = await bothPaths(events);
    assert.deepEqual(visible(items), ['Alice: first', '@bob:example.org joined']);
  });

  test('a member joining at the top of what is loaded is not taken for the set-up', async () => {
    const items = await bothPaths([join('@bob:example.org', 'Bob'), text('@bob:example.org', 'hi')]);
    assert.deepEqual(visible(items), ['Bob joined', 'Bob: hi']);
  });

  test('a room someone else set up for the creator (an invitation in the batch) still shows the invitation', async () => {
    const events = [
      state('m.room.create', ALICE, { creator: ALICE }),
      join(ALICE, 'Alice'),
      state('m.room.power_levels', ALICE, { users: { [ALICE]: 100 } }),
      state('m.room.encryption', ALICE, { algorithm: 'm.megolm.v1.aes-sha2' }),
      event('m.room.member', ALICE, { membership: 'invite', displayname: 'Bob' }, { stateKey: '@bob:example.org' }),
      join('@bob:example.org', 'Bob', { membership: 'invite', displayname: 'Bob' }),
    ];
    const items = await bothPaths(events);
    assert.deepEqual(visible(items), ['Bob: invited-and-joined']);
    const [line] = notices(items);
    assert.deepEqual(line?.summary?.lines.map(lineOf), ['Bob invited by Alice', 'Bob joined']);
  });

  test('hidden state (guest access, permissions) does not break a group of messages', async () => {
    const events = [
      text(ALICE, 'one', T0 + 100_000),
      state('m.room.guest_access', ALICE, { guest_access: 'forbidden' }, { guest_access: 'can_join' }),
      state('m.room.power_levels', ALICE, { users: {}, redact: 100 }, { users: {}, redact: 50 }),
      text(ALICE, 'two', T0 + 160_000),
    ];
    for (const items of [lightTimeline(events, MEMBERS, READER), await engineItems(events)]) {
      const continued = items.filter((i): i is MessageItem => i.kind === 'message').map((i) => i.continuation);
      assert.deepEqual(continued, [false, true]);
    }
  });
});

describe('membership churn is one line', () => {
  const people = ['Bob', 'Carol', 'Dave', 'Erin', 'Frank'].map((name) => ({ id: `@${name.toLowerCase()}:example.org`, name }));

  test('five members join and one leaves between two messages: one line naming two, counting the rest', async () => {
    const events = [
      ...postRoomSetUp(ALICE, 'Alice'),
      text(ALICE, 'first'),
      ...people.map((p) => join(p.id, p.name)),
      leave('@erin:example.org', 'Erin'),
      text(ALICE, 'welcome all'),
    ];
    const items = await bothPaths(events);
    assert.deepEqual(visible(items), ['Alice: first', 'Bob+Carol+Dave+Frank: joined | Erin: joined-and-left', 'Alice: welcome all']);
    const [summary] = notices(items);
    assert.deepEqual(summary?.summary?.names, ['Bob', 'Carol', 'Dave', 'Erin', 'Frank']);
    assert.deepEqual(summary.summary.lines.map(lineOf), [
      'Bob joined',
      'Carol joined',
      'Dave joined',
      'Erin joined',
      'Frank joined',
      'Erin left',
    ]);
    assert.equal(summary.summary.eventIds.length, 6);
    assert.equal(summary.key, summary.summary.eventIds[0], 'keyed by its first event, so the line keeps its key as others join');
  });

  test('guests are counted, never named; a member among them is named', async () => {
    const guests = Array.from({ length: 11 }, (_, i) => join(`@${String(100 + i)}:example.org`));
    assert.ok(isGuestId('@100:example.org') && !isGuestId('@bob:example.org') && !isGuestId('@1bob:example.org'));
    let items = await bothPaths([text(ALICE, 'hello'), ...guests]);
    assert.deepEqual(visible(items), ['Alice: hello', '11 guests: joined']);
    items = await bothPaths([text(ALICE, 'hello'), join('@bob:example.org', 'Bob'), ...guests.slice(0, 11)]);
    assert.deepEqual(visible(items).slice(1), ['Bob+11 guests: joined']);
    items = await bothPaths([text(ALICE, 'hello'), join('@7:example.org'), leave('@7:example.org')]);
    assert.deepEqual(visible(items).slice(1), ['1 guest: joined-and-left']);
    // Synapse names a guest after its number; one who chose a name is named.
    items = await bothPaths([text(ALICE, 'hello'), join('@5:example.org', '5')]);
    assert.deepEqual(visible(items).slice(1), ['guest joined'], 'a single change stays its own line');
    items = await bothPaths([text(ALICE, 'hello'), join('@5:example.org', '5'), join('@6:example.org', 'Zoe')]);
    assert.deepEqual(visible(items).slice(1), ['Zoe+1 guest: joined']);
    const [line] = notices(items);
    assert.deepEqual(line?.summary?.lines.map(lineOf), ['guest joined', 'Zoe joined']);
    assert.deepEqual(line.summary.names, ['Zoe'], 'a guest without a name is not listed as one');
  });

  test('grouping: members who did the same together, rejoining, name changes while joining, repeated churn, removals', async () => {
    const [bob, carol, dave] = people as [{ id: string; name: string }, { id: string; name: string }, { id: string; name: string }];
    const cases: [Json[], string][] = [
      [[join(bob.id, 'Bob'), join(carol.id, 'Carol'), join(dave.id, 'Dave')], 'Bob+Carol+Dave: joined'],
      [[join(bob.id, 'Bob'), join(carol.id, 'Carol')], 'Bob+Carol: joined'],
      [[leave(bob.id, 'Bob'), join(bob.id, 'Bob')], 'Bob: left-and-rejoined'],
      [[join(bob.id), join(bob.id, 'Bob', { membership: 'join' })], 'Bob: joined'],
      [[join(bob.id, 'Bob'), leave(bob.id, 'Bob'), join(bob.id, 'Bob'), leave(bob.id, 'Bob')], 'Bob: joined-and-left×2'],
      [
        [
          join(bob.id, 'Bob', { membership: 'join', displayname: 'Bobby' }),
          join(carol.id, 'Carol'),
          event(
            'm.room.member',
            ALICE,
            { membership: 'leave', reason: 'spam' },
            { stateKey: dave.id, prev: { membership: 'join', displayname: 'Dave' } },
          ),
        ],
        'Bob: renamed | Carol: joined | Dave: removed',
      ],
    ];
    for (const [changes, expected] of cases) {
      const items = await bothPaths([text(ALICE, 'before', T0), ...changes]);
      assert.deepEqual(visible(items).slice(1), [expected]);
    }
  });

  test('a single change stays its own line, with no summary', async () => {
    const items = await bothPaths([text(ALICE, 'hi'), join('@bob:example.org', 'Bob')]);
    const [line] = notices(items);
    assert.deepEqual(line?.line, { kind: 'joined', member: 'Bob', actor: 'Bob' });
    assert.equal(line.summary, undefined);
  });

  test('a day separator and the read marker split a run; messages are grouped as before around it', async () => {
    const late = new Date(2026, 10, 25, 23, 59, 0).getTime();
    const events = [
      text(ALICE, 'late', late - 60_000),
      event('m.room.member', '@bob:example.org', { membership: 'join', displayname: 'Bob' }, { stateKey: '@bob:example.org', ts: late }),
      event(
        'm.room.member',
        '@carol:example.org',
        { membership: 'join', displayname: 'Carol' },
        { stateKey: '@carol:example.org', ts: late + 120_000 },
      ),
    ];
    const items = await bothPaths(events);
    assert.deepEqual(
      items.map((i) => i.kind),
      ['day', 'message', 'notice', 'day', 'notice'],
    );
    const bobJoin = events[1]?.['event_id'] as string;
    const marked = await engineItems([...events.slice(0, 2), join('@dave:example.org', 'Dave'), text('@dave:example.org', 'hey')], {
      fullyRead: bobJoin,
    });
    assert.deepEqual(visible(marked), ['Alice: late', 'Bob joined', '--- new messages ---', 'Dave joined', 'Dave: hey']);
  });
});
