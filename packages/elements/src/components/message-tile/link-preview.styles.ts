import { css } from 'lit';

/**
 * The link preview card under a message: a quiet bordered box with an accent edge, as Element, Slack and
 * Discord show one, no wider than a readable line; the thumbnail's box is fixed, so nothing moves when it arrives.
 */
export const linkPreviewStyles = css`
  .link-preview {
    --_preview-thumbnail: 4rem;
    box-sizing: border-box;
    display: flex;
    align-items: flex-start;
    gap: var(--_space-s);
    inline-size: fit-content;
    max-inline-size: min(100%, 32rem);
    margin-block: var(--_space-xs);
    padding: var(--_space-s);
    border: 1px solid var(--_color-border-subtle);
    border-inline-start: 3px solid var(--_color-accent);
    border-radius: var(--_radius-m);
    background: var(--_color-surface-2);
    color: var(--_color-text);
    font-size: var(--_font-size-s);
    line-height: 1.35;
  }

  .link-preview-thumbnail {
    flex: none;
    inline-size: var(--_preview-thumbnail);
    block-size: var(--_preview-thumbnail);
    overflow: hidden;
    border-radius: var(--_radius-s);
    background: var(--_color-surface);
  }

  .link-preview-thumbnail img {
    display: block;
    inline-size: 100%;
    block-size: 100%;
    object-fit: cover;
  }

  .link-preview-text {
    display: flex;
    flex-direction: column;
    gap: 2px;
    min-inline-size: 0;
  }

  .link-preview-title {
    font-weight: 700;
    color: var(--_color-accent);
    text-decoration: none;
    display: -webkit-box;
    -webkit-box-orient: vertical;
    -webkit-line-clamp: 2;
    overflow: hidden;
  }

  .link-preview-title:hover,
  .link-preview-title:focus-visible {
    text-decoration: underline;
  }

  .link-preview-title:focus-visible,
  .link-preview-close:focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: 1px;
  }

  .link-preview-description {
    color: var(--_color-text);
    display: -webkit-box;
    -webkit-box-orient: vertical;
    -webkit-line-clamp: 3;
    overflow: hidden;
  }

  .link-preview-host {
    color: var(--_color-text-muted);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .link-preview-close {
    flex: none;
    display: inline-grid;
    place-items: center;
    inline-size: 1.5rem;
    block-size: 1.5rem;
    margin: calc(var(--_space-xs) * -1);
    padding: 0;
    border: none;
    border-radius: var(--_radius-s);
    background: none;
    color: var(--_color-text-muted);
    cursor: pointer;
  }

  .link-preview-close:hover {
    background: var(--_color-surface);
    color: var(--_color-text);
  }

  .link-preview-close svg {
    inline-size: 0.875rem;
    block-size: 0.875rem;
  }

  .link-previews-button {
    display: inline-flex;
    align-items: center;
    gap: var(--_space-xs);
  }

  .link-previews-button svg {
    inline-size: 1em;
    block-size: 1em;
    flex: none;
  }

  .link-previews-button[aria-pressed='true'] {
    border-color: var(--_color-accent);
    background: var(--_color-accent-subtle);
  }

  /* On a phone the icon alone shows; the words stay the button's accessible name. */
  @container (max-width: 30rem) {
    .link-previews-button {
      gap: 0;
    }

    .link-previews-label {
      font-size: 0;
    }
  }
`;
