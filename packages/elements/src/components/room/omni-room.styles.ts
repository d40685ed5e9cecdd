import { css } from 'lit';

export const roomStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    block-size: var(--omni-room-height, 28rem);
    box-sizing: border-box;
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius);
    background: var(--_color-surface);
    color: var(--_color-text);
    font-family: var(--_font-family);
    font-size: var(--_font-size);
    overflow: hidden;
    contain: content;
  }

  :host([hidden]) {
    display: none;
  }

  header {
    padding: var(--_space-s) var(--_space-m);
    border-block-end: 1px solid var(--_color-border);
    font-weight: 600;
  }

  .log {
    flex: 1;
    overflow-y: auto;
    padding: var(--_space-m);
    display: flex;
    flex-direction: column;
    gap: var(--_space-s);
  }

  article {
    max-inline-size: 80%;
    padding: var(--_space-s) var(--_space-m);
    border-radius: var(--_radius);
    background: var(--_color-surface-2);
    overflow-wrap: anywhere;
  }

  article.own {
    align-self: flex-end;
  }

  .sender {
    display: block;
    font-size: 0.8em;
    font-weight: 600;
    color: var(--_color-text-muted);
  }

  .body {
    white-space: pre-wrap;
  }

  .status {
    font-size: 0.8em;
    color: var(--_color-text-muted);
  }

  .status.failed {
    color: var(--_color-danger);
  }

  form {
    display: flex;
    gap: var(--_space-s);
    padding: var(--_space-s);
    border-block-start: 1px solid var(--_color-border);
  }

  textarea {
    font: inherit;
    color: inherit;
    background: var(--_color-surface);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius);
    padding: var(--_space-s);
    flex: 1;
    resize: none;
    min-block-size: 2.5em;
  }

  button {
    font: inherit;
    border: none;
    border-radius: var(--_radius);
    padding: var(--_space-s) var(--_space-m);
    background: var(--_color-accent);
    color: var(--_color-on-accent);
    cursor: pointer;
  }

  button:disabled {
    opacity: 0.6;
    cursor: default;
  }

  :focus-visible {
    outline: 2px solid var(--_color-accent);
    outline-offset: 2px;
  }

  .notice {
    padding: var(--_space-m);
    color: var(--_color-text-muted);
  }

  [role='alert'] {
    padding: var(--_space-m);
    color: var(--_color-danger);
  }

  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
