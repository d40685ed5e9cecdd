/** The shared room-like suite (test/browser/room-like.ts) for `<omni-room>` in a public room that is not encrypted. */
import { fixture, html } from '@open-wc/testing';
import { peer, registerUser } from '@omnisocial/testing/browser';
import '../../packages/elements/src/components/room/define.ts';
import { httpPeer, runRoomLikeTests } from './room-like.ts';

runRoomLikeTests({
  title: '<omni-room> (a public room, not encrypted)',
  encrypted: false,
  async prepare({ baseUrl }) {
    const bob = await registerUser({ displayName: 'Bob' });
    const { roomId, alias } = await peer(bob).createRoom({
      alias: `plain-${crypto.randomUUID().slice(0, 8)}`,
      name: 'Plaza',
      preset: 'public_chat',
    });
    return {
      roomId,
      peer: httpPeer(bob, 'Bob', roomId),
      mount: () => fixture(html`<omni-room-view homeserver=${baseUrl} room=${alias ?? roomId}></omni-room-view>`),
    };
  },
});
