/**
 * The companion's moderation against a real Synapse that loads its application-service registration:
 * members' reports reach the site's queue and moderators act on them (delete, ban, dismiss); site-wide
 * bans through the companion's policy list apply in every post room, later ones included, and lift
 * cleanly; guests' messages beyond the site's limits are removed, and first messages held for approval are
 * shown as sent once released, removed once rejected, and kept across a restart of the companion.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dendriteSkip, homeserverImplementation, startSite, type Peer, type Site } from '@omnisocial/testing';
import { postRoomAlias, resolveConfig, signSiteRequest, SiteVerifier, startCompanion } from '@omnisocial/server';
import { siteCall as signedCall } from '../support/site-call.ts';

/** The abuse controls tell guests and new accounts by the admin user look-up, which Dendrite lacks. */
const GUESTS = { skip: dendriteSkip('adminUserLookup', homeserverImplementation()) };
const REPORTS = { skip: dendriteSkip('eventReportAdmin', homeserverImplementation()) };

const POSTS = ['open-1', 'open-2', 'later', 'flood'].map((id) => ({ id, title: id, open: true }));
const enc = encodeURIComponent;

/** A signed call of the site's backend to the companion's moderation API. */
const siteCall = (site: Site, method: 'GET' | 'POST', path: string, body?: unknown): ReturnType<typeof signedCall> =>
  signedCall(site.companion.siteApiUrl, site.siteSecret, method, path, body);

interface Item {
  id: string;
  kind: string;
  eventId: string;
  reporter?: string;
  reason?: string;
  sender?: string;
  message?: { body?: string; encrypted?: boolean; deleted?: boolean };
}

async function queue(site: Site, limit = 200, from = 0): Promise<{ items: Item[]; total: number }> {
  const answer = await siteCall(site, 'GET', `/_omni/v1/moderation/queue?from=${String(from)}&limit=${String(limit)}`);
  assert.equal(answer.status, 200, JSON.stringify(answer.json));
  return answer.json as unknown as { items: Item[]; total: number };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function membership(peer: Peer, roomId: string, userId: string): Promise<string | undefined> {
  const state = await peer
    .request<{ membership?: string }>('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.member/${enc(userId)}`)
    .catch(() => ({ membership: undefined }));
  return state.membership;
}

async function isRedacted(peer: Peer, roomId: string, eventId: string): Promise<true | undefined> {
  const event = await peer.request<{ content: Record<string, unknown>; unsigned?: Record<string, unknown> }>(
    'GET',
    `/_matrix/client/v3/rooms/${enc(roomId)}/event/${enc(eventId)}`,
  );
  return Object.keys(event.content).length === 0 ? true : undefined;
}

describe('the companion moderates the site (real Synapse or Dendrite, application service)', () => {
  let site: Site;
  let mod: Peer;
  let alice: Peer;
  let bob: Peer;
  const rooms: Record<string, string> = {};
  const alias = (id: string): string => postRoomAlias(id, { serverName: 'localhost' });
  /** Left by one test for the next: a report already dismissed, a member banned by an editor's rule. */
  let dismissedReport = '';
  let graceId = '';

  before(async () => {
    site = await startSite({
      posts: POSTS,
      moderation: { policyEditors: ['@mod:localhost'], abuse: { messagesPerMinute: 3, maxLinks: 1 } },
    });
    mod = await site.homeserver.registerUser({ username: 'mod' });
    alice = await site.homeserver.registerUser({ username: 'alice' });
    bob = await site.homeserver.registerUser({ username: 'bob' });
    for (const id of ['open-1', 'open-2']) {
      rooms[id] = await alice.resolveAlias(alias(id));
      for (const peer of [alice, bob]) await peer.joinRoom(rooms[id] ?? '');
    }
  });

  after(async () => {
    await site.stop();
  });

  test('a report reaches the queue with the message; delete redacts it, dismiss keeps it, both leave the queue', async () => {
    const room = rooms['open-1'] ?? '';
    const rude = await bob.sendMessage(room, 'you are all idiots');
    const fine = await bob.sendMessage(room, 'a fine message');
    const encrypted = await bob.sendEvent(room, 'm.room.encrypted', {
      algorithm: 'm.megolm.v1.aes-sha2',
      ciphertext: 'AAAA',
      session_id: 's',
      sender_key: 'k',
      device_id: 'D',
    });
    await alice.request('POST', `/_matrix/client/v3/rooms/${enc(room)}/report/${enc(rude)}`, { reason: 'insults' });
    await alice.request('POST', `/_matrix/client/v3/rooms/${enc(room)}/report/${enc(fine)}`, { reason: 'I disagree' });
    await alice.request('POST', `/_matrix/client/v3/rooms/${enc(room)}/report/${enc(encrypted)}`, { reason: 'hidden' });
    // A report about a room that is not a post room stays out of the site's queue.
    // (Bob's message: Dendrite fails with 500 on a report of the reporter's own message.)
    const { roomId: own } = await bob.createRoom({ name: 'Not a post', preset: 'public_chat' });
    const elsewhere = await bob.sendMessage(own, 'his');
    await alice.joinRoom(own);
    await alice.request('POST', `/_matrix/client/v3/rooms/${enc(own)}/report/${enc(elsewhere)}`, { reason: 'test' });

    const { items } = await queue(site);
    const byEvent = (eventId: string): Item | undefined => items.find((item) => item.eventId === eventId);
    assert.equal(byEvent(rude)?.message?.body, 'you are all idiots');
    assert.equal(byEvent(rude)?.reporter, alice.userId);
    assert.equal(byEvent(rude)?.sender, bob.userId);
    assert.equal(byEvent(rude)?.reason, 'insults');
    assert.equal(byEvent(encrypted)?.message?.encrypted, true, 'an encrypted message says so');
    assert.equal(byEvent(elsewhere), undefined, 'only post rooms');

    const deleted = await siteCall(site, 'POST', `/_omni/v1/moderation/queue/${enc(byEvent(rude)?.id ?? '')}/delete`, {
      reason: 'insults',
    });
    assert.equal(deleted.status, 200, JSON.stringify(deleted.json));
    // Dendrite prunes a redacted event's content a moment after it accepts the redaction.
    await until('the reported message redacted', () => isRedacted(alice, room, rude));
    const dismissed = await siteCall(site, 'POST', `/_omni/v1/moderation/queue/${enc(byEvent(fine)?.id ?? '')}/dismiss`);
    assert.equal(dismissed.status, 200);
    assert.equal(await isRedacted(alice, room, fine), undefined, 'dismissing keeps the message');
    const left = (await queue(site)).items.map((item) => item.eventId);
    assert.ok(!left.includes(rude) && !left.includes(fine) && left.includes(encrypted));
    dismissedReport = byEvent(fine)?.id ?? '';
  });

  test('acting twice on a report, or on something that is not an item, is answered clearly', REPORTS, async () => {
    const again = await siteCall(site, 'POST', `/_omni/v1/moderation/queue/${enc(dismissedReport)}/dismiss`);
    assert.equal(again.status, 404);
    assert.match(String(again.json['error']), /no longer in the queue/u);
    assert.equal((await siteCall(site, 'POST', '/_omni/v1/moderation/queue/report:1/explode')).status, 404);
    // Unsigned requests are refused.
    const unsigned = await fetch(`${site.companion.siteApiUrl}/_omni/v1/moderation/queue`);
    assert.equal(unsigned.status, 401);
  });

  test('ban from the queue bans the sender in every post room, and rooms created later', async () => {
    const carol = await site.homeserver.registerUser({ username: 'carol' });
    for (const id of ['open-1', 'open-2']) await carol.joinRoom(rooms[id] ?? '');
    const spam = await carol.sendMessage(rooms['open-1'] ?? '', 'buy now');
    await alice.request('POST', `/_matrix/client/v3/rooms/${enc(rooms['open-1'] ?? '')}/report/${enc(spam)}`, { reason: 'spam' });
    const item = (await queue(site)).items.find((i) => i.eventId === spam);
    const banned = await siteCall(site, 'POST', `/_omni/v1/moderation/queue/${enc(item?.id ?? '')}/ban`, { reason: 'spam' });
    assert.equal(banned.status, 200, JSON.stringify(banned.json));
    for (const id of ['open-1', 'open-2']) assert.equal(await membership(alice, rooms[id] ?? '', carol.userId), 'ban');
    const later = await alice.resolveAlias(alias('later'));
    assert.equal(await membership(alice, later, carol.userId), 'ban', 'a room created after the ban');
    await assert.rejects(carol.joinRoom(later));
    const lifted = await siteCall(site, 'POST', '/_omni/v1/moderation/rules/remove', { kind: 'user', entity: carol.userId });
    assert.equal(lifted.status, 200);
    for (const roomId of [rooms['open-1'] ?? '', later]) assert.equal(await membership(alice, roomId, carol.userId), 'leave');
  });

  test('a user rule bans in existing and later rooms, glob rules ban who joins, lifting undoes only its own bans', async () => {
    const eve = await site.homeserver.registerUser({ username: 'eve' });
    const frank = await site.homeserver.registerUser({ username: 'frank' });
    await eve.joinRoom(rooms['open-1'] ?? '');
    await frank.joinRoom(rooms['open-2'] ?? '');
    await site.companion.moderation.policy.addRule('user', eve.userId, 'trolling');
    for (const id of ['open-1', 'open-2']) assert.equal(await membership(alice, rooms[id] ?? '', eve.userId), 'ban');
    const flood = await alice.resolveAlias(alias('flood'));
    assert.equal(await membership(alice, flood, eve.userId), 'ban');

    const glob = await siteCall(site, 'POST', '/_omni/v1/moderation/rules', {
      kind: 'user',
      entity: '@spam*:localhost',
      reason: 'spam bots',
    });
    assert.equal(glob.status, 200);
    const spammer = await site.homeserver.registerUser({ username: 'spam42' });
    await spammer.joinRoom(rooms['open-1'] ?? '');
    await until('the glob ban of a member who joins', async () =>
      (await membership(alice, rooms['open-1'] ?? '', spammer.userId)) === 'ban' ? true : undefined,
    );

    const rules = await siteCall(site, 'GET', '/_omni/v1/moderation/rules');
    const entities = (rules.json['rules'] as Array<{ entity: string }>).map((rule) => rule.entity);
    assert.ok(entities.includes(eve.userId) && entities.includes('@spam*:localhost'));

    await site.companion.moderation.policy.removeRule('user', eve.userId);
    for (const roomId of [rooms['open-1'] ?? '', rooms['open-2'] ?? '', flood])
      assert.equal(await membership(alice, roomId, eve.userId), 'leave');
    assert.equal(await membership(alice, rooms['open-1'] ?? '', spammer.userId), 'ban', "another rule's ban stays");
  });

  test('a server rule denies the server in every post room through the server ACL, and lifting it allows it again', async () => {
    const added = await siteCall(site, 'POST', '/_omni/v1/moderation/rules', { kind: 'server', entity: '*.evil.example', reason: 'abuse' });
    assert.equal(added.status, 200, JSON.stringify(added.json));
    const acl = await alice.request<{ deny: string[]; allow: string[] }>(
      'GET',
      `/_matrix/client/v3/rooms/${enc(rooms['open-2'] ?? '')}/state/m.room.server_acl/`,
    );
    assert.deepEqual(acl.deny, ['*.evil.example']);
    assert.deepEqual(acl.allow, ['*']);
    await siteCall(site, 'POST', '/_omni/v1/moderation/rules/remove', { kind: 'server', entity: '*.evil.example' });
    const lifted = await alice.request<{ deny: string[] }>(
      'GET',
      `/_matrix/client/v3/rooms/${enc(rooms['open-2'] ?? '')}/state/m.room.server_acl/`,
    );
    assert.deepEqual(lifted.deny, []);
  });

  test('a malformed rule or a rule against the bot or the site is refused with a clear reason, and the list goes on', async () => {
    for (const [kind, entity, reason] of [
      ['user', 'not a user', /not a user id/u],
      ['user', '@*:*', /would match everyone/u],
      ['user', '@om*:localhost', /would ban the site's bot/u],
      ['server', 'local*', /would deny the site's own server/u],
      ['server', 'bad server!', /not a server name/u],
    ] as const) {
      const answer = await siteCall(site, 'POST', '/_omni/v1/moderation/rules', { kind, entity });
      assert.equal(answer.status, 400, entity);
      assert.match(String(answer.json['error']), reason);
    }
    // Written into the policy room by an editor's own Matrix client: skipped and logged, the bot stays, the list goes on.
    const policyRoom = site.companion.moderation.policy.roomId;
    // The editor registered after the policy room was made: the bot invites them, as it does at creation.
    await fetch(`${site.homeserver.baseUrl}/_matrix/client/v3/rooms/${enc(policyRoom)}/invite`, {
      method: 'POST',
      headers: { authorization: `Bearer ${site.companion.registration.as_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: mod.userId }),
    });
    await mod.joinRoom(policyRoom);
    const bot = site.companion.botUserId;
    await mod.sendState(policyRoom, 'm.policy.rule.user', 'rule:bad', { entity: 'nobody', recommendation: 'm.ban' });
    await mod.sendState(policyRoom, 'm.policy.rule.user', 'rule:bot', { entity: bot, recommendation: 'm.ban', reason: 'oops' });
    const grace = await site.homeserver.registerUser({ username: 'grace' });
    await grace.joinRoom(rooms['open-2'] ?? '');
    await mod.sendState(policyRoom, 'm.policy.rule.user', 'rule:grace', { entity: grace.userId, recommendation: 'm.ban', reason: 'x' });
    await until('the valid rule written after the bad ones applied', async () =>
      (await membership(alice, rooms['open-2'] ?? '', grace.userId)) === 'ban' ? true : undefined,
    );
    assert.equal(await membership(alice, rooms['open-1'] ?? '', bot), 'join');
    const entities = site.companion.moderation.policy.rules().map((rule) => rule.entity);
    assert.ok(!entities.includes(bot) && !entities.includes('nobody'));
    graceId = grace.userId;
  });

  test(
    "an editor lifts a rule by redacting its event: the rule's bans are undone",
    { skip: dendriteSkip('redactionPush', homeserverImplementation()) },
    async () => {
      const policyRoom = site.companion.moderation.policy.roomId;
      const state = await mod.request<Array<{ type: string; state_key: string; event_id: string }>>(
        'GET',
        `/_matrix/client/v3/rooms/${enc(policyRoom)}/state`,
      );
      const ruleEvent = state.find((e) => e.type === 'm.policy.rule.user' && e.state_key === 'rule:grace');
      await mod.redact(policyRoom, ruleEvent?.event_id ?? '', 'mistake');
      await until('the redacted rule lifted', async () =>
        (await membership(alice, rooms['open-2'] ?? '', graceId)) === 'leave' ? true : undefined,
      );
    },
  );

  test("guests beyond the site's limits have their messages removed: messages per minute and links per message", GUESTS, async () => {
    const room = rooms['open-1'] ?? '';
    const guest = await site.homeserver.guest();
    await guest.joinRoom(room);
    const sent: string[] = [];
    for (let i = 0; i < 4; i += 1) sent.push(await guest.sendMessage(room, `hello ${String(i)}`));
    await until('the fourth message of the minute removed', () => isRedacted(alice, room, sent[3] ?? ''));
    for (const eventId of sent.slice(0, 3)) assert.equal(await isRedacted(alice, room, eventId), undefined);

    const other = await site.homeserver.guest();
    await other.joinRoom(room);
    const links = await other.sendMessage(room, 'see https://a.example and www.b.example');
    const one = await other.sendMessage(room, 'just https://a.example');
    await until('the two-link message removed', () => isRedacted(alice, room, links));
    assert.equal(await isRedacted(alice, room, one), undefined, 'one link is allowed');
    // A member (not a guest) is not limited.
    const member = await bob.sendMessage(room, 'https://a.example https://b.example https://c.example');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(await isRedacted(alice, room, member), undefined);
  });

  test('a flood of reports is queued in full, paged, and acted on', REPORTS, async () => {
    const room = rooms['open-2'] ?? '';
    const messages: string[] = [];
    for (let i = 0; i < 20; i += 1) messages.push(await bob.sendMessage(room, `message ${String(i)}`));
    const started = performance.now();
    const reports = Array.from({ length: 300 }, (_, i) => messages[i % messages.length] ?? '');
    for (let i = 0; i < reports.length; i += 20) {
      await Promise.all(
        reports
          .slice(i, i + 20)
          .map((eventId) => alice.request('POST', `/_matrix/client/v3/rooms/${enc(room)}/report/${enc(eventId)}`, { reason: 'flood' })),
      );
    }
    const first = await queue(site, 100);
    assert.ok(first.total >= 300, `total ${String(first.total)}`);
    assert.equal(first.items.length, 100);
    const second = await queue(site, 100, 100);
    assert.equal(new Set([...first.items, ...second.items].map((item) => item.id)).size, 200, 'pages do not overlap');
    const bad = await siteCall(site, 'GET', '/_omni/v1/moderation/queue?limit=5000');
    assert.equal(bad.status, 400);
    await Promise.all(first.items.slice(0, 20).map((item) => siteCall(site, 'POST', `/_omni/v1/moderation/queue/${enc(item.id)}/dismiss`)));
    assert.equal((await queue(site, 1)).total, first.total - 20);
    assert.ok(performance.now() - started < 120_000);
  });
});

describe('first messages of guests wait for a moderator (approval mode)', GUESTS, () => {
  let site: Site;

  before(async () => {
    site = await startSite({ posts: [{ id: 'guests', open: true }], moderation: { abuse: { firstMessageApproval: true } } });
  });

  after(async () => {
    await site.stop();
  });

  /** The room's held-message marker for `eventId` (the companion's `org.omnisocial.held` state), once it says `status`. */
  const marker = (peer: Peer, room: string, eventId: string, status: string): Promise<Record<string, unknown>> =>
    until(`the marker ${status}`, async () => {
      const content = await peer
        .request('GET', `/_matrix/client/v3/rooms/${enc(room)}/state/org.omnisocial.held/${enc(eventId)}`)
        .catch(() => undefined);
      return content?.['status'] === status ? content : undefined;
    });

  test('held (marked, not removed), then released as it was sent; rejected ones are removed', async () => {
    const alice = await site.homeserver.registerUser({ username: 'alice', displayName: 'Alice' });
    const room = await alice.resolveAlias(postRoomAlias('guests', { serverName: 'localhost' }));
    await alice.joinRoom(room);
    const guest = await site.homeserver.guest();
    await guest.joinRoom(room);
    const first = await guest.sendMessage(room, 'hi, first time here');
    assert.equal((await marker(alice, room, first, 'pending'))['sender'], guest.userId);
    assert.equal(await isRedacted(alice, room, first), undefined, 'held, not removed: its author still has it');
    const held = (await queue(site)).items.find((item) => item.eventId === first);
    assert.equal(held?.kind, 'held');
    assert.equal((held as unknown as { body: string }).body, 'hi, first time here');
    const released = await siteCall(site, 'POST', `/_omni/v1/moderation/queue/${enc(held.id)}/release`);
    assert.equal(released.status, 200, JSON.stringify(released.json));
    assert.equal(released.json['released'], first, 'the message itself is released, not a copy');
    await marker(alice, room, first, 'released');
    assert.equal(await isRedacted(alice, room, first), undefined);
    // Released once: the author's next message stays, unmarked.
    const second = await guest.sendMessage(room, 'thanks');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(await isRedacted(alice, room, second), undefined);
    assert.equal(
      await alice.request('GET', `/_matrix/client/v3/rooms/${enc(room)}/state/org.omnisocial.held/${enc(second)}`).catch(() => 'none'),
      'none',
    );

    const other = await site.homeserver.guest();
    await other.joinRoom(room);
    const spam = await other.sendMessage(room, 'buy now');
    await marker(alice, room, spam, 'pending');
    const item = (await queue(site)).items.find((i) => i.eventId === spam);
    assert.equal((await siteCall(site, 'POST', `/_omni/v1/moderation/queue/${enc(item?.id ?? '')}/reject`)).status, 200);
    await marker(alice, room, spam, 'rejected');
    await until('the rejected message removed', () => isRedacted(alice, room, spam));
    assert.equal(
      (await queue(site)).items.some((i) => i.eventId === spam),
      false,
    );
    // Acting again on what has left the queue is answered as such.
    assert.equal((await siteCall(site, 'POST', `/_omni/v1/moderation/queue/${enc(item?.id ?? '')}/release`)).status, 404);
  });

  test('a message still held when the companion restarts is back in the queue', async () => {
    const alice = await site.homeserver.registerUser();
    const room = await alice.resolveAlias(postRoomAlias('guests', { serverName: 'localhost' }));
    const guest = await site.homeserver.guest();
    await guest.joinRoom(room);
    const first = await guest.sendMessage(room, 'held across a restart');
    await marker(alice, room, first, 'pending');
    // A restart: the companion stops, and a new one starts with the same registration and secret.
    await site.stopCompanion();
    const dir = await mkdtemp(path.join(tmpdir(), 'omni-restart-'));
    const registrationFile = path.join(dir, 'registration.yaml');
    await writeFile(registrationFile, JSON.stringify(site.companion.registration));
    const restarted = await startCompanion(
      resolveConfig({
        homeserverUrl: site.homeserver.baseUrl,
        serverName: 'localhost',
        registrationFile,
        siteSecret: site.siteSecret,
        aliasTemplate: 'post.{id}',
        moderation: { abuse: { firstMessageApproval: true } },
        appService: { host: '127.0.0.1', port: Number(new URL(site.companion.registration.url).port) },
        siteApi: { host: '127.0.0.1', port: 0 },
        posts: { list: [{ id: 'guests', open: true }] },
      }),
    );
    try {
      const listing = await fetch(`${restarted.siteApiUrl}/_omni/v1/moderation/queue`, {
        headers: { ...signSiteRequest(site.siteSecret, 'GET', '/_omni/v1/moderation/queue', '') },
      });
      const { items } = (await listing.json()) as { items: Item[] };
      const held = items.find((item) => item.eventId === first);
      assert.equal(held?.kind, 'held');
    } finally {
      await restarted.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("a guest's first message is checked by the site (first-message callback)", GUESTS, () => {
  let site: Site;
  let callback: Server;
  const asked: Array<{ userId: string; body: string; signed: boolean }> = [];

  before(async () => {
    let secret = '';
    callback = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const signed = new SiteVerifier(secret).verify('POST', request.url ?? '', request.headers, text).ok;
        const { userId, body } = JSON.parse(text) as { userId: string; body: string };
        asked.push({ userId, body, signed });
        const allow = signed && !body.includes('casino');
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(allow ? { allow } : { allow, reason: 'Looks like spam to us.' }));
      });
    });
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${String((callback.address() as AddressInfo).port)}/check-first-message`;
    site = await startSite({ posts: [{ id: 'checked', open: true }], moderation: { abuse: { firstMessageCallback: url } } });
    secret = site.siteSecret;
  });

  after(async () => {
    await site.stop();
    callback.close();
  });

  test("a refused first message is removed with the site's reason; an accepted one stays and later ones are not asked", async () => {
    const alice = await site.homeserver.registerUser({ username: 'alice' });
    const room = await alice.resolveAlias(postRoomAlias('checked', { serverName: 'localhost' }));
    await alice.joinRoom(room);
    const spammer = await site.homeserver.guest();
    await spammer.joinRoom(room);
    const spam = await spammer.sendMessage(room, 'best casino in town');
    await until('the refused first message removed', () => isRedacted(alice, room, spam));
    const redacted = await alice.request<{ unsigned?: { redacted_because?: { content?: { reason?: string } } } }>(
      'GET',
      `/_matrix/client/v3/rooms/${enc(room)}/event/${enc(spam)}`,
    );
    assert.equal(redacted.unsigned?.redacted_because?.content?.reason, 'Looks like spam to us.');

    const guest = await site.homeserver.guest();
    await guest.joinRoom(room);
    const hello = await guest.sendMessage(room, 'hello there');
    await until('the site asked', () => Promise.resolve(asked.some((a) => a.userId === guest.userId) ? true : undefined));
    const later = await guest.sendMessage(room, 'casino? never heard of it');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(await isRedacted(alice, room, hello), undefined);
    assert.equal(await isRedacted(alice, room, later), undefined, 'only the first message is checked');
    assert.ok(
      asked.every((a) => a.signed),
      'the companion signs its calls',
    );
    assert.equal(asked.filter((a) => a.userId === guest.userId).length, 1);
    // Members are not guests: never asked.
    await alice.sendMessage(room, 'casino');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(!asked.some((a) => a.userId === alice.userId));
  });
});
