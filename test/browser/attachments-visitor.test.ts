/**
 * Pictures in an open post read from outside, against the real Synapse: a visitor (a guest the element signs
 * in, who has not joined) sees a member's image drawn through authenticated media with the guest's token, in
 * the box its `info` gives; an image whose media is gone keeps that box, drawn from its blurhash, with
 * "Media unavailable" in it — never a broken image.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { homeserver, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { postRoomAlias, sessionFor, signOut } from '@omnisocial/core';
import { postRoomCreateRequest } from '@omnisocial/core/internal';
import '../../packages/elements/src/components/chat/define.ts';
import type { OmniChatView } from '../../packages/elements/src/components/chat/omni-chat.ts';
import { articleWith, decoded, pngBytes } from './dom.ts';

const TIMEOUT = 45_000;
const BLURHASH = 'LEHV6nWB2yk8pyo0adR*.7kCMdnj';

describe('images in an open post read by a visitor from outside (real Synapse)', function () {
  this.timeout(180_000);
  let baseUrl: string;
  let serverName: string;
  let bob: TestUser;

  before(async () => {
    ({ baseUrl, serverName } = await homeserver());
    bob = await registerUser({ displayName: 'Bob' });
    await signOut();
  });

  after(async () => {
    await signOut();
  });

  it('draws the image with the guest’s token in its box; a missing one keeps its box, blurred, with the reason', async () => {
    const post = `pictures-${crypto.randomUUID().slice(0, 8)}`;
    const { room_id: roomId } = (await peer(bob).request(
      'POST',
      '/_matrix/client/v3/createRoom',
      postRoomCreateRequest({ id: post, open: true }, postRoomAlias(post, { serverName }), bob.userId),
    )) as { room_id: string };
    const bytes = await pngBytes(640, 480, '#1f6f8b');
    const mxc = await peer(bob).upload(bytes, 'image/png', 'harbour.png');
    const info = { mimetype: 'image/png', size: bytes.length, w: 640, h: 480, 'xyz.amorgan.blurhash': BLURHASH };
    await peer(bob).sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.image',
      body: 'the harbour',
      filename: 'harbour.png',
      url: mxc,
      info,
    });
    await peer(bob).sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.image',
      body: 'a lost picture',
      filename: 'lost.png',
      url: `mxc://${serverName}/nothingStoredHere`,
      info: { ...info, w: 400, h: 400 },
    });

    const el = await fixture<OmniChatView>(
      html`<omni-chat-view
        style="display: block; height: 900px"
        homeserver=${baseUrl}
        post=${post}
        post-title="Pictures"
        open
      ></omni-chat-view>`,
    );
    await waitUntil(() => sessionFor(baseUrl)?.info.guest === true, 'the visitor was not signed in as a guest', { timeout: TIMEOUT });
    await waitUntil(() => articleWith(el, 'the harbour')?.querySelector('button.image-open img'), 'the visitor does not see the image', {
      timeout: TIMEOUT,
    });
    const image = await decoded(
      articleWith(el, 'the harbour')?.querySelector<HTMLImageElement>('button.image-open img') as HTMLImageElement,
    );
    expect(image.src).to.match(/^blob:/u);
    const box = articleWith(el, 'the harbour')?.querySelector('[part="media-image"]')?.getBoundingClientRect();
    expect([box?.width, box?.height]).to.deep.equal([320, 240]);

    await waitUntil(
      () => articleWith(el, 'a lost picture')?.querySelector('.media.unavailable img.blur'),
      'no blurred box for the lost picture',
      {
        timeout: TIMEOUT,
      },
    );
    const lost = articleWith(el, 'a lost picture');
    const lostBox = lost?.querySelector('.media.unavailable')?.getBoundingClientRect();
    expect([lostBox?.width, lostBox?.height]).to.deep.equal([240, 240]);
    expect(lost?.querySelector('.media.unavailable .media-unavailable')?.textContent).to.equal('Media unavailable');
    expect(lost?.querySelector('button.image-open'), 'no image to open').to.equal(null);
    const blur = lost?.querySelector<HTMLImageElement>('img.blur');
    expect(blur?.src).to.match(/^blob:/u);
    expect(blur?.alt).to.equal('');
    await expect(el).to.be.accessible();
  });
});
