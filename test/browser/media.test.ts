/**
 * Media in <omni-room> against real Synapse with authenticated media: a peer's avatar and image come
 * through `/_matrix/client/v1/media` as decodable blob URLs, a file is a download link, and broken or
 * foreign media fall back quietly without any request to where a message points.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { homeserver, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';
import { articles, articleWith, decoded, pngBytes, quietWindow, shadow as root } from './dom.ts';
import { engineResources } from './engine-network.ts';

/** How long the page is given to make a request, or swap in an image, that it must not. */
const NOTHING_MORE_WINDOW_MS = 500;

let baseUrl: string;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let alias: string;
/** mxc URIs that try to reach other paths of the media API (or beyond it). */
const ABUSIVE_MXC = [
  'mxc://localhost/../../_matrix/client/v3/account/whoami',
  'mxc://localhost/%2e%2e/%2e%2e/etc/passwd',
  'mxc://localhost/abc/extra/segments',
  'mxc://../etc/passwd',
  'mxc://localhost/abc?x=..',
] as const;

const FILE_TEXT = 'Meeting notes: media goes through authenticated endpoints.\n';

/** A real PNG drawn on a canvas: a coloured field with a white quarter. */
/** Unhandled errors anywhere on the page while the room is shown. */
const pageErrors: string[] = [];
const onError = (event: ErrorEvent): void => void pageErrors.push(event.message);
const onRejection = (event: PromiseRejectionEvent): void => void pageErrors.push(String(event.reason));

describe('media in <omni-room>', () => {
  let el: OmniRoom;

  before(async () => {
    // Every request of the run is checked below: keep them all.
    performance.setResourceTimingBufferSize(100_000);
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
    carol = await registerUser({ displayName: 'Carol' });

    // Avatars are set before joining, so the members' join events carry them.
    const avatar = await peer(bob).upload(await pngBytes(48, 48, '#d0312d'), 'image/png', 'bob.png');
    await peer(bob).setAvatarUrl(avatar);
    await peer(carol).setAvatarUrl('mxc://nowhere/missing');

    const created = await peer(bob).createRoom({ alias: `media-${crypto.randomUUID().slice(0, 8)}`, name: 'Media', preset: 'public_chat' });
    const roomId = created.roomId;
    alias = created.alias ?? '';
    await peer(carol).joinRoom(roomId);

    const picture = await pngBytes(200, 100, '#1f6feb');
    const pictureMxc = await peer(bob).upload(picture, 'image/png', 'sunset.png');
    const notes = [...new TextEncoder().encode(FILE_TEXT)];
    const notesMxc = await peer(bob).upload(notes, 'text/plain', 'notes.txt');

    await peer(bob).sendMessage(roomId, 'Bob here, with an avatar');
    await peer(bob).sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.image',
      body: 'sunset.png',
      url: pictureMxc,
      info: { mimetype: 'image/png', size: picture.length, w: 200, h: 100 },
    });
    await peer(bob).sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.file',
      body: 'notes.txt',
      url: notesMxc,
      info: { mimetype: 'text/plain', size: notes.length },
    });
    await peer(bob).sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.image',
      body: 'ghost.png',
      url: 'mxc://nowhere/missing',
      info: { mimetype: 'image/png', w: 120, h: 90 },
    });
    await peer(bob).sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.image',
      body: 'evil.png',
      url: 'https://evil.example/x.png',
      info: { mimetype: 'image/png', w: 10, h: 10 },
    });
    // Media ids that try to walk the media API's path: refused before any request.
    for (const [index, url] of ABUSIVE_MXC.entries()) {
      await peer(bob).sendEvent(roomId, 'm.room.message', {
        msgtype: 'm.image',
        body: `abuse-${String(index)}.png`,
        url,
        info: { w: 10, h: 10 },
      });
    }
    await peer(bob).sendMessage(roomId, 'Look: inline sunset', {
      formattedBody: `<p>Look: <img src="${pictureMxc}" alt="inline sunset" width="100" height="50"></p>`,
    });
    await peer(carol).sendMessage(roomId, 'Carol without a working avatar');

    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    addEventListener('error', onError);
    addEventListener('unhandledrejection', onRejection);
  });

  beforeEach(async () => {
    el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${alias}></omni-room>`);
    await waitUntil(() => articleWith(el, 'Carol without a working avatar'), 'the room never showed its messages', { timeout: 30_000 });
  });

  after(async () => {
    removeEventListener('error', onError);
    removeEventListener('unhandledrejection', onRejection);
    await signOut();
  });

  it('shows a member’s avatar as a decorative image from a blob URL', async () => {
    const first = articleWith(el, 'Bob here, with an avatar');
    await waitUntil(() => first?.querySelector('.avatar img'), 'Bob’s avatar never appeared', { timeout: 20_000 });
    const image = await decoded(first?.querySelector<HTMLImageElement>('.avatar img') as HTMLImageElement);
    expect(image.getAttribute('alt')).to.equal('');
    expect(image.src).to.match(/^blob:/);
    expect(image.naturalWidth).to.be.greaterThan(0);
    // The visible name stays beside it.
    expect(first?.querySelector('.sender')?.textContent).to.equal('Bob');
    // The avatar came from authenticated media, never from the legacy endpoint.
    const requests = (await engineResources()).map((entry) => entry.name);
    expect(requests.some((url) => url.includes('/_matrix/client/v1/media/thumbnail/'))).to.equal(true);
    expect(requests.some((url) => url.includes('/_matrix/media/v3/'))).to.equal(false);
  });

  it('shows an image with its alt text in a box of its aspect ratio, and the full size on demand', async () => {
    const article = articles(el).find((a) => a.querySelector('.media.image img[alt="sunset.png"], .media.image [aria-label="sunset.png"]'));
    if (!article) throw new Error('no image message');
    const box = article.querySelector<HTMLElement>('.media.image');
    if (!box) throw new Error('no image box');
    // The box is reserved from `info.w`/`info.h` whether or not the thumbnail has arrived.
    const reserved = box.getBoundingClientRect();
    expect(reserved.width / reserved.height).to.be.closeTo(2, 0.05);
    expect(reserved.width).to.be.at.most(320);

    await waitUntil(() => box.querySelector('img[alt="sunset.png"]'), 'the thumbnail never loaded', { timeout: 20_000 });
    const thumbnail = await decoded(box.querySelector<HTMLImageElement>('img[alt="sunset.png"]') as HTMLImageElement);
    expect(thumbnail.src).to.match(/^blob:/);
    const loaded = box.getBoundingClientRect();
    expect(loaded.width).to.be.closeTo(reserved.width, 0.5);
    expect(loaded.height).to.be.closeTo(reserved.height, 0.5);

    const open = box.querySelector<HTMLButtonElement>('button.image-open');
    if (!open) throw new Error('the image cannot be opened');
    open.click();
    await waitUntil(() => article.querySelector<HTMLDialogElement>('dialog.viewer')?.open, 'the viewer did not open', { timeout: 10_000 });
    const viewer = article.querySelector<HTMLDialogElement>('dialog.viewer') as HTMLDialogElement;
    expect(viewer.getAttribute('aria-label')).to.equal('sunset.png');
    await waitUntil(() => viewer.querySelector('img.viewer-image'), 'the full image never loaded', { timeout: 20_000 });
    const full = await decoded(viewer.querySelector<HTMLImageElement>('img.viewer-image') as HTMLImageElement);
    expect(full.alt).to.equal('sunset.png');
    expect([full.naturalWidth, full.naturalHeight]).to.deep.equal([200, 100]);
    const close = [...viewer.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Close');
    close?.click();
    await waitUntil(() => !article.querySelector('dialog.viewer'), 'the viewer did not close');
  });

  it('loads an mxc image inside a formatted message through authenticated media', async () => {
    const message = articleWith(el, 'Look:');
    message?.scrollIntoView();
    await waitUntil(() => message?.querySelector<HTMLImageElement>('img.mxc-image')?.src, 'the inline image never loaded', {
      timeout: 20_000,
    });
    const image = await decoded(message?.querySelector<HTMLImageElement>('img.mxc-image') as HTMLImageElement);
    expect(image.src).to.match(/^blob:/);
    expect(image.alt).to.equal('inline sunset');
    expect(image.naturalWidth).to.be.greaterThan(0);
  });

  it('shows a file as a download link with its name and size, fetched as a blob when used', async () => {
    const article = articles(el).find((a) => a.querySelector('a.file'));
    const link = article?.querySelector<HTMLAnchorElement>('a.file');
    if (!link) throw new Error('no file link');
    expect(link.textContent).to.include('notes.txt');
    expect(link.textContent).to.match(/\(\d+ byte\)/);
    expect(link.getAttribute('download')).to.equal('notes.txt');
    link.click();
    await waitUntil(() => link.href.startsWith('blob:'), 'the file was never fetched', { timeout: 20_000 });
    const blob = await (await fetch(link.href)).blob();
    // Served as a download, never as a page: the blob never renders in the site's origin.
    expect(blob.type).to.equal('application/octet-stream');
    expect(await blob.text()).to.equal(FILE_TEXT);
  });

  it('falls back to initials and "Media unavailable" for media the homeserver cannot give, without errors', async () => {
    await waitUntil(() => articleWith(el, 'ghost.png')?.querySelector('.media-unavailable'), 'the missing image never fell back', {
      timeout: 20_000,
    });
    expect(articleWith(el, 'ghost.png')?.querySelector('.media-unavailable')?.textContent).to.equal('Media unavailable');
    expect(root(el).querySelector('img[alt="ghost.png"]')).to.equal(null);

    const carolsMessage = articleWith(el, 'Carol without a working avatar');
    await waitUntil(
      async () => (await engineResources()).some((entry) => entry.name.includes('/media/thumbnail/nowhere/missing')),
      'Carol’s avatar was never requested',
      { timeout: 20_000 },
    );
    // The request has failed (the homeserver cannot reach "nowhere"); the initials stay.
    await quietWindow(NOTHING_MORE_WINDOW_MS);
    expect(carolsMessage?.querySelector('.avatar img')).to.equal(null);
    expect(carolsMessage?.querySelector('.avatar')?.textContent.trim()).to.equal('C');
    expect(pageErrors).to.deep.equal([]);
  });

  it('makes no request at all for mxc ids with ../, %2e%2e or extra path segments', async () => {
    for (const index of ABUSIVE_MXC.keys()) {
      const message = articleWith(el, `abuse-${String(index)}.png`);
      message?.scrollIntoView();
      await waitUntil(
        () => articleWith(el, `abuse-${String(index)}.png`)?.querySelector('.media-unavailable'),
        `abuse-${String(index)} not refused`,
        {
          timeout: 10_000,
        },
      );
    }
    await quietWindow(NOTHING_MORE_WINDOW_MS);
    const media = (await engineResources()).filter((entry) => entry.name.includes('/media/'));
    // Parts of the abusive ids with punctuation in them: a media id of letters and digits cannot hold one by chance
    // (an id holding "EtC" once matched a bare "etc").
    const abusive = media.filter((entry) => /\.\.|%2e|\/etc\/|\/extra\/|account\/whoami/i.test(entry.name));
    expect(abusive.map((entry) => entry.name)).to.deep.equal([]);
  });

  it('never requests a non-mxc URL a message points to', async () => {
    const evil = articleWith(el, 'evil.png');
    if (!evil) throw new Error('no message for the foreign URL');
    expect(evil.querySelector('.media-unavailable')?.textContent).to.equal('Media unavailable');
    expect(evil.querySelector('img')).to.equal(null);
    // Let everything else in the room settle, then look at every request the page and its engine made.
    await quietWindow(NOTHING_MORE_WINDOW_MS);
    const requested = (await engineResources()).map((entry) => entry.name);
    expect(requested.filter((url) => url.includes('evil.example'))).to.deep.equal([]);
    await expect(el).to.be.accessible();
  });
});
