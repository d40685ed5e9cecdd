/**
 * The fault proxy's publicBaseUrl option against a real Synapse: with it, the answers in which Synapse
 * names its own base URL (client well-known, the login's `well_known`) name the proxy, so a client that
 * follows them (Hydrogen) keeps talking through the proxy; without it, they pass unchanged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';

let hs: Homeserver;
let member: Peer;
let plain: FaultProxy;
let standIn: FaultProxy;

before(async () => {
  hs = await startSynapse();
  member = await hs.registerUser({ displayName: 'Member' });
  [plain, standIn] = await Promise.all([startFaultProxy(hs.baseUrl), startFaultProxy(hs.baseUrl, { publicBaseUrl: true })]);
});

after(async () => {
  await Promise.all([plain.close(), standIn.close()]);
  await hs.stop();
});

async function wellKnownBaseUrl(proxy: FaultProxy): Promise<unknown> {
  const response = await fetch(`${proxy.baseUrl}/.well-known/matrix/client`);
  assert.equal(response.status, 200);
  const body = (await response.json()) as { 'm.homeserver'?: { base_url?: unknown } };
  return body['m.homeserver']?.base_url;
}

async function login(proxy: FaultProxy): Promise<{ access_token?: unknown; well_known?: { 'm.homeserver'?: { base_url?: unknown } } }> {
  const response = await fetch(`${proxy.baseUrl}/_matrix/client/v3/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: member.username }, password: member.password }),
  });
  assert.equal(response.status, 200);
  // The declared length must match the edited body, or the client would read a truncated or hanging answer.
  const text = await response.text();
  assert.equal(response.headers.get('content-length'), String(Buffer.byteLength(text)));
  return JSON.parse(text) as { access_token?: unknown; well_known?: { 'm.homeserver'?: { base_url?: unknown } } };
}

describe('fault proxy as the public address', { timeout: 120_000 }, () => {
  test('without the option, well-known names Synapse itself', async () => {
    assert.equal(await wellKnownBaseUrl(plain), `${hs.baseUrl}/`);
  });

  test('with it, well-known and the login name the proxy, and the bytes the client got are counted', async () => {
    standIn.clearLog();
    assert.equal(await wellKnownBaseUrl(standIn), `${standIn.baseUrl}/`);
    const answer = await login(standIn);
    assert.equal(typeof answer.access_token, 'string');
    assert.equal(answer.well_known?.['m.homeserver']?.base_url, `${standIn.baseUrl}/`);
    assert.deepEqual(
      standIn.log().map((entry) => [entry.method, entry.path, entry.outcome]),
      [
        ['GET', '/.well-known/matrix/client', 'forwarded'],
        ['POST', '/_matrix/client/v3/login', 'forwarded'],
      ],
    );
    assert.ok(standIn.forwardedBytes() > 0);
  });

  test('other answers pass through it unchanged', async () => {
    const [direct, proxied] = await Promise.all([
      fetch(`${hs.baseUrl}/_matrix/client/versions`).then((r) => r.json() as Promise<unknown>),
      fetch(`${standIn.baseUrl}/_matrix/client/versions`).then((r) => r.json() as Promise<unknown>),
    ]);
    assert.deepEqual(proxied, direct);
  });
});
