/**
 * The shared room-like suite (test/browser/room-like.ts) for `<omni-chat>`: an encrypted post
 * discussion (the default) that the peer started, from an independent client (matrix-nio with libolm).
 */
import { fixture, html } from '@open-wc/testing';
import { homeserver, peer, registerUser, startNioPeer, type RemoteNioPeer } from '@omnisocial/testing/browser';
import { postRoomAlias } from '@omnisocial/core';
import { postRoomCreateRequest } from '@omnisocial/core/internal';
import '../../packages/elements/src/components/chat/define.ts';
import { nioPeer, runRoomLikeTests } from './room-like.ts';

let nio: RemoteNioPeer | undefined;

runRoomLikeTests({
  title: '<omni-chat> (an encrypted post discussion)',
  encrypted: true,
  async prepare({ baseUrl, member }) {
    const { serverName } = await homeserver();
    const bob = await registerUser({ displayName: 'Bob' });
    nio = await startNioPeer();
    await nio.login({ homeserver: baseUrl, user: bob.userId, password: bob.password, device: `NIOCHAT${crypto.randomUUID().slice(0, 6)}` });
    const post = { id: `room-like-${crypto.randomUUID().slice(0, 8)}`, title: 'A post', url: 'https://blog.example/a-post' };
    const request = postRoomCreateRequest(post, postRoomAlias(post.id, { serverName }), bob.userId);
    const { room_id: roomId } = (await peer(bob).request('POST', '/_matrix/client/v3/createRoom', request)) as { room_id: string };
    return {
      roomId,
      peer: nioPeer(nio, bob, 'Bob', roomId, member),
      mount: () =>
        fixture(
          html`<omni-chat-view homeserver=${baseUrl} post=${post.id} post-title=${post.title} post-url=${post.url}></omni-chat-view>`,
        ),
    };
  },
  async dispose() {
    await nio?.close();
  },
});
