/**
 * A host page for the shared-history test: one <omni-chat> for the post `post`, or one <omni-room> for the
 * room `room`, on the homeserver `hs`, and the member `user`/`password` signed in as the page loads. On
 * `window.omni`: which megolm sessions of a room this device holds keys for, and which key bundles
 * (MSC4268 `m.room_key_bundle` to-device messages) reached it, from whom — what the test checks beyond
 * the visible text.
 */
import { signIn } from '@omnisocial/chat';
import { resolveHomeserver, sessionFor } from '@omnisocial/core';
import { EngineSession } from '@omnisocial/core/internal/engine';
import { ClientEvent, type ReceivedToDeviceMessage } from 'matrix-js-sdk';

const params = new URLSearchParams(location.search);
const homeserver = params.get('hs') ?? '';
const post = params.get('post');
const element = document.createElement(post ? 'omni-chat' : 'omni-room');
element.setAttribute('homeserver', homeserver);
if (post) {
  element.setAttribute('post', post);
  element.setAttribute('post-title', 'A members-only post');
} else {
  element.setAttribute('room', params.get('room') ?? '');
}
(document.querySelector('main') ?? document.body).append(element);

const bundles: { sender: string; roomId: unknown }[] = [];

async function engine(): Promise<EngineSession> {
  const url = await resolveHomeserver(homeserver);
  // The elements' signIn may resolve before the engine has started (core's session/registry.ts, signInForElements).
  for (const until = Date.now() + 60_000; !sessionFor(url) && Date.now() < until;) await new Promise((resolve) => setTimeout(resolve, 20));
  const found = sessionFor(url);
  if (!(found instanceof EngineSession)) throw new Error('not signed in');
  return found;
}

const signedIn = (async () => {
  await signIn({ homeserver, username: params.get('user') ?? '', password: params.get('password') ?? '' });
  (await engine()).client.on(ClientEvent.ReceivedToDeviceMessage, ({ message, encryptionInfo }: ReceivedToDeviceMessage) => {
    if (message.type.endsWith('room_key_bundle'))
      bundles.push({ sender: encryptionInfo?.sender ?? '', roomId: message.content['room_id'] });
  });
})();

/** The ids of the megolm sessions of `roomId` whose keys this device holds. */
async function heldSessions(roomId: string): Promise<string[]> {
  await signedIn;
  const crypto = (await engine()).client.getCrypto();
  if (!crypto) return [];
  return (await crypto.exportRoomKeys()).filter((key) => key.room_id === roomId).map((key) => key.session_id);
}

/** The room an alias or post element resolved to, once this member is in it. */
async function joinedRoomId(): Promise<string | undefined> {
  await signedIn;
  const client = (await engine()).client;
  return client.getRooms().find((room) => room.getMyMembership() === 'join')?.roomId;
}

Object.assign(window, { omni: { signedIn, heldSessions, joinedRoomId, bundles } });
