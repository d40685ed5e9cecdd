import { css } from 'lit';

/** Styles of message bodies (rich HTML, code, spoilers, emotes, notices, big emoji); included by the tile's host. */
export const messageBodyStyles = css`
  .body.plain {
    white-space: pre-wrap;
  }

  .body.rich {
    white-space: normal;
  }

  .body.rich > :first-child {
    margin-block-start: 0;
  }

  .body.rich > :last-child {
    margin-block-end: 0;
  }

  .body p,
  .body ul,
  .body ol,
  .body blockquote,
  .body pre,
  .body table,
  .body details {
    margin-block: var(--_space-s);
  }

  .body ul,
  .body ol {
    padding-inline-start: var(--_space-l);
  }

  .body h1,
  .body h2,
  .body h3,
  .body h4,
  .body h5,
  .body h6 {
    margin-block: var(--_space-s);
    font-size: 1.1em;
    line-height: var(--_line-height);
  }

  .body h1 {
    font-size: 1.3em;
  }

  .body h2 {
    font-size: 1.2em;
  }

  .body blockquote {
    margin-inline: 0;
    padding-inline-start: var(--_space-m);
    border-inline-start: 3px solid var(--_color-border);
    color: var(--_color-text-muted);
  }

  .body a {
    color: var(--_color-accent);
    text-decoration: underline;
  }

  .body a.pill {
    display: inline-block;
    padding-inline: 0.4em;
    border-radius: 999px;
    /* The surface colour stands out on every bubble: others', one's own and a highlighted one. */
    background: var(--_color-surface);
    color: var(--_color-accent);
    font-weight: 600;
    text-decoration: none;
    line-height: 1.3;
  }

  .body a.pill:hover {
    text-decoration: underline;
  }

  /* A message that mentions the reader: the whole bubble stands out, with a bar on its leading edge. */
  [part~='bubble']:has(> .body.mentions-me) {
    background: var(--_color-mention-subtle);
    box-shadow: inset 3px 0 0 var(--_color-mention);
    /* The text clear of the bar (in the default layout the bubble has no padding of its own). */
    padding-inline: calc(3px + var(--_space-s)) var(--_space-s);
  }

  .body .mention-cue {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  .body a:focus-visible,
  .body .spoiler:focus-visible,
  .body summary:focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: 1px;
    border-radius: var(--_radius-s);
  }

  .body code,
  .body pre {
    font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'Liberation Mono', monospace;
    font-size: 0.9em;
  }

  .body code {
    padding: 0 var(--_space-xs);
    border-radius: var(--_radius-s);
    background: var(--_color-surface);
    border: 1px solid var(--_color-border-subtle);
  }

  .body pre {
    max-inline-size: 100%;
    overflow-x: auto;
    padding: var(--_space-s) var(--_space-m);
    border-radius: var(--_radius-m);
    background: var(--_color-surface);
    border: 1px solid var(--_color-border-subtle);
    white-space: pre;
    overflow-wrap: normal;
  }

  .body pre code {
    padding: 0;
    border: 0;
    background: none;
    font-size: inherit;
  }

  .body table {
    border-collapse: collapse;
    display: block;
    max-inline-size: 100%;
    overflow-x: auto;
  }

  .body th,
  .body td {
    border: 1px solid var(--_color-border-subtle);
    padding: var(--_space-xs) var(--_space-s);
  }

  .body hr {
    border: 0;
    border-block-start: 1px solid var(--_color-border);
  }

  .body img.mxc-image {
    display: inline-block;
    max-inline-size: 100%;
    font-style: italic;
    color: var(--_color-text-muted);
  }

  .body .spoiler {
    border-radius: var(--_radius-s);
    cursor: pointer;
  }

  .body .spoiler:not(.revealed) {
    color: transparent;
    background: var(--_color-text-muted);
    user-select: none;
  }

  /* Hidden content inside a spoiler can be neither seen, clicked nor focused until revealed. */
  .body .spoiler:not(.revealed) * {
    visibility: hidden;
  }

  .body .spoiler.revealed {
    cursor: auto;
    background: var(--_color-surface);
  }

  .body.emote {
    font-style: italic;
  }

  .body.emote.rich > p:first-of-type {
    display: inline;
  }

  .emote-prefix {
    font-weight: 600;
  }

  .body.notice {
    color: var(--_color-text-muted);
  }

  .body.emoji-only {
    font-size: 2.5em;
    line-height: 1.2;
  }

  .body.deleted {
    font-style: italic;
    color: var(--_color-text-muted);
  }
`;
