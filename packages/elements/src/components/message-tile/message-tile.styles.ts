import { css } from 'lit';

/** Styles of message tiles; included by whichever element renders a timeline. */
export const messageTileStyles = css`
  .notice-summary > summary {
    cursor: pointer;
    inline-size: fit-content;
    margin-inline: auto;
  }

  .notice-changes {
    margin: var(--_space-xs) 0 0;
    padding: 0;
    list-style: none;
  }

  .message {
    --_bubble-bg: var(--omni-message-bubble-background, var(--_color-surface-2));
    --_bubble-own-bg: var(--omni-message-bubble-own-background, var(--_color-accent-subtle));
    --_bubble-radius: var(--omni-message-bubble-radius, var(--_radius-l));
    --_avatar-size: var(--omni-avatar-size, 1.75rem);
    position: relative;
    box-sizing: border-box;
    inline-size: 100%;
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    padding: var(--_space-s) var(--_space-m) var(--_space-xs);
    overflow-wrap: anywhere;
    outline: none;
  }

  .message.continuation {
    padding-block-start: var(--_space-xs);
  }

  .message.own {
    align-items: flex-end;
  }

  .message:focus-visible {
    box-shadow: inset 0 0 0 2px var(--_color-focus);
    border-radius: var(--_radius-m);
  }

  .message:hover,
  .message:focus-within {
    background: color-mix(in srgb, var(--_color-surface-2) 50%, transparent);
  }

  .head {
    display: flex;
    align-items: center;
    gap: var(--_space-s);
    margin-block-end: var(--_space-xs);
  }

  .avatar,
  .receipt {
    display: inline-grid;
    place-items: center;
    box-sizing: border-box;
    inline-size: var(--_avatar-size);
    block-size: var(--_avatar-size);
    border-radius: 50%;
    border: 2px solid hsl(var(--_hue, 210) 60% 50%);
    background: var(--_color-surface);
    color: var(--_color-text);
    font-size: var(--_font-size-s);
    font-weight: 600;
  }

  .sender {
    font-size: var(--_font-size-s);
    font-weight: 600;
    color: var(--_color-text);
  }

  .bubble {
    max-inline-size: min(80%, 40rem);
    padding: var(--_space-s) var(--_space-m);
    border-radius: var(--_bubble-radius);
    background: var(--_bubble-bg);
    color: var(--_color-text);
  }

  .own .bubble {
    background: var(--_bubble-own-bg);
  }

  .bot .bubble {
    background: transparent;
    border: 1px dashed var(--_color-border);
    color: var(--_color-text-muted);
  }

  .body {
    white-space: pre-wrap;
  }

  /* An encrypted message that cannot be read (yet): a muted placeholder, never content. */
  .undecryptable .bubble,
  .undecryptable.own .bubble {
    background: transparent;
    border: 1px dashed var(--_color-border);
    color: var(--_color-text-muted);
  }

  .undecryptable-text {
    font-style: italic;
  }

  .meta button[aria-disabled='true'] {
    cursor: default;
    color: var(--_color-text-muted);
  }

  .undecryptable-reason {
    display: block;
    margin-block-start: var(--_space-xs);
    font-size: var(--_font-size-s);
  }

  .deleted,
  .edited {
    font-style: italic;
    color: var(--_color-text-muted);
  }

  .edited {
    margin-inline-start: var(--_space-s);
    font-size: var(--_font-size-s);
  }

  .reply-quote {
    display: flex;
    flex-wrap: wrap;
    gap: 0 var(--_space-s);
    margin: 0 0 var(--_space-s);
    padding-inline-start: var(--_space-s);
    border-inline-start: 3px solid var(--_color-accent);
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
  }

  .reply-sender {
    font-weight: 600;
  }

  .reply-body {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    max-inline-size: 100%;
  }

  .meta {
    display: flex;
    align-items: center;
    gap: var(--_space-s);
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
  }

  .status.failed {
    color: var(--_color-danger);
    font-weight: 600;
  }

  .trust {
    display: inline-flex;
    color: var(--_color-danger);
  }

  .trust svg {
    inline-size: 0.875rem;
    block-size: 0.875rem;
    fill: currentColor;
  }

  .reactions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space-xs);
    margin-block-start: var(--_space-xs);
  }

  .reaction {
    display: inline-flex;
    gap: var(--_space-xs);
    align-items: center;
    padding: 0 var(--_space-s);
    border-radius: var(--_radius-l);
    border: 1px solid var(--_color-border);
    background: var(--_color-surface);
    color: var(--_color-text);
  }

  .reaction[aria-pressed='true'] {
    border-color: var(--_color-accent);
    background: var(--_color-accent-subtle);
  }

  .receipts {
    display: flex;
    gap: 0;
    margin-block-start: var(--_space-xs);
  }

  .receipt {
    inline-size: 1.125rem;
    block-size: 1.125rem;
    font-size: 0.625rem;
    border-width: 1px;
    margin-inline-start: -0.25rem;
  }

  .receipt.more {
    border-color: var(--_color-border);
    inline-size: auto;
    padding: 0 var(--_space-xs);
    border-radius: var(--_radius-l);
  }

  .actions {
    position: absolute;
    inset-block-start: var(--_space-xs);
    inset-inline-end: var(--_space-m);
    display: flex;
    align-items: center;
    gap: var(--_space-xs);
    padding: var(--_space-xs);
    border: 1px solid var(--_color-border-subtle);
    border-radius: var(--_radius-m);
    background: var(--_color-surface);
    color: var(--_color-text);
    opacity: 0;
    pointer-events: none;
  }

  .own .actions {
    inset-inline-end: auto;
    inset-inline-start: var(--_space-m);
  }

  .message:hover .actions,
  .message:focus-within .actions,
  .actions.open {
    opacity: 1;
    pointer-events: auto;
  }

  .actions button,
  .meta button,
  .reply-quote button {
    font: inherit;
    font-size: var(--_font-size-s);
    padding: var(--_space-xs) var(--_space-s);
    border: 1px solid transparent;
    border-radius: var(--_radius-s);
    background: transparent;
    color: var(--_color-text);
    cursor: pointer;
  }

  .meta button {
    border-color: var(--_color-border);
  }

  .actions button:hover {
    background: var(--_color-surface-2);
  }

  .actions button.danger {
    color: var(--_color-danger);
  }

  .reply-quote button.link {
    padding: 0;
    color: var(--_color-accent);
    text-decoration: underline;
  }

  .actions .quick {
    font-size: 1.1em;
  }

  button:focus-visible,
  .file:focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: 1px;
  }

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

  .media.image {
    position: relative;
    overflow: hidden;
    background: var(--_color-surface);
  }

  .image-open {
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
