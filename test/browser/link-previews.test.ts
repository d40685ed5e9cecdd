/**
 * Link previews in <omni-room> against the real Synapse, previewing pages a site on loopback serves
 * (test/support/preview-site.ts): the card shows title, description, host and the homeserver's thumbnail as
 * text; markup from hostile pages shows as characters and never runs; a page that never answers ends with no
 * card within the bound; a huge or heavy picture gets no thumbnail; the browser never fetches from the site;
 * in an encrypted room nothing is asked of the homeserver until the member turns previews on; a reply in a thread
 * gets the same card in the thread panel, which the room's switch turns off there too.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import { homeserver, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';
import { articleWith, button, decoded, quietWindow, shadow, typeAndSend, waitForText } from './dom.ts';
import { engineResources, type EngineResource } from './engine-network.ts';
import { skipOnDendrite } from './homeserver.ts';

/** The client's bound on one preview (PREVIEW_TIMEOUT_MS in packages/core/src/media/link-preview.ts). */
const PREVIEW_TIMEOUT_MS = 8_000;
/** How long the page is given to make a request it must not make. */
const NOTHING_MORE_WINDOW_MS = 1_500;
/** XSS corpus entries (test/corpora/xss/h5sc.json) put in a page's title and description. */
const HOSTILE_IDS = [37, 40, 6] as const;

interface SiteInfo {
  origin: string;
  log: { path: string; userAgent: string }[];
}

const site = (): Promise<SiteInfo> => executeServerCommand<SiteInfo, undefined>('omni:preview-site');

/** Requests this page and its engine (on the main thread or in a worker) made to the homeserver's preview API for `url`. */
async function previewRequests(url: string): Promise<EngineResource[]> {
  return (await engineResources()).filter(
    (entry) => entry.name.includes('/preview_url?') && new URL(entry.name).searchParams.get('url') === url,
  );
}

/** Every request this page and its engine made to `origin`. */
async function requestsTo(origin: string): Promise<string[]> {
  return (await engineResources()).map((entry) => entry.name).filter((name) => name.startsWith(origin));
}

/** The message's card, or what its preview came to (`none`), once it is settled; the tile is brought on screen first. */
async function settledPreview(el: OmniRoom, text: string, timeout = 30_000): Promise<HTMLElement> {
  const article = await waitForText(el, text);
  article.scrollIntoView({ block: 'center' });
  await waitUntil(
    () => articleWith(el, text)?.querySelector('.link-preview, [data-link-preview="none"]'),
    `the preview of "${text}" never settled`,
    { timeout },
  );
  return articleWith(el, text)?.querySelector<HTMLElement>('.link-preview, [data-link-preview="none"]') as HTMLElement;
}

/** The open thread panel of `el`. */
const threadPanel = (el: Element): HTMLElement | null => shadow(el).querySelector<HTMLElement>('omni-thread');
/** The thread panel's message with `text`. */
const threadArticle = (el: Element, text: string): HTMLElement | undefined => {
  const panel = threadPanel(el);
  return panel
    ? [...shadow(panel).querySelectorAll<HTMLElement>('[role="log"] article')].find((a) => a.textContent.includes(text))
    : undefined;
};

/** Waits until the member's choice for the room (Element's `org.matrix.room.preview_urls`) is stored on the server. */
async function previewsStored(member: TestUser, roomId: string, enabled: boolean): Promise<void> {
  const path = `/_matrix/client/v3/user/${encodeURIComponent(member.userId)}/rooms/${encodeURIComponent(roomId)}/account_data/org.matrix.room.preview_urls`;
  // Not stored yet is a 404: not an error here, only not yet.
  const stored = async (): Promise<{ disable?: boolean }> =>
    (await peer(member)
      .request('GET', path)
      .catch(() => ({}))) as { disable?: boolean };
  await waitUntil(async () => (await stored()).disable === !enabled, `the choice to show previews: ${String(enabled)} was not stored`);
}

describe('link previews in <omni-room>', function () {
  this.timeout(180_000);
  let baseUrl: string;
  let origin: string;
  let alice: TestUser;
  let bob: TestUser;
  let roomId: string;
  let alias: string;
  let el: OmniRoom;
  const tag = crypto.randomUUID().slice(0, 8);
  const article = (): string => `${origin}/article?${tag}`;
  const inThread = (): string => `${origin}/article?thread-${tag}`;

  before(async function () {
    await skipOnDendrite(this, 'linkPreviews');
    performance.setResourceTimingBufferSize(100_000);
    ({ baseUrl } = await homeserver());
    ({ origin } = await site());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
    const created = await peer(bob).createRoom({ alias: `previews-${tag}`, name: 'Previews', preset: 'public_chat' });
    roomId = created.roomId;
    alias = created.alias ?? '';
    const root = await peer(bob).sendMessage(roomId, 'Where do we swim on Sunday?');
    await peer(bob).sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text',
      body: `In the thread, the tides: ${inThread()}`,
      'm.relates_to': { rel_type: 'm.thread', event_id: root, is_falling_back: true, 'm.in_reply_to': { event_id: root } },
    });
    await peer(bob).sendMessage(roomId, `Tides this week: ${article()} — worth a read`);
    await peer(bob).sendMessage(roomId, `Again, the same page ${article()}`);
    for (const id of HOSTILE_IDS) await peer(bob).sendMessage(roomId, `hostile ${String(id)}: ${origin}/hostile/${String(id)}?${tag}`);
    await peer(bob).sendMessage(roomId, `huge picture ${origin}/huge?${tag}`);
    await peer(bob).sendMessage(roomId, `heavy picture ${origin}/heavy?${tag}`);
    await peer(bob).sendMessage(roomId, `nothing to preview ${origin}/plain?${tag}`);
    await peer(bob).sendMessage(roomId, `slow page ${origin}/slow?${tag}`);
    // The homeserver fetches each page once and keeps its preview: asked here first (not by this page), a loaded
    // machine's slow first fetch does not run into the client's bound, which the slow page tests on its own.
    const pagesToWarm = [
      article(),
      inThread(),
      `${origin}/article?secret-${tag}`,
      `${origin}/huge?${tag}`,
      `${origin}/heavy?${tag}`,
      `${origin}/plain?${tag}`,
    ];
    for (const id of HOSTILE_IDS) pagesToWarm.push(`${origin}/hostile/${String(id)}?${tag}`);
    await Promise.all(
      pagesToWarm.map((url) =>
        peer(bob)
          .request('GET', `/_matrix/client/v1/media/preview_url?${new URLSearchParams({ url }).toString()}`)
          .catch(() => undefined),
      ),
    );
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
  });

  beforeEach(async () => {
    el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${alias} style="block-size: 900px"></omni-room>`);
    await waitForText(el, 'slow page');
  });

  after(async () => {
    await signOut();
  });

  it('shows title, description, site and host as text, and the homeserver’s thumbnail; the browser never fetches from the site', async () => {
    const card = await settledPreview(el, 'Tides this week');
    expect(card.matches('.link-preview'), 'no card for a page with Open Graph data').to.equal(true);
    const title = card.querySelector<HTMLAnchorElement>('[part="link-preview-title"]');
    expect(title?.textContent.trim()).to.equal('Tide tables for the summer');
    expect(title?.href).to.equal(article());
    expect(title?.rel).to.equal('noopener noreferrer');
    expect(card.querySelector('[part="link-preview-description"]')?.textContent).to.match(/^When the sea comes in/);
    expect(card.querySelector('[part="link-preview-host"]')?.textContent.trim()).to.equal('Coastal Weekly · 127.0.0.1');
    await waitUntil(() => card.querySelector('[part="link-preview-thumbnail"] img'), 'the thumbnail never arrived', { timeout: 20_000 });
    const image = await decoded(card.querySelector<HTMLImageElement>('[part="link-preview-thumbnail"] img') as HTMLImageElement);
    expect(image.src).to.match(/^blob:/);
    // One of the homeserver's thumbnails (Synapse's nearest is 320 × 240, scaled), not the page's 640 × 360 picture.
    expect(image.naturalWidth).to.be.at.most(320);
    expect(card.textContent).to.not.include('undefined');
    expect(await requestsTo(origin), 'the browser fetched from the previewed site').to.deep.equal([]);
    const { log } = await site();
    expect(log.filter((entry) => entry.path.startsWith('/article')).every((entry) => entry.userAgent.includes('Synapse'))).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('asks the homeserver once for a URL that several messages carry', async () => {
    await settledPreview(el, 'Tides this week');
    const again = await settledPreview(el, 'Again, the same page');
    expect(again.matches('.link-preview')).to.equal(true);
    expect(await previewRequests(article())).to.have.length(1);
  });

  it('shows markup from a hostile page as text, and nothing in it runs', async () => {
    const corpus = (await (await fetch(new URL('../corpora/xss/h5sc.json', import.meta.url))).json()) as { id: number; payload: string }[];
    for (const id of HOSTILE_IDS) {
      const card = await settledPreview(el, `hostile ${String(id)}:`);
      expect(card.matches('.link-preview'), `no card for hostile page ${String(id)}`).to.equal(true);
      const payload = (corpus.find((entry) => entry.id === id)?.payload ?? '').replace(/\s+/gu, ' ').trim();
      const title = card.querySelector('[part="link-preview-title"]');
      expect(title?.textContent.trim()).to.equal(payload.length > 200 ? title?.textContent.trim() : payload);
      expect(title?.children.length, `markup parsed in the title of ${String(id)}`).to.equal(0);
      const description = card.querySelector('[part="link-preview-description"]');
      expect(description?.textContent).to.include('<img src=x onerror="window.omniPwned=1">');
      expect(description?.children.length).to.equal(0);
      // The only elements of a card are its own: no image, script, style or frame from the page.
      expect(
        card.querySelectorAll('script, style, iframe, object, embed, svg image, img:not([part="link-preview-thumbnail"] img)'),
      ).to.have.length(0);
    }
    await quietWindow(NOTHING_MORE_WINDOW_MS);
    expect((window as unknown as { omniPwned?: unknown }).omniPwned).to.equal(undefined);
  });

  it('shows no card for a page with nothing to preview', async () => {
    const settled = await settledPreview(el, 'nothing to preview');
    expect(settled.matches('[data-link-preview="none"]')).to.equal(true);
    expect(settled.hidden).to.equal(true);
  });

  it('gives a huge or heavy picture no thumbnail: the card keeps its text', async () => {
    const huge = await settledPreview(el, 'huge picture');
    expect(huge.querySelector('[part="link-preview-title"]')?.textContent.trim()).to.equal('A very large picture');
    // The homeserver cannot thumbnail 400 megapixels: the box kept for it goes, no original is downloaded.
    await waitUntil(() => !huge.querySelector('[part="link-preview-thumbnail"]'), 'the huge picture kept its thumbnail box', {
      timeout: 20_000,
    });
    const heavy = await settledPreview(el, 'heavy picture');
    expect(heavy.querySelector('[part="link-preview-title"]')?.textContent.trim()).to.equal('A very heavy picture');
    expect(heavy.querySelector('[part="link-preview-thumbnail"]'), 'a 12 MB picture was kept').to.equal(null);
    const downloads = (await engineResources()).filter((entry) => entry.name.includes('/media/download/')).map((entry) => entry.name);
    expect(downloads, 'an original picture was downloaded for a preview').to.deep.equal([]);
  });

  it('gives up on a page that never answers within the bound, with no card and no spinner', async () => {
    const started = performance.now();
    const settled = await settledPreview(el, 'slow page', PREVIEW_TIMEOUT_MS + 10_000);
    const took = performance.now() - started;
    expect(settled.matches('[data-link-preview="none"]'), 'a card for a page that never answered').to.equal(true);
    expect(took).to.be.at.most(PREVIEW_TIMEOUT_MS + 5_000);
    expect(articleWith(el, 'slow page')?.querySelector('[role="progressbar"], .link-preview')).to.equal(null);
  });

  it('lets the member hide a card; focus stays on the message', async () => {
    const card = await settledPreview(el, 'Tides this week');
    const close = card.querySelector<HTMLButtonElement>('[part="link-preview-close"]');
    expect(close?.getAttribute('aria-label')).to.equal('Hide link preview');
    close?.click();
    const tile = articleWith(el, 'Tides this week');
    await waitUntil(() => !tile?.querySelector('.link-preview'), 'the card stayed after Hide');
    expect(shadow(el).activeElement).to.equal(tile);
  });

  it('turns previews off and on again with the header switch, kept in room account data', async () => {
    await settledPreview(el, 'Again, the same page');
    const toggle = (): HTMLButtonElement | undefined => button(shadow(el), 'Link previews');
    await waitUntil(() => toggle(), 'no Link previews switch');
    expect(toggle()?.getAttribute('aria-pressed')).to.equal('true');
    toggle()?.click();
    await waitUntil(() => toggle()?.getAttribute('aria-pressed') === 'false', 'the switch did not turn off');
    await waitUntil(() => !shadow(el).querySelector('.link-preview'), 'cards stayed with previews off');
    await previewsStored(alice, roomId, false);
    toggle()?.click();
    await waitUntil(() => toggle()?.getAttribute('aria-pressed') === 'true', 'the switch did not turn on');
    const card = await settledPreview(el, 'Again, the same page');
    expect(card.matches('.link-preview')).to.equal(true);
    await previewsStored(alice, roomId, true);
  });

  it('shows the card under a reply in the thread panel, hides it there with Hide, and turns it off there with the switch', async () => {
    await setViewport({ width: 1280, height: 900 });
    const rootTile = await waitForText(el, 'Where do we swim on Sunday?');
    rootTile.scrollIntoView({ block: 'center' });
    const summary = (): HTMLButtonElement | null | undefined =>
      articleWith(el, 'Where do we swim')?.querySelector<HTMLButtonElement>('.thread-summary');
    await waitUntil(() => summary()?.textContent.includes('1 reply'), 'no summary under the root', { timeout: 20_000 });
    expect(articleWith(el, 'In the thread, the tides'), 'the reply shows in the main log').to.equal(undefined);
    summary()?.click();
    await waitUntil(() => threadArticle(el, 'In the thread, the tides'), 'the thread panel never showed the reply', { timeout: 30_000 });
    await waitUntil(() => threadArticle(el, 'In the thread, the tides')?.querySelector('.link-preview'), 'no card in the thread panel', {
      timeout: 30_000,
    });
    const card = threadArticle(el, 'In the thread, the tides')?.querySelector<HTMLElement>('.link-preview') as HTMLElement;
    const title = card.querySelector<HTMLAnchorElement>('[part="link-preview-title"]');
    expect(title?.textContent.trim()).to.equal('Tide tables for the summer');
    expect(title?.href).to.equal(inThread());
    expect(card.querySelector('[part="link-preview-host"]')?.textContent.trim()).to.equal('Coastal Weekly · 127.0.0.1');
    // Once at most: in one full run the card showed with no request of its own on record (answered from an earlier one).
    expect((await previewRequests(inThread())).length, 'the thread panel asked more than once').to.be.at.most(1);
    expect(await requestsTo(origin), 'the browser fetched from the previewed site').to.deep.equal([]);
    await expect(el).to.be.accessible();

    // Hide, in the thread as in the timeline: the card goes and focus stays on the reply.
    card.querySelector<HTMLButtonElement>('[part="link-preview-close"]')?.click();
    const reply = threadArticle(el, 'In the thread, the tides');
    await waitUntil(() => !reply?.querySelector('.link-preview'), 'the card stayed in the thread after Hide');
    expect(reply && threadPanel(el) ? shadow(threadPanel(el) as HTMLElement).activeElement : null).to.equal(reply);

    // The room's switch turns previews off in the open thread too: a card that was not hidden goes with it.
    const other = await peer(bob).sendMessage(roomId, 'Another question');
    await peer(bob).sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text',
      body: `Same tides again: ${inThread()}`,
      'm.relates_to': { rel_type: 'm.thread', event_id: other, is_falling_back: true, 'm.in_reply_to': { event_id: other } },
    });
    const otherSummary = (): HTMLButtonElement | null | undefined =>
      articleWith(el, 'Another question')?.querySelector<HTMLButtonElement>('.thread-summary');
    await waitUntil(() => otherSummary(), 'no summary under the second root', { timeout: 20_000 });
    otherSummary()?.click();
    await waitUntil(() => threadArticle(el, 'Same tides again')?.querySelector('.link-preview'), 'no card in the second thread', {
      timeout: 30_000,
    });
    const toggle = (): HTMLButtonElement | undefined => button(shadow(el), 'Link previews');
    expect(toggle()?.getAttribute('aria-pressed')).to.equal('true');
    toggle()?.click();
    await waitUntil(() => toggle()?.getAttribute('aria-pressed') === 'false', 'the switch did not turn off');
    await waitUntil(
      () => !threadArticle(el, 'Same tides again')?.querySelector('.link-preview'),
      'the card stayed in the thread with previews off',
    );
    expect(threadArticle(el, 'Same tides again'), 'the reply itself went').to.not.equal(undefined);
    toggle()?.click();
    await waitUntil(() => toggle()?.getAttribute('aria-pressed') === 'true', 'the switch did not turn on again');
    await waitUntil(
      () => threadArticle(el, 'Same tides again')?.querySelector('.link-preview'),
      'the card did not come back in the thread',
    );
    await previewsStored(alice, roomId, true);
  });

  it('asks nothing in an encrypted room until the member turns previews on', async () => {
    const secret = await peer(bob).createRoom({ name: 'Secret', preset: 'public_chat', encrypted: true });
    const room = await fixture<OmniRoom>(
      html`<omni-room homeserver=${baseUrl} room=${secret.roomId} style="block-size: 700px"></omni-room>`,
    );
    const url = `${origin}/article?secret-${tag}`;
    await typeAndSend(room, `Private plans: ${url}`, 60_000);
    const tile = await waitForText(room, 'Private plans');
    await waitUntil(() => articleWith(room, 'Private plans')?.querySelector('time.status.sent'), 'the message was not sent', {
      timeout: 30_000,
    });
    tile.scrollIntoView({ block: 'center' });
    await quietWindow(NOTHING_MORE_WINDOW_MS);
    expect(await previewRequests(url), 'a preview asked in an encrypted room with previews off').to.have.length(0);
    expect(articleWith(room, 'Private plans')?.querySelector('.link-preview')).to.equal(null);
    const toggle = (): HTMLButtonElement | undefined => button(shadow(room), 'Link previews');
    expect(toggle()?.getAttribute('aria-pressed')).to.equal('false');
    expect(toggle()?.title).to.include('encrypted');
    toggle()?.click();
    const card = await settledPreview(room, 'Private plans');
    expect(card.matches('.link-preview')).to.equal(true);
    // The browser adds a request's timing entry in a task of its own, which on a loaded machine can come after the card.
    await waitUntil(async () => (await previewRequests(url)).length > 0, 'no preview request once previews were turned on');
    expect(await previewRequests(url)).to.have.length(1);
    const path = `/_matrix/client/v3/user/${encodeURIComponent(alice.userId)}/rooms/${encodeURIComponent(secret.roomId)}/account_data/im.vector.web.settings`;
    await waitUntil(
      async () =>
        (
          (await peer(alice)
            .request('GET', path)
            .catch(() => ({}))) as { urlPreviewsEnabled_e2ee?: boolean }
        ).urlPreviewsEnabled_e2ee === true,
      'the choice was not stored',
    );
  });
});
