/**
 * The preview card under a message with a link: the homeserver's preview of the body's first http(s) link,
 * asked for once the tile is on screen and shown only when there is one, so a link without a preview
 * changes nothing in the timeline. The card's template (link-preview-card.ts) is loaded with the first preview.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { AsyncDirective } from 'lit/async-directive.js';
import { directive, PartType, type ChildPart, type PartInfo } from 'lit/directive.js';
import { previewableLink, type LinkPreview, type MessageItem } from '@omnisocial/core';
import { lazyModule } from '../../base/lazy-module.ts';
import type { LoadMedia } from './message-media.ts';

/** What a timeline gives tiles where link previews are on in its room. */
export interface LinkPreviewSource {
  /** The homeserver's preview of a URL (cached per URL for the session), undefined when there is none. */
  readonly load: (url: string) => Promise<LinkPreview | undefined>;
  readonly loadMedia: LoadMedia | undefined;
}

/** The box the thumbnail is asked for (twice its shown size, for dense screens). */
export const PREVIEW_THUMBNAIL = { width: 160, height: 160 } as const;

const card = lazyModule(() => import('./link-preview-card.ts'));

/** Previews known this page: a card re-created (scrolled away and back) shows at once, without a request. */
const known = new Map<string, LinkPreview | null>();
/** Thumbnails that could not be shown, so a re-created card does not keep a box for them. */
const thumbnails = new Map<string, string | null>();

/** One observer for every tile of the page: what each watched tile does once it comes on screen. */
const watched = new WeakMap<Element, () => void>();
let viewport: IntersectionObserver | undefined;

function whenOnScreen(target: Element, then: () => void): void {
  viewport ??= new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      const callback = watched.get(entry.target);
      stopWatching(entry.target);
      callback?.();
    }
  });
  watched.set(target, then);
  viewport.observe(target);
}

function stopWatching(target: Element): void {
  watched.delete(target);
  viewport?.unobserve(target);
}

/** Cards the member closed this page, by message and URL. */
const dismissed = new Set<string>();

type State = 'waiting' | 'loading' | 'none';

class LinkPreviewDirective extends AsyncDirective {
  #url: string | undefined;
  /** The body last read, and its first previewable link: tiles re-render far more often than bodies change. */
  #body: string | undefined;
  #link: string | undefined;
  #key = '';
  #source: LinkPreviewSource | undefined;
  #tab = -1;
  #state: State = 'waiting';
  #target: Element | undefined;
  #parent: Node | undefined;

  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.CHILD) throw new Error('linkPreview() only renders as element content');
  }

  render(_message: MessageItem, _source: LinkPreviewSource | undefined, _tab: number): typeof nothing {
    return nothing;
  }

  override update(part: ChildPart, [message, source, tab]: [MessageItem, LinkPreviewSource | undefined, number]): unknown {
    if (message.body !== this.#body) {
      this.#body = message.body;
      this.#link = previewableLink(message.body);
    }
    const url = source && !message.redacted && !message.undecryptable ? this.#link : undefined;
    this.#source = source;
    this.#tab = tab;
    if (url !== this.#url) {
      this.#url = url;
      this.#state = 'waiting';
      this.#stopObserving();
    }
    this.#key = `${message.eventId ?? message.key}|${url ?? ''}`;
    if (url === undefined || dismissed.has(this.#key)) {
      this.#stopObserving();
      return nothing;
    }
    const preview = known.get(url);
    if (preview !== undefined) return this.#view(preview);
    this.#parent = part.parentNode;
    if (this.#state === 'waiting') this.#observe(part.parentNode);
    return marker(this.#state);
  }

  /** Asks for the preview once the tile is on screen: the timeline renders some tiles the reader never sees. */
  #observe(parent: Node): void {
    const target = parent instanceof Element ? parent : undefined;
    if (!target || this.#target === target) return;
    this.#stopObserving();
    this.#target = target;
    whenOnScreen(target, () => {
      this.#target = undefined;
      void this.#load();
    });
  }

  #stopObserving(): void {
    if (this.#target) stopWatching(this.#target);
    this.#target = undefined;
  }

  async #load(): Promise<void> {
    const url = this.#url;
    const source = this.#source;
    if (url === undefined || !source) return;
    this.#state = 'loading';
    this.#show(marker('loading'));
    const [preview] = await Promise.all([source.load(url).catch(() => undefined), card.load().catch(() => undefined)]);
    // Without the card's module (offline) there is nothing to show, and the next page tries again.
    const shown = preview && card.now() ? preview : null;
    if (shown || card.now()) known.set(url, shown);
    if (url !== this.#url) return;
    this.#state = 'none';
    this.#show(this.#view(shown));
  }

  #show(value: unknown): void {
    if (this.isConnected) this.setValue(value);
  }

  #view(preview: LinkPreview | null): unknown {
    const module = card.now();
    if (!preview || !module) return marker('none');
    const image = preview.image;
    const thumbnail = image ? thumbnails.get(image.mxc) : undefined;
    if (image && thumbnail === undefined) this.#loadThumbnail(image.mxc);
    return module.renderLinkPreviewCard(preview, {
      tab: this.#tab,
      // A box is kept while the thumbnail loads, so the card does not change size when it arrives.
      thumbnail: image && thumbnail !== null ? (thumbnail ?? 'loading') : undefined,
      onDismiss: this.#dismiss,
      onThumbnailError: () => {
        if (image) this.#thumbnailFailed(image.mxc);
      },
    });
  }

  #loadThumbnail(mxc: string): void {
    const loadMedia = this.#source?.loadMedia;
    if (!loadMedia) {
      thumbnails.set(mxc, null);
      return;
    }
    loadMedia({ mxc, kind: 'image', thumbnail: PREVIEW_THUMBNAIL, thumbnailOnly: true }).then(
      (blobUrl) => {
        thumbnails.set(mxc, blobUrl);
        this.#refresh();
      },
      () => this.#thumbnailFailed(mxc),
    );
  }

  #thumbnailFailed(mxc: string): void {
    thumbnails.set(mxc, null);
    this.#refresh();
  }

  #refresh(): void {
    const url = this.#url;
    const preview = url === undefined ? undefined : known.get(url);
    if (preview !== undefined && !dismissed.has(this.#key)) this.#show(this.#view(preview));
  }

  readonly #dismiss = (event: Event): void => {
    dismissed.add(this.#key);
    // Focus stays in the message rather than falling out of the timeline with the removed button.
    const article = (event.currentTarget as Element | null)?.closest('article');
    this.#show(nothing);
    if (article instanceof HTMLElement) article.focus();
  };

  protected override disconnected(): void {
    this.#stopObserving();
  }

  protected override reconnected(): void {
    if (this.#state === 'waiting' && this.#parent) this.#observe(this.#parent);
    this.#refresh();
  }
}

/** Where a preview stands while no card shows (hidden: it takes no room), for tests and for styling nothing. */
function marker(state: State): TemplateResult {
  return html`<span class="link-preview-state" hidden data-link-preview=${state}></span>`;
}

/** The preview card of `message`'s first link, where `source` is given (previews on in the room). */
export const linkPreview = directive(LinkPreviewDirective);
