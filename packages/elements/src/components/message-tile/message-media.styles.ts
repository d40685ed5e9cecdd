import { css } from 'lit';

/** Avatar pictures and attachments: images, videos, audio, files, and the image viewer. */
export const messageMediaStyles = css`
  .avatar {
    overflow: hidden;
  }

  .avatar-image {
    inline-size: 100%;
    block-size: 100%;
    object-fit: cover;
  }

  /* Media: boxes sized from the event's width and height, so nothing moves when the picture arrives. */
  .media {
    display: block;
    max-inline-size: 100%;
    block-size: auto;
    border-radius: var(--_radius-m);
  }

  /* A file on its way: the member's own picture, its name, and how much of it is uploaded. */
  .media.sending {
    display: flex;
    flex-direction: column;
    gap: var(--_space-xs);
    max-inline-size: 320px;
  }

  .sending-preview {
    display: block;
    max-inline-size: 100%;
    max-block-size: 240px;
    object-fit: contain;
    border-radius: var(--_radius-m);
    opacity: 0.8;
  }

  .upload-progress {
    inline-size: 100%;
    block-size: 0.5em;
    accent-color: var(--_color-accent);
  }

  .media.image {
    position: relative;
    overflow: hidden;
    background: var(--_color-surface);
  }

  .image-open {
    position: relative;
    display: block;
    inline-size: 100%;
    block-size: 100%;
    padding: 0;
    border: 0;
    background: none;
    cursor: zoom-in;
  }

  .image-open img {
    display: block;
    inline-size: 100%;
    block-size: 100%;
    object-fit: contain;
  }

  .media-loading {
    display: block;
    inline-size: 100%;
    block-size: 100%;
    background: var(--_color-surface-2);
  }

  .media-loading .blur,
  .media.unavailable .blur {
    display: block;
    inline-size: 100%;
    block-size: 100%;
  }

  .media.unavailable {
    position: relative;
    background: var(--_color-surface-2);
  }

  .media.unavailable .media-unavailable {
    position: absolute;
    inset-inline: 0;
    inset-block-end: 0;
    margin: 0;
    padding: var(--_space-xs) var(--_space-s);
    background: var(--_color-surface);
    color: var(--_color-text);
  }

  .media.audio {
    inline-size: min(20rem, 100%);
  }

  .file {
    color: var(--_color-accent);
    text-decoration: underline;
  }

  .file-size,
  .media-status,
  .media-unavailable {
    color: var(--_color-text-muted);
    font-size: var(--_font-size-s);
  }

  .media-status {
    margin-inline-start: var(--_space-s);
  }

  .media-unavailable {
    margin: var(--_space-xs) 0 0;
    font-style: italic;
  }

  .media-play {
    font: inherit;
    padding: var(--_space-s) var(--_space-m);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-m);
    background: var(--_color-surface);
    color: var(--_color-text);
    cursor: pointer;
  }

  .media-play.video-poster {
    position: relative;
    display: grid;
    place-items: center;
    max-inline-size: 100%;
    padding: 0;
    overflow: hidden;
    background: var(--_color-surface-2);
  }

  .video-poster .poster {
    position: absolute;
    inset: 0;
    inline-size: 100%;
    block-size: 100%;
    object-fit: cover;
  }

  .video-poster .play-icon {
    position: relative;
    inline-size: 3rem;
    block-size: 3rem;
  }

  .video-poster .play-label {
    position: absolute;
    inset-inline: 0;
    inset-block-end: 0;
    padding: var(--_space-xs) var(--_space-s);
    background: rgb(0 0 0 / 60%);
    color: #fff;
    font-size: 0.875em;
    text-align: start;
    overflow-wrap: anywhere;
  }

  .still-badge {
    position: absolute;
    inset-block-start: var(--_space-xs);
    inset-inline-start: var(--_space-xs);
    padding: 0 var(--_space-xs);
    border-radius: var(--_radius-s);
    background: rgb(0 0 0 / 65%);
    color: #fff;
    font-size: 0.75em;
    font-weight: 600;
  }

  .caption {
    margin-block-start: var(--_space-xs);
  }

  .viewer {
    max-inline-size: 95vw;
    max-block-size: 95vh;
    padding: var(--_space-m);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-m);
    background: var(--_color-surface);
    color: var(--_color-text);
  }

  .viewer::backdrop {
    background: rgb(0 0 0 / 70%);
  }

  .viewer-image {
    display: block;
    max-inline-size: calc(95vw - 3rem);
    max-block-size: calc(95vh - 6rem);
    margin-block-end: var(--_space-s);
  }

  .viewer-close {
    font: inherit;
    padding: var(--_space-xs) var(--_space-m);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-s);
    background: var(--_color-surface-2);
    color: var(--_color-text);
    cursor: pointer;
  }
`;
