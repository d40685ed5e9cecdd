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

  /*
   * Dense, as the best chat products lay messages out: a gutter (avatar on the first message of a run,
   * the time on hover for the others) beside the content column.
   */
  .message {
    --_bubble-bg: var(--omni-message-bubble-background, transparent);
    --_bubble-own-bg: var(--omni-message-bubble-own-background, var(--_bubble-bg));
    --_bubble-radius: var(--omni-message-bubble-radius, var(--_radius-l));
    --_avatar-size: var(--omni-avatar-size, 2rem);
    --_gutter: max(var(--_avatar-size), 2.75rem);
    --_line: calc(var(--_font-size) * var(--_line-height));
    /* The toolbar's box (as many buttons as the tile sets in --_tools): space for it is kept at the top corner. */
    --_tool-size: 1.5rem;
    --_tools-inline: calc(var(--_tools, 2) * (var(--_tool-size) + 2px) + 6px);
    --_tools-block: calc(var(--_tool-size) + 4px);
    position: relative;
    box-sizing: border-box;
    inline-size: 100%;
    display: grid;
    grid-template-columns: var(--_gutter) minmax(0, 1fr);
    column-gap: var(--_space-s);
    align-items: start;
    padding: 1px var(--_space-m);
    overflow-wrap: anywhere;
    outline: none;
  }

  .message > * {
    grid-column: 2;
  }

  .message:not(.continuation) {
    padding-block-start: var(--_space-s);
  }

  .message:focus-visible {
    box-shadow: inset 0 0 0 2px var(--_color-focus);
    border-radius: var(--_radius-m);
  }

  .message:hover,
  .message:focus-within {
    background: color-mix(in srgb, var(--_color-surface-2) 60%, transparent);
  }

  .message > .avatar {
    grid-column: 1;
    grid-row: 1 / span 2;
    justify-self: center;
    margin-block-start: 0.125rem;
  }

  .head {
    display: flex;
    align-items: baseline;
    gap: var(--_space-s);
    min-inline-size: 0;
    line-height: var(--_tools-block);
  }

  /*
   * The head is one line either way, so keeping the toolbar's room only while it shows moves nothing;
   * a name cut meanwhile keeps its full text in its title.
   */
  .actionable:is(:hover, :focus-within) .head {
    padding-inline-end: var(--_tools-inline);
  }

  .avatar,
  .receipt {
    display: inline-grid;
    place-items: center;
    box-sizing: border-box;
    inline-size: var(--_avatar-size);
    block-size: var(--_avatar-size);
    border-radius: 50%;
    background: var(--_avatar-bg, #3949ab);
    /* Every avatar colour holds white initials at AA or better, in both themes. */
    color: #ffffff;
    font-size: var(--_font-size-s);
    font-weight: 600;
    line-height: 1;
  }

  .sender {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-size: var(--_font-size-s);
    font-weight: 700;
    color: var(--_color-text);
  }

  .time {
    flex: none;
    font-size: 0.75rem;
    color: var(--_color-text-muted);
    white-space: nowrap;
  }

  /* After the first message of a run, the time waits in the gutter until the message is hovered or focused. */
  .continuation > .time {
    grid-column: 1;
    grid-row: 1;
    justify-self: end;
    line-height: var(--_line);
    font-size: 0.6875rem;
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
  }

  .continuation:hover > .time,
  .continuation:focus-within > .time {
    position: static;
    inline-size: auto;
    block-size: auto;
    overflow: visible;
    clip-path: none;
  }

  .bubble {
    min-inline-size: 0;
    border-radius: var(--_bubble-radius);
    background: var(--_bubble-bg);
    color: var(--_color-text);
    line-height: var(--_line-height);
  }

  /* Room for the toolbar beside the first line, so that it never covers the text (the head keeps it otherwise). */
  .actionable.continuation .bubble::before {
    content: '';
    float: inline-end;
    inline-size: var(--_tools-inline);
    block-size: calc(var(--_tools-block) - 1px);
  }

  /* A long message is cut to a few lines until "Show more". */
  .clamp:not(.expanded) {
    max-block-size: calc(var(--_line) * 8);
    overflow: hidden;
    mask-image: linear-gradient(to bottom, #000 70%, transparent);
  }

  .more {
    justify-self: start;
    margin-block: var(--_space-xs);
    padding: 0;
    border: none;
    background: none;
    font: inherit;
    font-size: var(--_font-size-s);
    font-weight: 600;
    color: var(--_color-accent);
    text-decoration: underline;
    cursor: pointer;
  }

  .own .bubble {
    background: var(--_bubble-own-bg);
  }

  .bot .bubble {
    justify-self: start;
    padding: var(--_space-xs) var(--_space-s);
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
    justify-self: start;
    padding: var(--_space-xs) var(--_space-s);
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
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space-s);
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
  }

  .meta:empty {
    display: none;
  }

  span.status.failed {
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

  /* Shown once, under the latest message someone has read: small avatars at the end of the line. */
  .receipts {
    display: flex;
    justify-self: end;
    padding-inline-start: 0.25rem;
    margin-block: var(--_space-xs);
  }

  .receipt {
    inline-size: 1rem;
    block-size: 1rem;
    font-size: 0.5625rem;
    margin-inline-start: -0.25rem;
    box-shadow: 0 0 0 1.5px var(--_color-surface);
  }

  .receipt.more {
    inline-size: auto;
    padding: 0 var(--_space-xs);
    border-radius: var(--_radius-l);
    background: var(--_color-surface-2);
    color: var(--_color-text);
  }

  .actions {
    position: absolute;
    z-index: 1;
    inset-block-start: 1px;
    inset-inline-end: var(--_space-m);
    display: flex;
    align-items: center;
    gap: 2px;
    padding: 1px;
    border: 1px solid var(--_color-border-subtle);
    border-radius: var(--_radius-m);
    background: var(--_color-surface);
    color: var(--_color-text);
    box-shadow: 0 1px 3px rgb(0 0 0 / 12%);
    opacity: 0;
    pointer-events: none;
  }

  .message:not(.continuation) > .actions {
    inset-block-start: var(--_space-s);
  }

  .actions .tool {
    display: inline-grid;
    place-items: center;
    box-sizing: border-box;
    inline-size: var(--_tool-size);
    block-size: var(--_tool-size);
    padding: 0;
  }

  /* Not .icon: tiles share the shadow root of their host with the composer, whose emoji button is .icon. */
  .tool-icon {
    inline-size: 1rem;
    block-size: 1rem;
    fill: none;
    stroke: currentColor;
    stroke-width: 1.5;
    stroke-linecap: round;
    stroke-linejoin: round;
  }

  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
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
