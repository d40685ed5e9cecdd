/**
 * Sending files from the composer of `<omni-room>` against the real Synapse (through the fault proxy where
 * the wire must misbehave): pick → tray → Send → the other member has the file; encrypted rooms upload only
 * ciphertext; refusals before upload; drop without navigating; order with text during a slow upload; one
 * event after a lost answer; hostile file names inert.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { readFile } from '@web/test-runner-commands';
import {
  peer,
  proxyLog,
  registerUser,
  resetProxy,
  setProxy,
  startProxy,
  stopProxy,
  type MatrixEvent,
  type TestUser,
} from '@omnisocial/testing/browser';
import { type MessageItem, type RoomHandle } from '@omnisocial/core';
import { signIn, signOut } from '@omnisocial/chat';
import type { OmniRoom } from '../../packages/elements/src/components/room/omni-room.ts';
import { button, pickFiles, pngBytes, quietWindow, shadow, textbox, typeAndSend } from './dom.ts';
import { engineSession } from './engine-session.ts';

interface H5scVector {
  readonly payload: string;
}

const tray = (el: Element): HTMLElement | null => shadow(el).querySelector<HTMLElement>('[aria-label="Files to send"]');

const pick = pickFiles;

async function png(name: string, width = 1200, height = 900): Promise<File> {
  return new File([new Uint8Array(await pngBytes(width, height, '#3366cc'))], name, { type: 'image/png' });
}

function ownItems(handle: RoomHandle): MessageItem[] {
  return handle.snapshot.items.filter((i): i is MessageItem => i.kind === 'message' && i.own);
}

describe('attachments (real Synapse)', function () {
  this.timeout(180_000);
  let proxyUrl: string;
  let alice: TestUser;
  let bob: TestUser;

  async function aliceEvents(roomId: string): Promise<MatrixEvent[]> {
    const events = await peer(bob).roomMessages(roomId, { limit: 100, dir: 'b' });
    return events.filter((e) => e.sender === alice.userId && (e.type === 'm.room.message' || e.type === 'm.room.encrypted'));
  }

  async function download(mxc: string, user: TestUser): Promise<Uint8Array> {
    const [serverName, mediaId] = mxc.slice('mxc://'.length).split('/');
    const response = await fetch(`${user.homeserver}/_matrix/client/v1/media/download/${serverName}/${mediaId}`, {
      headers: { Authorization: `Bearer ${user.accessToken}` },
    });
    expect(response.status).to.equal(200);
    return new Uint8Array(await response.arrayBuffer());
  }

  async function openRoom(encrypted: boolean): Promise<{ el: OmniRoom; handle: RoomHandle; roomId: string }> {
    const { roomId } = await peer(bob).createRoom({ name: encrypted ? 'Files, encrypted' : 'Files', preset: 'public_chat', encrypted });
    await peer(alice).joinRoom(roomId);
    const el = await fixture<OmniRoom>(
      html`<omni-room style="display: block; height: 800px" homeserver=${proxyUrl} room=${roomId}></omni-room>`,
    );
    const handle = (await engineSession(proxyUrl))?.openRoom(roomId);
    if (!handle) throw new Error('no session');
    await waitUntil(() => handle.snapshot.status === 'ready' && textbox(el) && !textbox(el)?.disabled, 'the room never opened', {
      timeout: 60_000,
    });
    return { el, handle, roomId };
  }

  before(async () => {
    ({ baseUrl: proxyUrl } = await startProxy());
    [alice, bob] = await Promise.all([registerUser({ displayName: 'Alice' }), registerUser({ displayName: 'Bob' })]);
    await signIn({ homeserver: proxyUrl, username: alice.username, password: alice.password });
  });

  afterEach(async () => {
    await resetProxy(proxyUrl);
  });

  after(async () => {
    await signOut();
    await stopProxy(proxyUrl);
  });

  it('pick → tray → Send: the other member gets the image with its caption, size, thumbnail and blurhash', async () => {
    const { el, handle, roomId } = await openRoom(false);
    const file = await png('sunset.png');
    pick(el, [file]);
    await waitUntil(() => tray(el)?.textContent.includes('sunset.png'), 'the file is not in the tray');
    expect(button(shadow(el), 'Remove sunset.png'), 'a Remove button named after the file').to.not.equal(undefined);
    await expect(el).to.be.accessible();
    await typeAndSend(el, 'the view tonight');
    await waitUntil(() => tray(el) === null, 'the tray did not empty');
    await waitUntil(() => ownItems(handle).some((m) => m.msgtype === 'image' && m.status === 'sent' && m.media?.mxc), 'not sent', {
      timeout: 30_000,
    });
    const [event] = await aliceEvents(roomId);
    const content = event?.content as Record<string, unknown>;
    expect(content['msgtype']).to.equal('m.image');
    expect(content['body']).to.equal('the view tonight');
    expect(content['filename']).to.equal('sunset.png');
    const info = content['info'] as Record<string, unknown>;
    expect(info).to.include({ mimetype: 'image/png', size: file.size, w: 1200, h: 900 });
    expect(info['xyz.amorgan.blurhash']).to.be.a('string');
    expect(info['thumbnail_url']).to.match(/^mxc:\/\//u);
    expect(info['thumbnail_info']).to.include({ w: 800, h: 600 });
    expect(await download(String(content['url']), bob)).to.deep.equal(new Uint8Array(await file.arrayBuffer()));
    el.remove();
    handle.release();
  });

  it('an encrypted room: the server stores ciphertext only, and the message carries the key to read it', async () => {
    const { el, handle, roomId } = await openRoom(true);
    const file = await png('private.png', 300, 200);
    pick(el, [file]);
    await waitUntil(() => tray(el)?.textContent.includes('private.png'), 'the file is not in the tray');
    button(shadow(el), 'Send')?.click();
    await waitUntil(() => ownItems(handle).some((m) => m.msgtype === 'image' && m.status === 'sent' && m.media?.encryption), 'not sent', {
      timeout: 60_000,
    });
    const [event] = await aliceEvents(roomId);
    expect(event?.type, 'the event is encrypted').to.equal('m.room.encrypted');
    const sent = ownItems(handle).find((m) => m.msgtype === 'image' && m.media?.encryption);
    const mxc = sent?.media?.encryption?.url ?? '';
    const stored = await download(mxc, alice);
    const plain = new Uint8Array(await file.arrayBuffer());
    expect(stored.length).to.equal(plain.length);
    expect(stored).to.not.deep.equal(plain);
    // The PNG signature must not be on the server.
    expect([...stored.slice(0, 4)]).to.not.deep.equal([0x89, 0x50, 0x4e, 0x47]);
    el.remove();
    handle.release();
  });

  it('refuses an empty file and one over the server’s limit before a byte is uploaded', async () => {
    const { el, handle } = await openRoom(false);
    await proxyLog(proxyUrl, { path: '/media/v3/upload' }, true);
    const config = (await (
      await fetch(`${proxyUrl}/_matrix/client/v1/media/config`, { headers: { Authorization: `Bearer ${alice.accessToken}` } })
    ).json()) as Record<string, number>;
    const limit = config['m.upload.size'] ?? 50 * 1024 * 1024;
    pick(el, [new File([], 'empty.txt'), new File([new Uint8Array(limit + 1)], 'huge.bin')]);
    await waitUntil(() => tray(el)?.querySelectorAll('[role="alert"]').length === 2, 'no reasons shown', { timeout: 20_000 });
    const text = tray(el)?.textContent ?? '';
    expect(text).to.include('“empty.txt” is empty (0 bytes)');
    expect(text).to.include('“huge.bin” is');
    expect(text).to.include('this server accepts files up to');
    button(shadow(el), 'Send')?.click();
    await quietWindow(500);
    expect(await proxyLog(proxyUrl, { path: '/media/v3/upload' })).to.deep.equal([]);
    expect(ownItems(handle).filter((m) => m.media)).to.deep.equal([]);
    button(shadow(el), 'Remove empty.txt')?.click();
    button(shadow(el), 'Remove huge.bin')?.click();
    await waitUntil(() => tray(el) === null, 'Remove did not empty the tray');
    el.remove();
    handle.release();
  });

  it('a file dropped on the element goes to the tray and the page does not navigate to it', async () => {
    const { el, handle } = await openRoom(false);
    const transfer = new DataTransfer();
    transfer.items.add(new File(['notes'], 'notes.txt', { type: 'text/plain' }));
    // Dropped on the conversation (the log), away from the composer: the whole element takes files.
    const target = shadow(el).querySelector('[role="log"]');
    if (!target) throw new Error('no log');
    const enter = new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true, cancelable: true, composed: true });
    target.dispatchEvent(enter);
    await el.updateComplete;
    expect(shadow(el).querySelector('[part="drop-target"]')?.textContent).to.include('Drop files');
    const over = new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true, composed: true });
    target.dispatchEvent(over);
    const drop = new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true, composed: true });
    target.dispatchEvent(drop);
    expect(over.defaultPrevented, 'dragover is taken (else the browser opens the file)').to.equal(true);
    expect(drop.defaultPrevented, 'drop is taken').to.equal(true);
    await waitUntil(() => tray(el)?.textContent.includes('notes.txt'), 'the dropped file is not in the tray');
    expect(shadow(el).querySelector('[part="drop-target"]')).to.equal(null);
    expect(location.href).to.not.include('notes.txt');
    button(shadow(el), 'Remove notes.txt')?.click();
    el.remove();
    handle.release();
  });

  it('a pasted image goes to the tray; pasted text stays text', async () => {
    const { el, handle } = await openRoom(false);
    const box = textbox(el) as HTMLTextAreaElement;
    const withFile = new DataTransfer();
    withFile.items.add(await png('pasted.png', 40, 30));
    const paste = new ClipboardEvent('paste', { clipboardData: withFile, bubbles: true, cancelable: true, composed: true });
    box.dispatchEvent(paste);
    expect(paste.defaultPrevented, 'the file is not pasted as text').to.equal(true);
    await waitUntil(() => tray(el)?.textContent.includes('pasted.png'), 'the pasted image is not in the tray');
    expect(tray(el)?.querySelector('img')?.src).to.match(/^blob:/u);
    const withText = new DataTransfer();
    withText.setData('text/plain', 'just words');
    const textPaste = new ClipboardEvent('paste', { clipboardData: withText, bubbles: true, cancelable: true, composed: true });
    box.dispatchEvent(textPaste);
    expect(textPaste.defaultPrevented, 'text is left to the textbox').to.equal(false);
    button(shadow(el), 'Remove pasted.png')?.click();
    await waitUntil(() => tray(el) === null);
    el.remove();
    handle.release();
  });

  it('text sent during a slow upload waits, queued, and arrives after the file; the progress bar shows meanwhile', async () => {
    const { el, handle, roomId } = await openRoom(false);
    await setProxy(proxyUrl, { delay: { method: 'POST', path: '/media/v3/upload', ms: 3_000 } });
    pick(el, [new File([new Uint8Array(200_000)], 'slow.bin')]);
    await waitUntil(() => tray(el)?.textContent.includes('slow.bin'));
    button(shadow(el), 'Send')?.click();
    await waitUntil(() => shadow(el).querySelector('progress[aria-label="Uploading slow.bin"]'), 'no progress bar', { timeout: 10_000 });
    expect(button(shadow(el), 'Cancel upload')).to.not.equal(undefined);
    await typeAndSend(el, 'typed while uploading');
    await waitUntil(() => ownItems(handle).some((m) => m.body === 'typed while uploading'));
    expect(ownItems(handle).find((m) => m.body === 'typed while uploading')?.status).to.equal('queued');
    await waitUntil(() => ownItems(handle).every((m) => m.status === 'sent'), 'not all sent', { timeout: 30_000 });
    const bodies = (await aliceEvents(roomId)).map((e) => String((e.content as { body?: unknown }).body));
    expect(bodies).to.deep.equal(['slow.bin', 'typed while uploading']);
    el.remove();
    handle.release();
  });

  it('a lost answer to the event is sent again with the same transaction: one event, one upload', async () => {
    const { el, handle, roomId } = await openRoom(false);
    await proxyLog(proxyUrl, { path: '/media/v3/upload' }, true);
    await setProxy(proxyUrl, { dropResponse: { method: 'PUT', path: '/send/m.room.message/', count: 1 } });
    pick(el, [new File(['once'], 'once.txt', { type: 'text/plain' })]);
    await waitUntil(() => tray(el)?.textContent.includes('once.txt'));
    button(shadow(el), 'Send')?.click();
    await waitUntil(() => ownItems(handle).some((m) => m.body === 'once.txt' && m.status === 'sent' && m.media?.mxc), 'not sent', {
      timeout: 30_000,
    });
    await quietWindow(1_000);
    expect((await aliceEvents(roomId)).map((e) => String((e.content as { body?: unknown }).body))).to.deep.equal(['once.txt']);
    expect(await proxyLog(proxyUrl, { method: 'POST', path: '/media/v3/upload' })).to.have.length(1);
    el.remove();
    handle.release();
  });

  it('hostile file names are text in the tray and the timeline, never markup', async () => {
    const vectors = (JSON.parse((await readFile({ path: '../corpora/xss/h5sc.json' })) ?? '[]') as H5scVector[]).slice(0, 6);
    expect(vectors.length).to.equal(6);
    const { el, handle } = await openRoom(false);
    const names = vectors.map((v, i) => `${i}${v.payload}`.slice(0, 200));
    pick(
      el,
      names.map((name) => new File(['x'], name, { type: 'text/plain' })),
    );
    await waitUntil(() => tray(el)?.querySelectorAll('li').length === names.length);
    const shown = [...(tray(el)?.querySelectorAll('.tray-name') ?? [])].map((n) => n.textContent);
    expect(shown).to.deep.equal(names);
    expect(tray(el)?.querySelectorAll('.tray-name *').length, 'no element made from a name').to.equal(0);
    button(shadow(el), 'Send')?.click();
    await waitUntil(() => ownItems(handle).filter((m) => m.status === 'sent' && m.media?.mxc).length === names.length, 'not all sent', {
      timeout: 60_000,
    });
    const inTimeline = [...shadow(el).querySelectorAll('[role="log"] .file-name')].map((n) => n.textContent);
    for (const name of names) expect(inTimeline).to.include(name);
    expect(shadow(el).querySelectorAll('[role="log"] .file-name *').length).to.equal(0);
    expect(shadow(el).querySelector('[role="log"] form, [role="log"] meta, [role="log"] iframe, [role="log"] script')).to.equal(null);
    el.remove();
    handle.release();
  });
});
