/**
 * The preview card's template, loaded with the first preview a page shows: title (a link to the page),
 * description, site and host, a thumbnail from the homeserver, and a button that hides the card. Every
 * text is bound as text: whatever markup a page puts in its Open Graph tags shows as characters.
 */
import { msg } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import type { LinkPreview } from '@omnisocial/core';

export interface LinkPreviewCardOptions {
  /** The tile's roving tabindex, for the card's link and button. */
  readonly tab: number;
  /** A blob URL of the homeserver's thumbnail, `loading` while it comes, undefined for none. */
  readonly thumbnail: string | undefined;
  readonly onDismiss: (event: Event) => void;
  readonly onThumbnailError: () => void;
}

const CLOSE = html`<svg viewBox="0 0 16 16" aria-hidden="true">
  <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" fill="none" />
</svg>`;

export function renderLinkPreviewCard(preview: LinkPreview, options: LinkPreviewCardOptions): TemplateResult {
  const { tab, thumbnail } = options;
  const site = preview.siteName && preview.siteName !== preview.host ? `${preview.siteName} · ${preview.host}` : preview.host;
  return html`<div class="link-preview" part="link-preview" data-link-preview="shown">
    ${
      thumbnail === undefined
        ? nothing
        : html`<span class="link-preview-thumbnail" part="link-preview-thumbnail"
            >${
              thumbnail === 'loading'
                ? nothing
                : html`<img alt="" src=${thumbnail} decoding="async" referrerpolicy="no-referrer" @error=${options.onThumbnailError} />`
            }</span
          >`
    }
    <div class="link-preview-text" dir="auto">
      <a
        class="link-preview-title"
        part="link-preview-title"
        href=${preview.url}
        target="_blank"
        rel="noopener noreferrer"
        referrerpolicy="no-referrer"
        tabindex=${tab}
        >${preview.title ?? preview.host}</a
      >
      ${
        preview.description
          ? html`<span class="link-preview-description" part="link-preview-description">${preview.description}</span>`
          : nothing
      }
      <span class="link-preview-host" part="link-preview-host" title=${site}>${site}</span>
    </div>
    <button
      type="button"
      class="link-preview-close"
      part="link-preview-close"
      tabindex=${tab}
      aria-label=${msg('Hide link preview')}
      title=${msg('Hide link preview')}
      @click=${options.onDismiss}
    >
      ${CLOSE}
    </button>
  </div>`;
}
