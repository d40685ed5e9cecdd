/**
 * The companion's state stores (packages/server/src/state-store*.ts) answer alike: the same cases run against the
 * memory store and against the PostgreSQL store on a real PostgreSQL (Debian's, started by the harness). For
 * PostgreSQL, two stores on the same database stand for two replicas: what one claims, the other cannot.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfigError,
  MemoryStateStore,
  openStateStore,
  PostgresStateStore,
  resolveConfig,
  signSiteRequest,
  SiteVerifier,
  type StateStore,
} from '@omnisocial/server';
import { startPostgres, type Postgres } from '../../packages/testing/src/deployment/services.ts';

const SECRET = 'a-site-secret-of-at-least-32-characters!';

interface Replicas {
  readonly one: StateStore;
  readonly two: StateStore;
}

function storeCases(name: string, open: () => Promise<Replicas>): void {
  describe(name, () => {
    let stores: Replicas;
    let namespace = 0;
    /** Each case its own namespace, so the cases do not see each other's keys. */
    const ns = (): string => `case-${String((namespace += 1))}`;

    before(async () => {
      stores = await open();
    });

    after(async () => {
      await stores.one.close();
      if (stores.two !== stores.one) await stores.two.close();
    });

    test('a key is claimed once until it expires, then again', async () => {
      const { one, two } = stores;
      const n = ns();
      const now = 1_000_000;
      assert.equal(await one.claim(n, 'nonce', 1_000, now), true);
      assert.equal(await two.claim(n, 'nonce', 1_000, now + 10), false);
      assert.equal(await one.claim(n, 'nonce', 1_000, now + 999), false);
      assert.equal(await two.claim(n, 'nonce', 1_000, now + 1_000), true, 'expired: free again');
      assert.equal(await one.claim(n, 'other', 1_000, now), true);
    });

    test('of many racing claims of one key, exactly one wins', async () => {
      const { one, two } = stores;
      const n = ns();
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).claim(n, 'raced', 60_000)));
      assert.equal(answers.filter(Boolean).length, 1);
    });

    test('hits are counted within their window, racing ones included', async () => {
      const { one, two } = stores;
      const n = ns();
      const now = 5_000_000;
      assert.equal(await one.hit(n, 'guest', 60_000, now), 1);
      assert.equal(await two.hit(n, 'guest', 60_000, now + 1_000), 2);
      assert.equal(await one.hit(n, 'guest', 60_000, now + 30_000), 3);
      assert.equal(await two.hit(n, 'guest', 60_000, now + 60_500), 3, 'the first hit left the window');
      assert.equal(await one.hit(n, 'guest', 60_000, now + 200_000), 1, 'all old: a new window');
      assert.equal(await one.hit(n, 'someone else', 60_000, now), 1);
      const raced = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? one : two).hit(n, 'raced', 60_000)));
      assert.deepEqual(
        raced.toSorted((a, b) => a - b),
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
    });

    test('values are put, read, listed and deleted by either replica', async () => {
      const { one, two } = stores;
      const n = ns();
      await one.put(n, 'held:1', { sender: '@a:x', heldAt: 1 });
      await two.put(n, 'held:2', { sender: '@b:x', heldAt: 2 });
      assert.deepEqual(await two.get(n, 'held:1'), { sender: '@a:x', heldAt: 1 });
      assert.deepEqual(
        (await one.list(n)).toSorted(([a], [b]) => a.localeCompare(b)),
        [
          ['held:1', { sender: '@a:x', heldAt: 1 }],
          ['held:2', { sender: '@b:x', heldAt: 2 }],
        ],
      );
      assert.equal(await two.delete(n, 'held:1'), true);
      assert.equal(await one.delete(n, 'held:1'), false, 'removed once');
      assert.equal(await one.get(n, 'held:1'), undefined);
      assert.deepEqual(
        (await two.list(n)).map(([key]) => key),
        ['held:2'],
      );
      assert.equal(await one.putIfAbsent(n, 'held:2', { sender: '@c:x' }), false);
      assert.deepEqual(await one.get(n, 'held:2'), { sender: '@b:x', heldAt: 2 });
      assert.equal(await two.putIfAbsent(n, 'held:3', { sender: '@c:x' }), true);
      const now = 9_000_000;
      await one.put(n, 'brief', { v: 1 }, 100, now);
      assert.deepEqual(await two.get(n, 'brief', now + 99), { v: 1 });
      assert.equal(await two.get(n, 'brief', now + 100), undefined);
      assert.equal(
        (await one.list(n, now + 100)).some(([key]) => key === 'brief'),
        false,
      );
    });

    test('a signed request is accepted once: its replay to the other replica is refused', async () => {
      const { one, two } = stores;
      const first = new SiteVerifier(SECRET, one);
      const second = new SiteVerifier(SECRET, two);
      const body = '{"userId":"@a:x"}';
      const headers = { ...signSiteRequest(SECRET, 'POST', '/_omni/v1/members/sign-in', body) };
      assert.deepEqual(await first.verifyOnce('POST', '/_omni/v1/members/sign-in', headers, body), { ok: true });
      assert.deepEqual(await second.verifyOnce('POST', '/_omni/v1/members/sign-in', headers, body), {
        ok: false,
        reason: 'The request was already used.',
      });
      assert.equal((await first.verifyOnce('POST', '/_omni/v1/members/sign-in', headers, body)).ok, false);
      const forged = { ...signSiteRequest('another-secret-of-at-least-32-characters', 'POST', '/x', body) };
      assert.deepEqual(await second.verifyOnce('POST', '/x', forged, body), { ok: false, reason: 'The signature does not match.' });
      const fresh = { ...signSiteRequest(SECRET, 'POST', '/_omni/v1/members/sign-in', body) };
      assert.deepEqual(await second.verifyOnce('POST', '/_omni/v1/members/sign-in', fresh, body), { ok: true });
    });
  });
}

storeCases('the memory store', () => {
  const store = new MemoryStateStore();
  return Promise.resolve({ one: store, two: store });
});

let postgres: Postgres | undefined;
after(async () => {
  await postgres?.stop();
});

storeCases('the PostgreSQL store, two replicas on one database', async () => {
  postgres = await startPostgres();
  const url = `postgresql://${postgres.user}@127.0.0.1:${String(postgres.port)}/${postgres.database}`;
  // Opened together, as replicas starting at once: the table is created once.
  const [one, two] = await Promise.all([PostgresStateStore.open(url), PostgresStateStore.open(url)]);
  return { one, two };
});

test('the `database` setting chooses the store: a postgresql:// URL, from the file or OMNI_DATABASE_URL; memory when unset', async () => {
  const base = { homeserverUrl: 'http://127.0.0.1:8008', serverName: 'localhost', siteSecret: SECRET, posts: { list: [] } };
  assert.equal(resolveConfig(base).database, undefined);
  assert.equal(resolveConfig({ ...base, database: 'postgresql://omni@db/omni' }).database, 'postgresql://omni@db/omni');
  assert.equal(resolveConfig(base, { OMNI_DATABASE_URL: 'postgres://omni@db/other' }).database, 'postgres://omni@db/other');
  assert.throws(() => resolveConfig({ ...base, database: 'mysql://omni@db/omni' }), ConfigError);
  const memory = await openStateStore(undefined);
  assert.ok(memory instanceof MemoryStateStore);
  await memory.close();
});
