/**
 * Two companion replicas sharing one PostgreSQL (the `database` setting) beside a real Synapse. Synapse sends
 * its application-service transactions to one URL; here a small proxy on that URL hands each to replica one,
 * replica two, or both (as a load balancer's retry to another replica would), so the test decides which replica
 * sees which message. A first message held by one replica is listed and released through the other; a signed
 * request accepted by one is refused when replayed to the other; a guest's per-minute limit counts the messages
 * both replicas saw, and a transaction both replicas take counts its message once. A policy rule added or lifted
 * through one replica holds on the other at its next decision, without a restart.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dendriteSkip, homeserverImplementation, startSite, type Peer, type Site } from '@omnisocial/testing';
import {
  postRoomAlias,
  resolveConfig,
  signSiteRequest,
  SIGN_IN_PATH,
  startCompanion,
  type Companion,
  type CompanionConfig,
} from '@omnisocial/server';
import { startPostgres, type Postgres } from '../../packages/testing/src/deployment/services.ts';
import { quietWindow, until } from '../support/wait.ts';
import { siteCall as signedCall } from '../support/site-call.ts';

const enc = encodeURIComponent;
const QUEUE = '/_omni/v1/moderation/queue';
const RULES = '/_omni/v1/moderation/rules';
/** The abuse controls tell guests by the admin user look-up, which Dendrite lacks. */
const GUESTS = { skip: dendriteSkip('adminUserLookup', homeserverImplementation()) };
const ABUSE = { firstMessageApproval: true, messagesPerMinute: 2 };

type Route = 'one' | 'two' | 'both';

/** Where Synapse's application-service requests go: to one replica or the other, or to both. */
async function startProxy(port: number, targets: () => { one: string; two: string }): Promise<{ route: Route; server: Server }> {
  const proxy: { route: Route; server: Server } = { route: 'one', server: createServer() };
  proxy.server.on('request', (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const { one, two } = targets();
      const to = proxy.route === 'one' ? [one] : proxy.route === 'two' ? [two] : [one, two];
      const forward = (base: string): Promise<Response> =>
        fetch(base + (request.url ?? '/'), {
          method: request.method ?? 'GET',
          headers: {
            ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
            'content-type': request.headers['content-type'] ?? 'application/json',
          },
          ...(body.length > 0 ? { body } : {}),
        });
      Promise.all(to.map(forward))
        .then(async ([first]) => {
          const text = first ? await first.text() : '';
          response.writeHead(first?.status ?? 502, { 'content-type': 'application/json' });
          response.end(text);
        })
        .catch(() => {
          response.writeHead(502);
          response.end('{}');
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    proxy.server.once('error', reject);
    proxy.server.listen(port, '127.0.0.1', () => resolve());
  });
  return proxy;
}

/** A signed call of the site's backend to one replica. */
const siteCall = (
  secret: string,
  replica: Companion,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): ReturnType<typeof signedCall> => signedCall(replica.siteApiUrl, secret, method, path, body);

interface Rule {
  readonly kind: string;
  readonly entity: string;
}

interface Item {
  readonly id: string;
  readonly kind: string;
  readonly eventId: string;
  readonly body?: string;
}

describe('two companion replicas share one PostgreSQL (real Synapse or Dendrite, application service)', () => {
  let site: Site;
  let postgres: Postgres;
  let dir: string;
  let one: Companion;
  let two: Companion;
  let proxy: { route: Route; server: Server };
  let alice: Peer;
  let room: string;
  const stoppers: Array<() => Promise<unknown>> = [];

  const marker = (eventId: string, status: string): Promise<Record<string, unknown>> =>
    until(async () => {
      const content = await alice
        .request('GET', `/_matrix/client/v3/rooms/${enc(room)}/state/org.omnisocial.held/${enc(eventId)}`)
        .catch(() => undefined);
      return content?.['status'] === status ? content : undefined;
    }, `the marker ${status}`);

  const event = (eventId: string): Promise<{ content: Record<string, unknown> }> =>
    alice.request<{ content: Record<string, unknown> }>('GET', `/_matrix/client/v3/rooms/${enc(room)}/event/${enc(eventId)}`);

  const isRemoved = async (eventId: string): Promise<boolean> => Object.keys((await event(eventId)).content).length === 0;
  const removed = (eventId: string): Promise<boolean> => until(() => isRemoved(eventId), `${eventId} removed`);

  /** What both replicas' abuse controls did, together. */
  const total = (what: 'held' | 'redacted'): number => one.moderation.abuse.stats[what] + two.moderation.abuse.stats[what];

  const joinedGuest = async (): Promise<Peer> => {
    const guest = await site.homeserver.guest();
    await guest.joinRoom(room);
    return guest;
  };

  before(async () => {
    const started = await Promise.allSettled([
      startSite({ posts: [{ id: 'replicated', open: true }], moderation: { abuse: ABUSE } }).then((value) => {
        site = value;
        stoppers.push(() => value.stop());
      }),
      startPostgres().then((value) => {
        postgres = value;
        stoppers.push(() => value.stop());
      }),
    ]);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    dir = await mkdtemp(path.join(tmpdir(), 'omni-replicas-'));
    const made = dir;
    stoppers.push(() => rm(made, { recursive: true, force: true }));
    // Every replica runs with the same registration (its tokens) and the same site secret.
    const registrationFile = path.join(dir, 'registration.yaml');
    await writeFile(registrationFile, JSON.stringify(site.companion.registration));
    const config = (): CompanionConfig =>
      resolveConfig({
        homeserverUrl: site.homeserver.baseUrl,
        serverName: 'localhost',
        registrationFile,
        siteSecret: site.siteSecret,
        aliasTemplate: 'post.{id}',
        database: `postgresql://${postgres.user}@127.0.0.1:${String(postgres.port)}/${postgres.database}`,
        moderation: { abuse: ABUSE },
        appService: { host: '127.0.0.1', port: 0 },
        siteApi: { host: '127.0.0.1', port: 0 },
        posts: { list: [{ id: 'replicated', open: true }] },
      });
    [one, two] = await Promise.all([startCompanion(config()), startCompanion(config())]);
    const replicas = [one, two];
    stoppers.push(() => Promise.all(replicas.map((replica) => replica.stop())));
    // The single companion startSite began with leaves; the proxy takes its URL, where Synapse sends.
    await site.stopCompanion();
    proxy = await startProxy(Number(new URL(site.companion.registration.url).port), () => ({
      one: one.appServiceUrl,
      two: two.appServiceUrl,
    }));
    const server = proxy.server;
    stoppers.push(async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    });
    alice = await site.homeserver.registerUser({ username: 'alice', displayName: 'Alice' });
    room = await alice.resolveAlias(postRoomAlias('replicated', { serverName: 'localhost' }));
    await alice.joinRoom(room);
  });

  // Stops what the set-up started, last first, also when it failed half-way: a PostgreSQL left running would keep
  // this file's process, and the whole run, waiting.
  after(async () => {
    for (const stop of stoppers.reverse()) await stop();
  });

  test('a first message held by replica one is listed and released through replica two', GUESTS, async () => {
    proxy.route = 'one';
    const guest = await joinedGuest();
    const first = await guest.sendMessage(room, 'hi from a guest');
    assert.equal((await marker(first, 'pending'))['sender'], guest.userId);
    await until(() => Promise.resolve(one.moderation.abuse.stats.held === 1), 'replica one queued it');
    assert.equal(two.moderation.abuse.stats.held, 0, 'replica two never saw it');

    const listed = await siteCall(site.siteSecret, two, 'GET', QUEUE);
    assert.equal(listed.status, 200, JSON.stringify(listed.json));
    const held = (listed.json['items'] as Item[]).find((item) => item.eventId === first);
    assert.equal(held?.kind, 'held');
    assert.equal(held.body, 'hi from a guest');

    const released = await siteCall(site.siteSecret, two, 'POST', `${QUEUE}/${enc(held.id)}/release`);
    assert.equal(released.status, 200, JSON.stringify(released.json));
    await marker(first, 'released');
    assert.equal((await event(first)).content['body'], 'hi from a guest', 'the message shows in the room as it was sent');
    const afterwards = await siteCall(site.siteSecret, one, 'GET', QUEUE);
    assert.equal(
      (afterwards.json['items'] as Item[]).some((item) => item.eventId === first),
      false,
      'gone from the queue read through replica one too',
    );

    // Replica two released the guest; replica one, which sees the next message, trusts it: not held again.
    const second = await guest.sendMessage(room, 'thanks for letting me in');
    const next = await guest.sendMessage(room, 'a third, over the limit of two');
    // Whichever is removed first: the message over the limit is the one sent last.
    await until(async () => (await isRemoved(next)) || (await isRemoved(second)), 'neither message was removed');
    assert.equal((await event(second)).content['body'], 'thanks for letting me in', 'the message within the limit was removed');
    await removed(next);
    assert.equal(
      await alice.request('GET', `/_matrix/client/v3/rooms/${enc(room)}/state/org.omnisocial.held/${enc(second)}`).catch(() => 'none'),
      'none',
    );
  });

  // The signed request signs a member in, with a one-time login token Dendrite cannot mint.
  test(
    'a signed request accepted by replica one is refused when replayed to replica two',
    { skip: dendriteSkip('loginToken', homeserverImplementation()) },
    async () => {
      const body = JSON.stringify({ user: 'replayed', displayName: 'Replayed' });
      const headers = { ...signSiteRequest(site.siteSecret, 'POST', SIGN_IN_PATH, body), 'content-type': 'application/json' };
      const send = (replica: Companion): Promise<Response> => fetch(replica.siteApiUrl + SIGN_IN_PATH, { method: 'POST', headers, body });
      const accepted = await send(one);
      assert.equal(accepted.status, 200, await accepted.clone().text());
      assert.match(((await accepted.json()) as { userId: string }).userId, /^@replayed:localhost$/u);
      const replayed = await send(two);
      assert.equal(replayed.status, 401);
      assert.equal(((await replayed.json()) as { error: string }).error, 'The request was already used.');

      const queueHeaders = signSiteRequest(site.siteSecret, 'GET', QUEUE, '');
      assert.equal((await fetch(two.siteApiUrl + QUEUE, { headers: { ...queueHeaders } })).status, 200);
      const again = await fetch(one.siteApiUrl + QUEUE, { headers: { ...queueHeaders } });
      assert.equal(again.status, 401, 'the moderation API refuses the replay on the other replica as well');
    },
  );

  test("a guest's per-minute limit counts the messages every replica saw", GUESTS, async () => {
    const guest = await joinedGuest();
    const redactedBefore = total('redacted');
    proxy.route = 'one';
    const first = await guest.sendMessage(room, 'one');
    await marker(first, 'pending');
    proxy.route = 'two';
    const second = await guest.sendMessage(room, 'two');
    await marker(second, 'pending');
    proxy.route = 'one';
    const third = await guest.sendMessage(room, 'three');
    // Replica one saw two of the guest's messages, replica two one: only together do they pass the limit.
    await removed(third);
    assert.equal(total('redacted'), redactedBefore + 1);
    assert.equal((await event(second)).content['body'], 'two', 'within the limit: held, not removed');
  });

  test('a transaction both replicas take counts and holds its message once', GUESTS, async () => {
    const guest = await joinedGuest();
    const heldBefore = total('held');
    proxy.route = 'both';
    const first = await guest.sendMessage(room, 'sent to both');
    await marker(first, 'pending');
    const second = await guest.sendMessage(room, 'also sent to both');
    await marker(second, 'pending');
    await until(() => Promise.resolve(total('held') >= heldBefore + 2), 'both messages queued');
    // The other replica's copy of each transaction is judged at the same time: a second hold would land within this window.
    await quietWindow(1_000);
    assert.equal(total('held'), heldBefore + 2, 'each message held once');
    assert.equal((await event(second)).content['body'], 'also sent to both', 'counted once each: the second is within the limit');
    const { json } = await siteCall(site.siteSecret, two, 'GET', QUEUE);
    assert.equal((json['items'] as Item[]).filter((item) => item.eventId === first || item.eventId === second).length, 2);
  });

  test('a policy rule changed through replica one holds on replica two at its next decision, without a restart', async () => {
    // Replica two takes no transactions: it never sees the rule events, only the state store and the policy room.
    proxy.route = 'one';
    // What the room shows, read until it is as expected: Dendrite's state reads follow its writes by a moment.
    const membership = (userId: string, expected: string, what: string): Promise<unknown> =>
      until(async () => {
        const content = await alice
          .request('GET', `/_matrix/client/v3/rooms/${enc(room)}/state/m.room.member/${enc(userId)}`)
          .catch((): Record<string, unknown> => ({}));
        return content['membership'] === expected;
      }, what);
    const deny = (expected: readonly string[]): Promise<unknown> =>
      until(
        async () => {
          const content = await alice
            .request('GET', `/_matrix/client/v3/rooms/${enc(room)}/state/m.room.server_acl/`)
            .catch((): Record<string, unknown> => ({}));
          return JSON.stringify(content['deny']) === JSON.stringify(expected);
        },
        `the server ACL denying ${JSON.stringify(expected)}`,
      );
    const mallory = await site.homeserver.registerUser({ username: 'mallory' });
    await mallory.joinRoom(room);

    const added = await siteCall(site.siteSecret, one, 'POST', RULES, { kind: 'user', entity: mallory.userId, reason: 'spam' });
    assert.equal(added.status, 200, JSON.stringify(added.json));
    await membership(mallory.userId, 'ban', 'replica one applied its rule');
    const listed = await siteCall(site.siteSecret, two, 'GET', RULES);
    assert.deepEqual(
      (listed.json['rules'] as Rule[]).map((rule) => rule.entity),
      [mallory.userId],
      'replica two lists the rule replica one added',
    );
    const lifted = await siteCall(site.siteSecret, two, 'POST', `${RULES}/remove`, { kind: 'user', entity: mallory.userId });
    assert.equal(lifted.status, 200, `replica two lifts the rule replica one added: ${JSON.stringify(lifted.json)}`);
    await membership(mallory.userId, 'leave', "the lift undid replica one's ban");
    assert.deepEqual((await siteCall(site.siteSecret, one, 'GET', RULES)).json['rules'], [], 'and replica one knows it is lifted');

    // The server ACL is made of every server rule: replica two's rule keeps the one replica one added.
    assert.equal(
      (await siteCall(site.siteSecret, one, 'POST', RULES, { kind: 'server', entity: 'one.spam.example', reason: 'x' })).status,
      200,
    );
    assert.equal(
      (await siteCall(site.siteSecret, two, 'POST', RULES, { kind: 'server', entity: 'two.spam.example', reason: 'x' })).status,
      200,
    );
    await deny(['one.spam.example', 'two.spam.example']);
    assert.equal(
      (await siteCall(site.siteSecret, two, 'POST', `${RULES}/remove`, { kind: 'server', entity: 'one.spam.example' })).status,
      200,
    );
    assert.equal(
      (await siteCall(site.siteSecret, one, 'POST', `${RULES}/remove`, { kind: 'server', entity: 'two.spam.example' })).status,
      200,
    );
    await deny([]);

    // A glob rule added through replica one; replica two judges the next join, as a replica behind a balancer would.
    const glob = '@sneaky*:localhost';
    assert.equal((await siteCall(site.siteSecret, one, 'POST', RULES, { kind: 'user', entity: glob, reason: 'ban evasion' })).status, 200);
    proxy.route = 'two';
    const sneaky = await site.homeserver.registerUser({ username: 'sneaky' });
    await sneaky.joinRoom(room);
    await membership(sneaky.userId, 'ban', 'replica two banned the member the glob matches');
    proxy.route = 'one';
    assert.equal((await siteCall(site.siteSecret, two, 'POST', `${RULES}/remove`, { kind: 'user', entity: glob })).status, 200);
    await membership(sneaky.userId, 'leave', 'the glob rule lifted through replica two');
  });
});
