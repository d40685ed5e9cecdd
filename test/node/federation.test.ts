/**
 * The harness's two federating Synapses (`startFederation()`) and what they refuse. Both servers federate
 * over loopback TLS with certificates from a CA made for the start: profiles, a room on A joined by a member
 * of B, messages both ways. A server whose certificate comes from another CA is refused at the TLS handshake
 * (the same listener with a certificate from the trusted CA is talked to: the control). An event sent by B
 * whose `sender` claims A's domain is refused by A, and so is one over the 64 KiB event size limit (the same
 * event with B's own member as sender and a small body is accepted afterwards: the control). Also reports how long starting both servers takes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type Server } from 'node:tls';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import {
  createCertificateAuthority,
  ensureSynapse,
  issueServerCertificate,
  startFederation,
  type Federation,
  type Peer,
  type ServerCertificate,
} from '@omnisocial/testing';

const run = promisify(execFile);
const TIMEOUT = 60_000;
/** Synapse gives up on a federation query after 10 s; a wait beyond this would hang a member's request. */
const SILENT_BOUND_MS = 20_000;

let federation: Federation;
let alice: Peer;
let bob: Peer;
let certDir: string;

before(async () => {
  federation = await startFederation();
  console.log(`federation: two Synapses started in ${String(federation.startupMs)} ms`);
  alice = await federation.a.registerUser({ displayName: 'Alice of A' });
  bob = await federation.b.registerUser({ displayName: 'Bob of B' });
  certDir = await mkdtemp(path.join(tmpdir(), 'omni-federation-test-'));
});

after(async () => {
  await federation.stop();
  await rm(certDir, { recursive: true, force: true });
});

async function until(what: string, done: () => boolean, timeoutMs = TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (done()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('two server names, each federating with the other over TLS: profiles, a shared room, messages both ways', async () => {
  const { a, b } = federation;
  assert.match(a.serverName, /^localhost:\d+$/u);
  assert.notEqual(a.serverName, b.serverName);
  const profile = await bob.request<{ displayname?: string }>('GET', `/_matrix/client/v3/profile/${encodeURIComponent(alice.userId)}`);
  assert.equal(profile.displayname, 'Alice of A');
  const { roomId, alias } = await alice.createRoom({ alias: `fed-${String(Date.now())}`, preset: 'public_chat' });
  assert.ok(alias !== undefined && alias.endsWith(`:${a.serverName}`), `the alias ${String(alias)} is not on A`);
  assert.equal(await bob.joinRoom(alias), roomId);
  await alice.sendMessage(roomId, 'from A');
  await bob.waitForMessage(roomId, (e) => e.content['body'] === 'from A', TIMEOUT);
  await bob.sendMessage(roomId, 'from B');
  await alice.waitForMessage(roomId, (e) => e.content['body'] === 'from B' && e.sender === bob.userId, TIMEOUT);
  // The federation listener itself is TLS only, with the harness CA's certificate.
  const config = JSON.parse(await readFile(path.join(a.configDir, 'homeserver.yaml'), 'utf8')) as Record<string, unknown>;
  assert.equal(config['federation_verify_certificates'], true);
  assert.deepEqual(config['federation_custom_ca_list'], [federation.ca.certificate]);
});

/** A TLS listener posing as server `localhost:<port>`: records handshakes refused by the client and requests received. */
async function poser(
  certificate: ServerCertificate,
  options: { silent?: boolean } = {},
): Promise<{ server: Server; port: number; refused: string[]; requests: string[] }> {
  const refused: string[] = [];
  const requests: string[] = [];
  const server = createServer({ cert: await readFile(certificate.certificate), key: await readFile(certificate.privateKey) }, (socket) => {
    socket.once('data', (chunk: Buffer) => {
      requests.push(chunk.toString().split('\r\n')[0] ?? '');
      if (!options.silent) socket.end('HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
    });
  });
  server.on('tlsClientError', (error) => refused.push(error.message));
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  return { server, port, refused, requests };
}

test('a remote server whose certificate comes from another CA is refused at the handshake; one from the trusted CA is talked to', async () => {
  const rogueCa = await createCertificateAuthority(certDir, 'rogue');
  const rogue = await poser(await issueServerCertificate(rogueCa, certDir, 'rogue'));
  const trusted = await poser(await issueServerCertificate(federation.ca, certDir, 'trusted'));
  try {
    const ask = (port: number): Promise<unknown> =>
      alice
        .request('GET', `/_matrix/client/v3/profile/${encodeURIComponent(`@someone:localhost:${String(port)}`)}`)
        .catch((e: unknown) => e);

    const answer = await ask(rogue.port);
    assert.ok(answer instanceof Error, 'the profile of a user on the rogue server was answered');
    await until('the rogue handshake to be refused', () => rogue.refused.length > 0);
    assert.match(rogue.refused.join(' | '), /unknown ca|bad certificate|certificate/iu);
    assert.deepEqual(rogue.requests, [], 'A sent a request through a connection it should not trust');

    await ask(trusted.port);
    await until('a request over the trusted connection', () => trusted.requests.length > 0);
    assert.match(trusted.requests[0] ?? '', /^GET \/_matrix\/(key|federation)\//u);
    assert.deepEqual(trusted.refused, []);
  } finally {
    rogue.server.close();
    trusted.server.close();
  }
});

test('a remote server that never answers costs a bounded wait and a clear error; the local discussion goes on meanwhile', async () => {
  const silent = await poser(await issueServerCertificate(federation.ca, certDir, 'silent'), { silent: true });
  try {
    const { roomId } = await alice.createRoom({ preset: 'public_chat' });
    const started = Date.now();
    const pending = alice
      .request('GET', `/_matrix/client/v3/profile/${encodeURIComponent(`@someone:localhost:${String(silent.port)}`)}`)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    // While A waits on the silent server, its members' own discussion is served as usual.
    await until('the silent server to be asked', () => silent.requests.length > 0);
    await alice.sendMessage(roomId, 'meanwhile, at home');
    await alice.waitForMessage(roomId, (e) => e.content['body'] === 'meanwhile, at home', 5_000);
    assert.ok(Date.now() - started < SILENT_BOUND_MS / 2, 'the local discussion waited for the silent server');
    const error = await pending;
    const waited = Date.now() - started;
    assert.match(String(error), /502/u);
    assert.ok(waited < SILENT_BOUND_MS, `A waited ${String(waited)} ms for a server that never answers`);
  } finally {
    silent.server.close();
  }
});

test('events from B claiming a sender on A or over the size limit are refused by A; an honest one from B is accepted after them', async () => {
  const { a, b } = federation;
  const { python } = await ensureSynapse();
  const { roomId, alias } = await alice.createRoom({ alias: `spoof-${String(Date.now())}`, preset: 'public_chat' });
  await bob.joinRoom(alias ?? roomId);
  await alice.waitForMessage(roomId, (e) => e.type === 'm.room.member' && e.state_key === bob.userId, TIMEOUT);
  const send = async (
    sender: string,
    body: string,
  ): Promise<{ event_id: string; answer: { pdus?: Record<string, { error?: string }>; http_error?: number } }> => {
    const { stdout } = await run(python, [
      path.join(import.meta.dirname, '..', 'support', 'federation_send.py'),
      path.join(b.configDir, 'signing.key'),
      b.serverName,
      a.serverName,
      federation.ca.certificate,
      roomId,
      sender,
      body,
      bob.userId,
    ]);
    return JSON.parse(stdout) as { event_id: string; answer: { pdus?: Record<string, { error?: string }>; http_error?: number } };
  };

  const spoofed = await send(alice.userId, 'spoofed as Alice');
  const verdict = spoofed.answer.pdus?.[spoofed.event_id];
  assert.ok(verdict?.error, `A accepted an event claiming its own member from B: ${JSON.stringify(spoofed.answer)}`);
  // Refused for the reason under test: A's own signature is missing, not some other fault of the event.
  assert.ok(verdict.error.includes(`Not signed by ${a.serverName}`), verdict.error);

  // Over the spec's 65,536 bytes per event. Synapse answers the transaction without an error for it (it
  // logs the refusal), so what counts is that the event never enters the room on A, checked below.
  const oversized = await send(bob.userId, `big ${'x'.repeat(70_000)}`);
  assert.notEqual(oversized.event_id, '');

  // The discussion is unaffected: an honest event from B's own member is accepted.
  const honest = await send(bob.userId, 'honestly from Bob');
  assert.deepEqual(honest.answer.pdus?.[honest.event_id], {}, `A refused the control event: ${JSON.stringify(honest.answer)}`);
  await alice.waitForMessage(roomId, (e) => e.content['body'] === 'honestly from Bob', TIMEOUT);
  const messages = await alice.roomMessages(roomId, { limit: 50 });
  assert.ok(!messages.some((e) => e.content['body'] === 'spoofed as Alice'), 'the spoofed event is in the room on A');
  assert.ok(!messages.some((e) => String(e.content['body']).startsWith('big ')), 'the oversized event is in the room on A');
  // A received it and refused it for its size (not, say, for a fault of the test's event).
  assert.ok((await readFile(a.logFile, 'utf8')).includes('EventSizeError: 413: event too large'), 'A did not refuse it for its size');
});
