import { msg } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import { AsyncDirective, directive } from 'lit/async-directive.js';
import { ref } from 'lit/directives/ref.js';
import { blurhashPicture, type MediaInfo, type MediaRequest, type MemberInfo, type MessageItem } from '@omnisocial/core';
import { styleProperties } from '../../base/style-properties.ts';
import { humanSize, MEDIA_BOX, mediaBox } from './media-size.ts';
import { renderPlayButton } from './media-play.ts';
import { showsStill, stillFrame } from './media-still.ts';
import { renderSending } from './message-sending.ts';

export { humanSize, MEDIA_BOX, mediaBox } from './media-size.ts';

/** Fetches media through the session's authenticated media loader; resolves to a blob URL. */
export type LoadMedia = (request: MediaRequest) => Promise<string>;

const THUMBNAIL_SIZE = { width: MEDIA_BOX.width * 2, height: MEDIA_BOX.height * 2 } as const;
const AVATAR_SIZE = { width: 96, height: 96 } as const;

function requestKey(request: MediaRequest): string {
  const size = request.thumbnail ? `${request.thumbnail.width}x${request.thumbnail.height}` : '';
  return `${request.kind}|${request.mxc}|${size}|${request.encryption?.hashes.sha256 ?? ''}`;
}

/** What a message's picture is shown from: a server thumbnail, or for encrypted media the sender's thumbnail or the file. */
function previewRequest(media: MediaInfo): MediaRequest {
  if (!media.encryption) return { mxc: media.mxc, kind: 'image', thumbnail: THUMBNAIL_SIZE };
  const thumbnail = media.thumbnail;
  if (thumbnail?.encryption) {
    return {
      mxc: thumbnail.mxc,
      kind: 'image',
      encryption: thumbnail.encryption,
      ...(thumbnail.mimetype ? { mimetype: thumbnail.mimetype } : {}),
    };
  }
  return originalRequest(media, 'image');
}

function originalRequest(media: MediaInfo, kind: MediaRequest['kind']): MediaRequest {
  return {
    mxc: media.mxc,
    kind,
    ...(media.encryption ? { encryption: media.encryption } : {}),
    ...(media.mimetype ? { mimetype: media.mimetype } : {}),
  };
}

type LoadStatus = 'idle' | 'loading' | 'ready' | 'failed';

/** One media load as a directive follows it; `changed` runs when it settles. */
class MediaSlot {
  status: LoadStatus = 'idle';
  url: string | undefined;
  #key: string | undefined;
  readonly #changed: () => void;

  constructor(changed: () => void) {
    this.#changed = changed;
  }

  /** Starts loading, unless this very request is already loading or loaded. */
  load(loader: LoadMedia | undefined, request: MediaRequest): void {
    const key = requestKey(request);
    if (key === this.#key && this.status !== 'idle') return;
    this.#key = key;
    this.url = undefined;
    if (!loader) {
      this.status = 'failed';
      return;
    }
    this.status = 'loading';
    loader(request).then(
      (url) => this.#settle(key, 'ready', url),
      () => this.#settle(key, 'failed', undefined),
    );
  }

  reset(): void {
    this.#key = undefined;
    this.status = 'idle';
    this.url = undefined;
  }

  /** The blob loaded but does not decode (e.g. a corrupt image): fall back as for any failure. */
  fail(): void {
    this.status = 'failed';
    this.url = undefined;
    this.#changed();
  }

  #settle(key: string, status: LoadStatus, url: string | undefined): void {
    if (key !== this.#key) return;
    this.status = status;
    this.url = url;
    this.#changed();
  }
}

/** A directive whose view is recomputed when a load settles; reconnecting shows what arrived meanwhile. */
abstract class MediaDirective extends AsyncDirective {
  protected abstract view(): unknown;

  protected refresh = (): void => {
    if (this.isConnected) this.setValue(this.view());
  };

  protected override reconnected(): void {
    this.setValue(this.view());
  }
}

class AvatarDirective extends MediaDirective {
  readonly #slot = new MediaSlot(this.refresh);
  #fallback = '';

  render(member: MemberInfo, loader: LoadMedia | undefined, fallback: string): unknown {
    this.#fallback = fallback;
    if (member.avatarMxc && loader) this.#slot.load(loader, { mxc: member.avatarMxc, kind: 'image', thumbnail: AVATAR_SIZE });
    else this.#slot.reset();
    return this.view();
  }

  protected view(): unknown {
    const url = this.#slot.url;
    // Decorative: the visible name beside it says who it is.
    if (this.#slot.status === 'ready' && url) {
      return html`<img class="avatar-image" part="avatar-image" alt="" src=${url} decoding="async" @error=${() => this.#slot.fail()} />`;
    }
    return this.#fallback;
  }
}

/** A member's avatar through authenticated media, or `fallback` (their initials) while loading and on failure. */
export const avatar = directive(AvatarDirective);

const showModal = (element: Element | undefined): void => {
  if (!(element instanceof HTMLDialogElement)) return;
  // The template is inserted after refs run; open it once it is in the document.
  queueMicrotask(() => {
    if (element.isConnected && !element.open) element.showModal();
  });
};

/** Keys pressed in the viewer belong to it, not to the timeline's message navigation. */
const keepKeys = (event: KeyboardEvent): void => event.stopPropagation();

class ImageDirective extends MediaDirective {
  readonly #preview = new MediaSlot(this.refresh);
  readonly #full = new MediaSlot(this.refresh);
  #media: MediaInfo | undefined;
  #alt = '';
  #tab = -1;
  #loader: LoadMedia | undefined;
  #viewerOpen = false;
  #trigger: HTMLElement | undefined;
  #still: { readonly of: string; readonly url?: string } | undefined;
  #blur: { readonly hash: string; readonly url?: string } | undefined;

  render(media: MediaInfo, alt: string, loader: LoadMedia | undefined, tab: number): unknown {
    if (media !== this.#media) this.#full.reset();
    this.#media = media;
    this.#alt = alt;
    this.#tab = tab;
    this.#loader = loader;
    this.#preview.load(loader, previewRequest(media));
    return this.view();
  }

  #open(event: Event): void {
    const media = this.#media;
    if (!media) return;
    this.#trigger = event.currentTarget instanceof HTMLElement ? event.currentTarget : undefined;
    this.#viewerOpen = true;
    this.#full.load(this.#loader, originalRequest(media, 'image'));
    this.refresh();
  }

  #close(): void {
    if (!this.#viewerOpen) return;
    this.#viewerOpen = false;
    this.refresh();
    this.#trigger?.focus();
  }

  protected view(): unknown {
    const media = this.#media;
    if (!media) return nothing;
    const preview = this.#preview;
    const box = mediaBox(media.width && media.height ? media : (media.thumbnail ?? media));
    // The box has its final size before anything loads, so the timeline does not shift.
    const frame = styleProperties({ 'inline-size': `${box.width}px`, 'aspect-ratio': `${box.width} / ${box.height}` });
    const blur = this.#blurOf(media);
    const blurred = blur ? html`<img class="blur" alt="" src=${blur} />` : nothing;
    if (preview.status === 'failed') {
      // Where the picture's size is known its box stays, blurred when a blurhash came with it, with the reason in it.
      if (!media.width || !media.height) {
        return html`<div class="body plain" dir="auto">${this.#alt}</div>
          <p class="media-unavailable" part="media-unavailable">${msg('Media unavailable')}</p>`;
      }
      return html`<div class="body plain" dir="auto">${this.#alt}</div>
        <div class="media image unavailable" part="media-image" style=${frame}>
          ${blurred}
          <p class="media-unavailable" part="media-unavailable">${msg('Media unavailable')}</p>
        </div>`;
    }
    const still = showsStill(media.mimetype);
    const picture = preview.url && still ? this.#stillOf(preview.url) : preview.url;
    return html`<div class="media image" part="media-image" style=${frame}>
        ${
          preview.status === 'ready' && picture
            ? html`<button
                type="button"
                class="image-open"
                tabindex=${this.#tab}
                title=${still ? msg('Open to play the animation') : msg('Open full size')}
                @click=${(e: Event) => this.#open(e)}
              >
                ${still ? html`<span class="still-badge" aria-hidden="true">${msg('Paused')}</span>` : nothing}
                <img
                  alt=${this.#alt}
                  src=${picture}
                  width=${box.width}
                  height=${box.height}
                  decoding="async"
                  @error=${() => preview.fail()}
                />
              </button>`
            : html`<span class="media-loading" role="img" aria-label=${this.#alt}>${blurred}</span>`
        }
      </div>
      ${this.#viewerOpen ? this.#viewer() : nothing}`;
  }

  /** The picture's blurhash as a picture of its own, once drawn (undefined without one). */
  #blurOf(media: MediaInfo): string | undefined {
    const hash = media.blurhash;
    if (!hash) return undefined;
    if (this.#blur?.hash !== hash) {
      this.#blur = { hash };
      void blurhashPicture(hash, media.width, media.height).then((url) => {
        if (this.#blur?.hash !== hash || !url) return;
        this.#blur = { hash, url };
        this.refresh();
      });
    }
    return this.#blur.url;
  }

  /** The first frame of a picture that may move, for members who asked for less motion; undefined until drawn. */
  #stillOf(url: string): string | undefined {
    if (this.#still?.of !== url) {
      const of = url;
      this.#still = { of };
      const settle = (still: string): void => {
        if (this.#still?.of !== of) return;
        this.#still = { of, url: still };
        this.refresh();
      };
      // A picture the browser decoded but cannot draw is shown as it is rather than not at all.
      stillFrame(url).then(settle, () => settle(url));
    }
    return this.#still.url;
  }

  #viewer(): TemplateResult {
    const full = this.#full;
    return html`<dialog
      class="viewer"
      part="media-viewer"
      aria-label=${this.#alt}
      ${ref(showModal)}
      @close=${() => this.#close()}
      @keydown=${keepKeys}
    >
      ${
        full.status === 'ready' && full.url
          ? html`<img class="viewer-image" alt=${this.#alt} src=${full.url} @error=${() => full.fail()} />`
          : full.status === 'failed'
            ? html`<p class="media-unavailable">${msg('Media unavailable')}</p>`
            : html`<p role="status">${msg('Loading…')}</p>`
      }
      <button type="button" class="viewer-close" @click=${() => this.#close()}>${msg('Close')}</button>
    </dialog>`;
  }
}

/** An image message: a thumbnail in a box of the image's aspect ratio; activating it shows the full image in a dialog. */
export const image = directive(ImageDirective);

class AttachmentDirective extends MediaDirective {
  readonly #slot = new MediaSlot(this.refresh);
  readonly #poster = new MediaSlot(this.refresh);
  #media: MediaInfo | undefined;
  #kind: 'file' | 'audio' | 'video' = 'file';
  #tab = -1;
  #loader: LoadMedia | undefined;
  /** The member asked to download: save the file as soon as it is loaded. */
  #saveWhenReady = false;
  #link: HTMLAnchorElement | undefined;

  render(media: MediaInfo, kind: 'file' | 'audio' | 'video', loader: LoadMedia | undefined, tab: number): unknown {
    if (media !== this.#media || kind !== this.#kind) {
      this.#slot.reset();
      this.#poster.reset();
    }
    this.#media = media;
    this.#kind = kind;
    this.#tab = tab;
    this.#loader = loader;
    return this.view();
  }

  #request(): MediaRequest | undefined {
    return this.#media ? originalRequest(this.#media, this.#kind) : undefined;
  }

  #download(event: Event): void {
    if (this.#slot.status === 'ready') return; // the link has its blob URL: the browser saves it
    event.preventDefault();
    const request = this.#request();
    if (!request || this.#slot.status === 'loading') return;
    this.#saveWhenReady = true;
    this.#slot.load(this.#loader, request);
    this.refresh();
  }

  #play(): void {
    const request = this.#request();
    if (request) this.#slot.load(this.#loader, request);
    this.refresh();
  }

  readonly #linkRef = (element: Element | undefined): void => {
    this.#link = element instanceof HTMLAnchorElement ? element : undefined;
    if (this.#link && this.#saveWhenReady && this.#slot.status === 'ready') {
      this.#saveWhenReady = false;
      const link = this.#link;
      queueMicrotask(() => link.click());
    }
  };

  protected view(): unknown {
    const media = this.#media;
    if (!media) return nothing;
    const slot = this.#slot;
    const size = media.size !== undefined ? humanSize(media.size) : undefined;
    if (this.#kind === 'file') {
      return html`<a
          class="file"
          part="media-file"
          href=${slot.url ?? '#'}
          rel="noopener noreferrer"
          download=${media.name}
          tabindex=${this.#tab}
          ${ref(this.#linkRef)}
          @click=${(e: Event) => this.#download(e)}
          ><span class="file-name">${media.name}</span>${size ? html` <span class="file-size">(${size})</span>` : nothing}</a
        >${
          slot.status === 'loading'
            ? html`<span class="media-status" role="status">${msg('Downloading…')}</span>`
            : slot.status === 'failed'
              ? html`<p class="media-unavailable" part="media-unavailable">${msg('Media unavailable')}</p>`
              : nothing
        }`;
    }
    if (slot.status === 'ready' && slot.url) {
      if (this.#kind === 'audio')
        return html`<audio class="media audio" part="media-audio" controls autoplay src=${slot.url} aria-label=${media.name}></audio>`;
      const box = mediaBox(media);
      return html`<video
        class="media video"
        part="media-video"
        controls
        autoplay
        playsinline
        src=${slot.url}
        aria-label=${media.name}
        style=${styleProperties({ 'inline-size': `${box.width}px`, 'aspect-ratio': `${box.width} / ${box.height}` })}
      ></video>`;
    }
    if (slot.status === 'failed') return html`<p class="media-unavailable" part="media-unavailable">${msg('Media unavailable')}</p>`;
    const poster = this.#kind === 'video' ? this.#posterUrl(media) : undefined;
    return renderPlayButton({
      media,
      kind: this.#kind,
      size,
      loading: slot.status === 'loading',
      tab: this.#tab,
      poster,
      play: () => this.#play(),
    });
  }

  /** A video's poster: the sender's thumbnail (a small image, not the video's bytes), when there is one. */
  #posterUrl(media: MediaInfo): string | undefined {
    const thumbnail = media.thumbnail;
    if (!thumbnail) return undefined;
    this.#poster.load(this.#loader, {
      mxc: thumbnail.mxc,
      kind: 'image',
      ...(thumbnail.encryption ? { encryption: thumbnail.encryption } : {}),
      ...(thumbnail.mimetype ? { mimetype: thumbnail.mimetype } : {}),
    });
    return this.#poster.status === 'ready' ? this.#poster.url : undefined;
  }
}

/** A file as a download link (name and size), audio and video as native players loaded when the member asks. */
export const attachment = directive(AttachmentDirective);

/** The caption of a media message: its body when a separate `filename` names the file (Matrix 1.10 captions). */
function caption(message: MessageItem, media: MediaInfo): string | undefined {
  return message.body !== '' && message.body !== media.name ? message.body : undefined;
}

/** The content of an `m.image`/`m.file`/`m.audio`/`m.video` message. */
export function renderMedia(message: MessageItem, loader: LoadMedia | undefined, tab: number): TemplateResult {
  const media = message.media;
  if (!media) {
    // No usable attachment (e.g. a `url` that is not mxc://): say so, and never fetch it.
    return html`<div class="body plain ${message.msgtype}" dir="auto">${message.body}</div>
      <p class="media-unavailable" part="media-unavailable">${msg('Media unavailable')}</p>`;
  }
  const text = caption(message, media);
  const content = !media.mxc
    ? renderSending(message, media)
    : message.msgtype === 'image'
      ? image(media, message.body || media.name || msg('Image'), loader, tab)
      : attachment(media, message.msgtype === 'audio' || message.msgtype === 'video' ? message.msgtype : 'file', loader, tab);
  return html`${content}${text ? html`<div class="body plain caption" dir="auto">${text}</div>` : nothing}`;
}
