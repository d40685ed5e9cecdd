/**
 * The shared room-like suite (test/browser/room-like.ts) for `<omni-dm>`: the peer invited the member
 * to an encrypted direct conversation from an independent client (matrix-nio with libolm); opening
 * the view accepts it.
 */
import { fixture, html } from '@open-wc/testing';
import { peer, registerUser, startNioPeer, type RemoteNioPeer } from '@omnisocial/testing/browser';
import { directRoomCreateRequest } from '@omnisocial/core/internal/dm';
import '../../packages/elements/src/components/dm/define.ts';
import { nioPeer, runRoomLikeTests } from './room-like.ts';

let nio: RemoteNioPeer | undefined;

runRoomLikeTests({
  title: '<omni-dm> (an encrypted direct conversation)',
  encrypted: true,
  async prepare({ baseUrl, member }) {
    const bob = await registerUser({ displayName: 'Bob' });
    nio = await startNioPeer();
    await nio.login({ homeserver: baseUrl, user: bob.userId, password: bob.password, device: `NIODM${crypto.randomUUID().slice(0, 6)}` });
    const { room_id: roomId } = (await peer(bob).request(
      'POST',
      '/_matrix/client/v3/createRoom',
      directRoomCreateRequest(member.userId),
    )) as {
      room_id: string;
    };
    return {
      roomId,
      peer: nioPeer(nio, bob, 'Bob', roomId, member),
      mount: () => fixture(html`<omni-dm-view homeserver=${baseUrl} user=${bob.userId}></omni-dm-view>`),
    };
  },
  async dispose() {
    await nio?.close();
  },
});
