/**
 * The shared room-like suite (test/browser/room-like.ts) for `<omni-room>` in an encrypted room, the
 * peer an independent client (matrix-nio with libolm).
 */
import { fixture, html } from '@open-wc/testing';
import { peer, registerUser, startNioPeer, type RemoteNioPeer } from '@omnisocial/testing/browser';
import '../../packages/elements/src/components/room/define.ts';
import { nioPeer, runRoomLikeTests } from './room-like.ts';

let nio: RemoteNioPeer | undefined;

runRoomLikeTests({
  title: '<omni-room> (an encrypted room)',
  encrypted: true,
  async prepare({ baseUrl, member }) {
    const bob = await registerUser({ displayName: 'Bob' });
    nio = await startNioPeer();
    // Bob's device exists before the member joins, so the member's room keys are shared with it.
    await nio.login({ homeserver: baseUrl, user: bob.userId, password: bob.password, device: `NIOROOM${crypto.randomUUID().slice(0, 6)}` });
    const { roomId, alias } = await peer(bob).createRoom({
      alias: `sealed-${crypto.randomUUID().slice(0, 8)}`,
      name: 'Cellar',
      preset: 'public_chat',
      encrypted: true,
    });
    return {
      roomId,
      peer: nioPeer(nio, bob, 'Bob', roomId, member),
      mount: () => fixture(html`<omni-room-view homeserver=${baseUrl} room=${alias ?? roomId}></omni-room-view>`),
    };
  },
  async dispose() {
    await nio?.close();
  },
});
