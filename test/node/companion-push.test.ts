/**
 * The site's notification hook (packages/server/src/pusher.ts) against a real Synapse: a member the companion signs
 * in gets an HTTP pusher whose gateway is the companion; a message that notifies them by their push rules (a
 * one-to-one room, a mention) reaches the site's URL as a signed JSON body with the text of an unencrypted message
 * and whether it highlights; an encrypted message arrives without text.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dendriteSkip, homeserverImplementation, startSite, type Peer, type Site } from '@omnisocial/testing';
import { signSiteRequest, SiteVerifier, SIGN_IN_PATH, type MemberLogin, type SiteNotification } from '@omnisocial/server';

// The pusher is set when the companion signs a member in, with a one-time login token Dendrite cannot mint.
describe("the site's notification hook (real Synapse, companion)", { skip: dendriteSkip('loginToken', homeserverImplementation()) }, () => {
  let site: Site;
  let hook: Server;
  let bob: Peer;
  const received: Array<{ notification: SiteNotification; signed: boolean }> = [];
  let verifier: SiteVerifier;

  before(async () => {
    hook = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const signed = verifier.verify('POST', request.url ?? '', request.headers, body).ok;
        received.push({ notification: JSON.parse(body) as SiteNotification, signed });
        response.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${String((hook.address() as AddressInfo).port)}/omni-notifications`;
    site = await startSite({ posts: [], push: { url } });
    verifier = new SiteVerifier(site.siteSecret);
    bob = await site.homeserver.registerUser({ displayName: 'Bob' });
  });

  after(async () => {
    await site.stop();
    await new Promise<void>((resolve) => hook.close(() => resolve()));
  });

  async function signInMember(user: string, displayName: string): Promise<{ userId: string; accessToken: string }> {
    const body = JSON.stringify({ user, displayName });
    const answer = await fetch(site.companion.siteApiUrl + SIGN_IN_PATH, {
      method: 'POST',
      headers: { ...signSiteRequest(site.siteSecret, 'POST', SIGN_IN_PATH, body), 'content-type': 'application/json' },
      body,
    });
    const login = (await answer.json()) as MemberLogin;
    const session = await fetch(`${site.homeserver.baseUrl}/_matrix/client/v3/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'm.login.token', token: login.loginToken }),
    });
    const { access_token: accessToken } = (await session.json()) as { access_token: string };
    return { userId: login.userId, accessToken };
  }

  const until = async (done: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`${what}: nothing after 30 s (${JSON.stringify(received)})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  test('a message that notifies the member reaches the site, signed, with its text; an encrypted one without', async () => {
    const dana = await signInMember('dana', 'Dana Site');
    const pushers = await fetch(`${site.homeserver.baseUrl}/_matrix/client/v3/pushers`, {
      headers: { authorization: `Bearer ${dana.accessToken}` },
    });
    const { pushers: list } = (await pushers.json()) as { pushers: Array<{ app_id: string; data: { url: string } }> };
    assert.equal(list.length, 1, 'one pusher for the site');
    assert.match(list[0]?.data.url ?? '', /\/_matrix\/push\/v1\/notify$/u);

    const { roomId } = await bob.createRoom({ name: 'Bob and Dana', invite: [dana.userId] });
    await fetch(`${site.homeserver.baseUrl}/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dana.accessToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    await bob.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text',
      body: 'Dana Site, are you there?',
      'm.mentions': { user_ids: [dana.userId] },
    });
    await until(() => received.some((r) => r.notification.text === 'Dana Site, are you there?'), 'the mention');
    const mention = received.find((r) => r.notification.text === 'Dana Site, are you there?');
    assert.ok(mention);
    assert.equal(mention.signed, true, 'signed with the site secret');
    assert.equal(mention.notification.userId, dana.userId);
    assert.equal(mention.notification.roomId, roomId);
    assert.equal(mention.notification.sender, bob.userId);
    assert.equal(mention.notification.senderName, 'Bob');
    assert.equal(mention.notification.highlight, true);

    const { roomId: secret } = await bob.createRoom({ name: 'Secret', invite: [dana.userId], encrypted: true });
    await fetch(`${site.homeserver.baseUrl}/_matrix/client/v3/join/${encodeURIComponent(secret)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dana.accessToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const envelope = { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AwgAEn', device_id: 'DEV', sender_key: 'key', session_id: 'sess' };
    await bob.sendEvent(secret, 'm.room.encrypted', envelope);
    await until(() => received.some((r) => r.notification.roomId === secret), 'the encrypted message');
    const encrypted = received.find((r) => r.notification.roomId === secret);
    assert.equal(encrypted?.notification.text, undefined, 'no text for an encrypted message');
  });
});
