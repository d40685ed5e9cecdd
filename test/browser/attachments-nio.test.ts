/**
 * Encrypted attachments between the element and an independent client (matrix-nio + libolm), against the real
 * Synapse: a file the member sends from the composer is downloaded and decrypted by nio's own
 * `decrypt_attachment` to the exact bytes; an encrypted image nio sends is decrypted and drawn by the element.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { homeserver, peer, registerUser, startNioPeer, type RemoteNioPeer, type TestUser } from '@omnisocial/testing/browser';
import { type RoomHandle } from '@omnisocial/core';
import { signIn, signOut } from '@omnisocial/chat';
import type { OmniRoom } from '../../packages/elements/src/components/room/omni-room.ts';
import { button, decoded, deepText, pickFiles, pngBytes, shadow, textbox, tileOf } from './dom.ts';
import { engineSession } from './engine-session.ts';

const TIMEOUT = 60_000;

const base64 = (bytes: Uint8Array): string => btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(''));
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

describe('encrypted attachments with matrix-nio (real Synapse)', function () {
  this.timeout(240_000);
  let baseUrl: string;
  let alice: TestUser;
  let bob: TestUser;
  let nio: RemoteNioPeer;
  let roomId: string;
  let el: OmniRoom;
  let handle: RoomHandle;
  const tag = crypto.randomUUID().slice(0, 8);

  before(async () => {
    ({ baseUrl } = await homeserver());
    [alice, bob] = await Promise.all([registerUser({ displayName: 'Alice' }), registerUser({ displayName: 'Bob' })]);
    nio = await startNioPeer();
    ({ roomId } = await peer(bob).createRoom({ name: 'Files with nio', preset: 'public_chat', encrypted: true }));
    await nio.login({ homeserver: baseUrl, user: bob.userId, password: bob.password, device: `NIOFILE${tag}` });
    await nio.join({ room: roomId });
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const opened = (await engineSession(baseUrl))?.openRoom(roomId);
    if (!opened) throw new Error('no session');
    handle = opened;
  });

  // Fixtures are removed after each test: each test mounts the room again.
  beforeEach(async () => {
    el = await fixture<OmniRoom>(html`<omni-room style="display: block; height: 800px" homeserver=${baseUrl} room=${roomId}></omni-room>`);
    await waitUntil(() => handle.snapshot.status === 'ready' && textbox(el) && !textbox(el)?.disabled, 'the room never opened', {
      timeout: TIMEOUT,
    });
    await nio.waitMember({ room: roomId, user: alice.userId, timeout: 60 });
  });

  after(async () => {
    handle.release();
    await nio.close();
    await signOut();
  });

  it('nio downloads and decrypts, with its own code, exactly the bytes the member attached', async () => {
    const bytes = new Uint8Array(300_000);
    for (let at = 0; at < bytes.length; at += 65_536) crypto.getRandomValues(bytes.subarray(at, at + 65_536));
    const file = new File([bytes], `report-${tag}.bin`, { type: 'application/octet-stream' });
    pickFiles(el, [file]);
    await waitUntil(() => shadow(el).querySelector('[aria-label="Files to send"]')?.textContent.includes(file.name), 'not in the tray');
    button(shadow(el), 'Send')?.click();
    const read = await nio.readAttachment({ room: roomId, filename: file.name, timeout: 90 });
    expect(read.content['msgtype']).to.equal('m.file');
    expect(read.content['url'], 'no plain url in an encrypted room').to.equal(undefined);
    const plain = fromBase64(read.data);
    expect(plain.length).to.equal(bytes.length);
    expect(plain).to.deep.equal(bytes);
  });

  it('the element decrypts and draws an encrypted image nio sent', async () => {
    expect(await nio.trust({ user: alice.userId })).to.be.greaterThan(0);
    const png = new Uint8Array(await pngBytes(300, 200, '#8e44ad'));
    const name = `from-nio-${tag}.png`;
    const eventId = await nio.sendImage({ room: roomId, name, data: base64(png), mimetype: 'image/png', width: 300, height: 200 });
    // An image without a caption has no text of its own: its tile is found by its event.
    const tile = (): HTMLElement | undefined => tileOf(el, eventId);
    await waitUntil(() => tile()?.querySelector('button.image-open img'), 'the element does not show nio’s image', {
      timeout: TIMEOUT,
    }).catch((error: unknown) => {
      const shown = handle.snapshot.items.map((i) => (i.kind === 'message' ? `${i.msgtype}:${i.eventId ?? ''}` : i.kind));
      throw new Error(`${String(error)}; the room shows ${JSON.stringify(shown)}; the view shows ${deepText(el).replace(/\s+/gu, ' ')}`);
    });
    const image = await decoded(tile()?.querySelector<HTMLImageElement>('button.image-open img') as HTMLImageElement);
    expect(image.alt).to.equal(name);
    expect(image.src).to.match(/^blob:/u);
    expect([image.naturalWidth, image.naturalHeight]).to.deep.equal([300, 200]);
    const drawn = await (await fetch(image.src)).arrayBuffer();
    expect(new Uint8Array(drawn)).to.deep.equal(png);
  });
});
