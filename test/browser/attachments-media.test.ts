/**
 * The site's file rules and what files become, against the real Synapse: `accept-files` and `max-file-size`
 * refuse in the tray before any upload (the type judged from the bytes: a `.png` that is HTML is refused, or
 * without rules sent as a plain file, never drawn); `guest-accept-files` holds guests to images; a video
 * carries its size, length and poster and shows a play button over the poster, fetching nothing of the video
 * before the click; a recording carries its length; a picture that may move is a still frame for a member who
 * asked for less motion.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import { homeserver, peer, registerUser, type MatrixEvent, type TestUser } from '@omnisocial/testing/browser';
import { type MessageItem, type RoomHandle } from '@omnisocial/core';
import { signIn, signOut } from '@omnisocial/chat';
import type { OmniRoom } from '../../packages/elements/src/components/room/omni-room.ts';
import { button, decoded, findDeep, pickFiles, pngBytes, shadow, textbox } from './dom.ts';
import { engineResources } from './engine-network.ts';
import { engineSession } from './engine-session.ts';

const tray = (el: Element): HTMLElement | null => shadow(el).querySelector<HTMLElement>('[aria-label="Files to send"]');
const picker = (el: Element): HTMLInputElement | null => shadow(el).querySelector<HTMLInputElement>('input.file-picker');

async function png(name: string, width: number, height: number): Promise<File> {
  return new File([new Uint8Array(await pngBytes(width, height, '#2a7a4a'))], name, { type: 'image/png' });
}

/** A second of silence as 8 kHz 8-bit mono WAV. */
function wav(name: string): File {
  const samples = 8000;
  const bytes = new Uint8Array(44 + samples);
  const view = new DataView(bytes.buffer);
  const text = (at: number, value: string): void => new TextEncoder().encode(value).forEach((byte, i) => view.setUint8(at + i, byte));
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples, true);
  text(8, 'WAVEfmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, 8000, true);
  view.setUint32(28, 8000, true);
  view.setUint16(32, 1, true);
  view.setUint16(34, 8, true);
  text(36, 'data');
  view.setUint32(40, samples, true);
  bytes.fill(128, 44);
  return new File([bytes], name, { type: 'audio/wav' });
}

/** About a second of a moving 320×180 picture, recorded by the browser as WebM. */
async function webm(name: string): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = 320;
  canvas.height = 180;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d context');
  const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm' });
  const chunks: Blob[] = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  const stopped = new Promise((resolve) => (recorder.onstop = resolve));
  recorder.start();
  const started = performance.now();
  while (performance.now() - started < 1200) {
    context.fillStyle = '#c0392b';
    context.fillRect(0, 0, 320, 180);
    context.fillStyle = '#f1c40f';
    context.fillRect(((performance.now() - started) / 1200) * 280, 60, 40, 60);
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  recorder.stop();
  await stopped;
  return new File(chunks, name, { type: 'video/webm' });
}

/** A 1×1 GIF (a format that may move). */
const GIF = Uint8Array.from(atob('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=='), (c) => c.charCodeAt(0));

/** Waits for something to be there and gives it. */
async function found<T>(find: () => T | undefined, message: string): Promise<T> {
  await waitUntil(() => find() !== undefined, message, { timeout: 30_000 });
  return find() as T;
}

function own(handle: RoomHandle): MessageItem[] {
  return handle.snapshot.items.filter((i): i is MessageItem => i.kind === 'message' && i.own);
}

describe('attachments: the site’s rules and media (real Synapse)', function () {
  this.timeout(240_000);
  let baseUrl: string;
  let alice: TestUser;
  let bob: TestUser;

  async function events(roomId: string, sender: string): Promise<MatrixEvent[]> {
    const all = await peer(bob).roomMessages(roomId, { limit: 50, dir: 'b' });
    return all.filter((e) => e.sender === sender && e.type === 'm.room.message');
  }

  async function open(roomId: string, attributes: { accept?: string; guestAccept?: string; maxSize?: string } = {}) {
    const el = await fixture<OmniRoom>(
      html`<omni-room
        style="display: block; height: 800px"
        homeserver=${baseUrl}
        room=${roomId}
        accept-files=${attributes.accept ?? ''}
        guest-accept-files=${attributes.guestAccept ?? ''}
        max-file-size=${attributes.maxSize ?? ''}
      ></omni-room>`,
    );
    const handle = (await engineSession(baseUrl))?.openRoom(roomId);
    if (!handle) throw new Error('no session');
    await waitUntil(() => handle.snapshot.status === 'ready' && textbox(el) && !textbox(el)?.disabled, 'the room never opened', {
      timeout: 60_000,
    });
    return { el, handle };
  }

  async function room(name: string, options: { guests?: boolean } = {}): Promise<string> {
    const { roomId } = await peer(bob).createRoom({
      name,
      preset: 'public_chat',
      ...(options.guests ? { guestAccess: true, worldReadable: true } : {}),
    });
    await peer(alice).joinRoom(roomId);
    return roomId;
  }

  before(async () => {
    ({ baseUrl } = await homeserver());
    [alice, bob] = await Promise.all([registerUser({ displayName: 'Alice' }), registerUser({ displayName: 'Bob' })]);
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
  });

  after(async () => {
    await emulateMedia({ reducedMotion: 'no-preference' });
    await signOut();
  });

  it('accept-files and max-file-size refuse in the tray, judged from the bytes; only the real image is sent', async () => {
    const roomId = await room('Images only');
    const { el, handle } = await open(roomId, { accept: 'image/*', maxSize: '200 kB' });
    expect(picker(el)?.accept, 'the picker offers the accepted types first').to.equal('image/*');
    const real = await png('real.png', 40, 30);
    const fake = new File(['<!doctype html><script>alert(1)</script>'], 'fake.png', { type: 'image/png' });
    const notes = new File(['remember the milk'], 'notes.txt', { type: 'text/plain' });
    const large = new File([new Uint8Array(300_000)], 'large.png', { type: 'image/png' });
    pickFiles(el, [real, fake, notes, large]);
    await waitUntil(() => tray(el)?.querySelectorAll('[role="alert"]').length === 3, 'the refusals are not shown', { timeout: 20_000 });
    const text = (tray(el)?.textContent ?? '').replace(/\s+/gu, ' ');
    expect(text).to.include('“fake.png” cannot be sent here: only images can, and its contents are not what its name says.');
    expect(text).to.include('“notes.txt” cannot be sent here: only images can.');
    expect(text).to.include('“large.png” is 300 kB; files sent here can be up to 200 kB.');
    await expect(el).to.be.accessible();
    button(shadow(el), 'Send')?.click();
    await waitUntil(() => own(handle).some((m) => m.msgtype === 'image' && m.status === 'sent' && m.media?.mxc), 'the image was not sent', {
      timeout: 30_000,
    });
    const sent = await events(roomId, alice.userId);
    expect(sent.map((e) => e.content['filename'])).to.deep.equal(['real.png']);
    expect(tray(el)?.textContent).to.include('fake.png');
    for (const name of ['fake.png', 'notes.txt', 'large.png']) button(shadow(el), `Remove ${name}`)?.click();
    await waitUntil(() => tray(el) === null, 'Remove did not empty the tray');
    el.remove();
    handle.release();
  });

  it('without rules, HTML named .png is sent as a plain file of its real type and never drawn', async () => {
    const roomId = await room('No rules');
    const { el, handle } = await open(roomId);
    pickFiles(el, [new File(['<html><body><img src=x onerror=alert(1)></body></html>'], 'trick.png', { type: 'image/png' })]);
    await waitUntil(() => tray(el)?.textContent.includes('trick.png'), 'the file is not in the tray');
    button(shadow(el), 'Send')?.click();
    await waitUntil(() => own(handle).some((m) => m.status === 'sent' && m.media?.mxc), 'not sent', { timeout: 30_000 });
    const [event] = await events(roomId, alice.userId);
    expect(event?.content['msgtype']).to.equal('m.file');
    expect((event?.content['info'] as Record<string, unknown>)['mimetype']).to.equal('text/html');
    const tile = findDeep(el, 'a.file');
    expect(tile?.textContent).to.include('trick.png');
    expect(findDeep(el, '[part="media-image"]')).to.equal(undefined);
    el.remove();
    handle.release();
  });

  it('a video carries its size, length and poster; the timeline shows the poster and fetches the video only on Play', async () => {
    const roomId = await room('Videos');
    const { el, handle } = await open(roomId);
    pickFiles(el, [await webm('clip.webm'), wav('beep.wav')]);
    await waitUntil(() => tray(el)?.textContent.includes('beep.wav'), 'the files are not in the tray');
    button(shadow(el), 'Send')?.click();
    await waitUntil(() => own(handle).filter((m) => m.status === 'sent' && m.media?.mxc).length === 2, 'not sent', { timeout: 60_000 });
    const sent = await events(roomId, alice.userId);
    const video = sent.find((e) => e.content['msgtype'] === 'm.video');
    const audio = sent.find((e) => e.content['msgtype'] === 'm.audio');
    const videoInfo = video?.content['info'] as Record<string, unknown>;
    expect(videoInfo).to.include({ w: 320, h: 180, mimetype: 'video/webm' });
    expect(videoInfo['duration'], 'the length of a recording without one in its header').to.be.within(900, 2000);
    expect(videoInfo['thumbnail_url']).to.match(/^mxc:\/\//u);
    expect(videoInfo['thumbnail_info']).to.include({ w: 320, h: 180 });
    expect(videoInfo['xyz.amorgan.blurhash']).to.be.a('string');
    expect((audio?.content['info'] as Record<string, unknown>)['duration']).to.be.within(950, 1050);

    const play = await found(() => findDeep(el, 'button.video-poster'), 'no play button over a poster');
    const poster = await decoded(
      await found(() => play.querySelector<HTMLImageElement>('img.poster') ?? undefined, 'the poster did not load'),
    );
    expect(poster.src).to.match(/^blob:/u);
    expect(play.textContent.replace(/\s+/gu, ' ')).to.match(/Play video: clip\.webm \(.+, 0:0[12]\)/u);
    expect(play.getBoundingClientRect().width).to.be.closeTo(320, 1);
    expect(findDeep(el, 'video'), 'no player (and so no download) before Play').to.equal(undefined);
    const videoId = String(video?.content['url']).split('/').at(-1) ?? '';
    // The engine fetches media: the page's requests, and its worker's when it runs in one.
    const fetched = async (): Promise<boolean> => (await engineResources()).some((entry) => entry.name.includes(videoId));
    expect(await fetched(), 'the video’s bytes are not fetched before Play').to.equal(false);
    await expect(el).to.be.accessible();
    play.click();
    const player = await found(() => findDeep(el, 'video') as HTMLVideoElement | undefined, 'Play did not load the video');
    expect(player.src).to.match(/^blob:/u);
    expect(await fetched()).to.equal(true);
    el.remove();
    handle.release();
  });

  it('a picture that may move is a still frame, marked Paused, for a member who asked for less motion', async () => {
    await emulateMedia({ reducedMotion: 'reduce' });
    const roomId = await room('Motion');
    const { el, handle } = await open(roomId);
    pickFiles(el, [new File([GIF], 'dance.gif', { type: 'image/gif' })]);
    await waitUntil(() => tray(el)?.textContent.includes('dance.gif'), 'the file is not in the tray');
    button(shadow(el), 'Send')?.click();
    const opener = await found(() => findDeep(el, 'button.image-open'), 'the picture is not shown');
    expect(opener.querySelector('.still-badge')?.textContent).to.equal('Paused');
    expect(opener.title).to.equal('Open to play the animation');
    const picture = await decoded(opener.querySelector('img') as HTMLImageElement);
    const stillBlob = await (await fetch(picture.src)).blob();
    expect(stillBlob.type, 'the still frame drawn in the browser').to.equal('image/png');
    await emulateMedia({ reducedMotion: 'no-preference' });
    el.remove();
    handle.release();
  });

  it('guest-accept-files holds guests to images and tells them an account can send the rest', async () => {
    const roomId = await room('Guests welcome', { guests: true });
    await signOut();
    await signIn({ homeserver: baseUrl, guest: true });
    try {
      const { el, handle } = await open(roomId, { guestAccept: 'image/*' });
      pickFiles(el, [new File(['minutes'], 'minutes.txt', { type: 'text/plain' }), await png('ok.png', 20, 20)]);
      await waitUntil(() => tray(el)?.querySelectorAll('[role="alert"]').length === 1, 'the refusal is not shown', { timeout: 20_000 });
      expect((tray(el)?.textContent ?? '').replace(/\s+/gu, ' ')).to.include(
        '“minutes.txt” cannot be sent here: only images can. Sign in with an account to send it.',
      );
      expect(picker(el)?.accept).to.equal('image/*');
      button(shadow(el), 'Remove minutes.txt')?.click();
      button(shadow(el), 'Remove ok.png')?.click();
      el.remove();
      handle.release();
    } finally {
      await signOut();
      await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    }
  });
});
