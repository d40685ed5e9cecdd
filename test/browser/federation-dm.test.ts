/**
 * An encrypted <omni-dm> across federation, both directions: two Synapses with different server names
 * federating over loopback TLS (the harness's `startFederation()`). A member of one server writes in the
 * element; the other member, on the other server, is an independent client (matrix-nio + libolm) that
 * accepts the invitation over federation, decrypts (its one-time keys claimed across federation), verifies
 * the sender's devices and replies; the element shows the reply decrypted and the remote member's name.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { peer, registerUser, startFederation, startNioPeer, type RemoteNioPeer, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut } from '@omnisocial/core';
import '../../packages/elements/src/components/dm/define.ts';
import type { OmniDmView } from '../../packages/elements/src/components/dm/omni-dm.ts';
import type { OmniDmCreatedEvent } from '../../packages/elements/src/events.ts';
import { articleWith, deepText, shadow, typeAndSend } from './dom.ts';

const TIMEOUT = 90_000;
/** Seconds one nio wait may take: a test-runner command must answer within 20 s. */
const NIO_WAIT_S = 15;
const unique = (): string => crypto.randomUUID().slice(0, 8);

/** Repeats a bounded nio wait until it succeeds or `totalMs` has passed (federation can take longer than one command). */
async function patiently<T>(wait: () => Promise<T>, totalMs = TIMEOUT): Promise<T> {
  const deadline = Date.now() + totalMs;
  for (;;) {
    try {
      return await wait();
    } catch (error) {
      if (Date.now() > deadline || !/timed? ?out|timeout/iu.test(String(error))) throw error;
    }
  }
}

interface Side {
  baseUrl: string;
  serverName: string;
}

/**
 * `writer` (on `from`) opens a DM with `reader` (on the other server, in nio), writes, and gets a reply.
 * Returns the DM's room id.
 */
async function dmAcrossFederation(from: Side, writer: TestUser, reader: TestUser, readerName: string, nio: RemoteNioPeer): Promise<string> {
  const tag = unique();
  await signIn({ homeserver: from.baseUrl, username: writer.username, password: writer.password });
  const el = await fixture<OmniDmView>(html`<omni-dm-view homeserver=${from.baseUrl} user=${reader.userId}></omni-dm-view>`);
  // The remote member's display name, fetched from their own server over federation.
  await waitUntil(
    () => shadow(el).querySelector('[part="header"]')?.textContent.includes(readerName),
    'no remote display name in the header',
    {
      timeout: TIMEOUT,
    },
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; the view shows: ${deepText(el)}`);
  });
  expect(shadow(el).querySelector('[part="encryption"]')?.textContent).to.include('End-to-end encrypted');
  await expect(el).to.be.accessible();

  const created = new Promise<OmniDmCreatedEvent>((resolve) => el.addEventListener('omni-dm-created', resolve, { once: true }));
  const first = `across servers ${tag}`;
  await typeAndSend(el, first, TIMEOUT);
  const { roomId } = await created;
  await waitUntil(() => articleWith(el, first)?.dataset['eventId'], 'the first message was not sent', { timeout: TIMEOUT });

  // The invitation crossed to the reader's server; nio joins over federation. What was written before the
  // join reaches the reader's server only by backfill, which nio's sync does not do: the writer writes again.
  await nio.join({ room: roomId });
  const second = `after the join ${tag}`;
  await typeAndSend(el, second, TIMEOUT);
  const received = await patiently(() => nio.waitMessage({ room: roomId, body: second, timeout: NIO_WAIT_S }));
  expect(received.sender).to.equal(writer.userId);
  expect(received.decrypted, 'nio decrypted it (it was sent encrypted)').to.equal(true);
  // nio fetched the writer's device keys from the writer's server over federation and verifies them.
  expect(await patiently(() => nio.trust({ user: writer.userId, timeout: NIO_WAIT_S }))).to.be.greaterThan(0);

  const reply = `reply from ${readerName} ${tag}`;
  await nio.send({ room: roomId, body: reply });
  await waitUntil(() => articleWith(el, reply), 'the element never showed the decrypted reply', { timeout: TIMEOUT });
  expect(articleWith(el, reply)?.textContent).to.include(readerName);

  // Both servers hold only ciphertext.
  const messages = await peer(writer).roomMessages(roomId, { limit: 50 });
  const sent = messages.filter((m) => m.type === 'm.room.encrypted' || m.type === 'm.room.message');
  expect(sent.map((m) => m.type)).to.deep.equal(['m.room.encrypted', 'm.room.encrypted', 'm.room.encrypted']);
  expect(JSON.stringify(messages)).to.not.include(first);
  expect(JSON.stringify(messages)).to.not.include(second);
  expect(JSON.stringify(messages)).to.not.include(reply);
  const remote = await peer(reader).roomMessages(roomId, { limit: 50 });
  // The reader's server holds what crossed since the join, as ciphertext only.
  const encryptedOnReader = remote.filter((m) => m.type === 'm.room.encrypted').map((m) => m.sender);
  expect(encryptedOnReader).to.include(writer.userId);
  expect(encryptedOnReader).to.include(reader.userId);
  expect(remote.some((m) => m.type === 'm.room.message')).to.equal(false);
  expect(JSON.stringify(remote)).to.not.include(second);
  el.remove();
  await signOut();
  return roomId;
}

describe('<omni-dm> across federation (two Synapses over loopback TLS)', function () {
  // Two homeservers, federation, crypto in the page and in nio: minutes on a loaded two-core machine.
  this.timeout(400_000);
  let a: Side;
  let b: Side;
  let nio: RemoteNioPeer;

  before(async () => {
    const federation = await startFederation();
    ({ a, b } = federation);
    expect(a.serverName).to.not.equal(b.serverName);
    nio = await startNioPeer();
  });

  after(async () => {
    await nio.close();
    await signOut();
  });

  it('a member of A writes to a member of B: encrypted, decrypted on B, verified, and the reply shown', async () => {
    const alice = await registerUser({ server: a.baseUrl, displayName: 'Alice of A' });
    const bob = await registerUser({ server: b.baseUrl, displayName: 'Bob of B' });
    expect(alice.userId.endsWith(`:${a.serverName}`)).to.equal(true);
    expect(bob.userId.endsWith(`:${b.serverName}`)).to.equal(true);
    // Bob's nio device exists before Alice writes, so her room key is shared with it.
    await nio.login({ homeserver: b.baseUrl, user: bob.userId, password: bob.password, device: `NIOB${unique()}` });
    await dmAcrossFederation(a, alice, bob, 'Bob of B', nio);
  });

  it('a member of B writes to a member of A: the same, the other way', async () => {
    const carol = await registerUser({ server: b.baseUrl, displayName: 'Carol of B' });
    const dave = await registerUser({ server: a.baseUrl, displayName: 'Dave of A' });
    const daveNio = await startNioPeer();
    try {
      await daveNio.login({ homeserver: a.baseUrl, user: dave.userId, password: dave.password, device: `NIOA${unique()}` });
      await dmAcrossFederation(b, carol, dave, 'Dave of A', daveNio);
    } finally {
      await daveNio.close();
    }
  });
});
