import { css } from 'lit';

export const securityStyles = css`
  :host {
    display: inline-block;
    color: var(--_color-text);
    font-family: var(--_font-family);
    font-size: var(--_font-size);
  }

  :host([hidden]) {
    display: none;
  }

  button {
    font: inherit;
    border: 1px solid transparent;
    border-radius: var(--_radius);
    padding: var(--_space-s) var(--_space-m);
    background: var(--_color-accent);
    color: var(--_color-on-accent);
    cursor: pointer;
  }

  button:disabled {
    cursor: default;
    opacity: 0.6;
  }

  button.secondary,
  .open {
    background: var(--_color-surface-2);
    color: var(--_color-text);
    border-color: var(--_color-border);
  }

  .open {
    display: inline-flex;
    align-items: center;
    gap: var(--_space-xs);
    padding: var(--_space-xs) var(--_space-s);
    font-size: var(--_font-size-s);
  }

  .open svg {
    inline-size: 1em;
    block-size: 1em;
    fill: currentColor;
  }

  button:focus-visible,
  input:focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: 2px;
  }

  dialog {
    box-sizing: border-box;
    inline-size: min(28rem, calc(100vw - 2rem));
    padding: var(--_space-l);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-l);
    background: var(--_color-surface);
    color: var(--_color-text);
    font-family: var(--_font-family);
    font-size: var(--_font-size);
    line-height: var(--_line-height);
  }

  dialog::backdrop {
    background: rgb(0 0 0 / 40%);
  }

  .panel,
  form,
  section {
    display: flex;
    flex-direction: column;
    gap: var(--_space-m);
  }

  h2,
  h3 {
    margin: 0;
    font-size: 1em;
    font-weight: 600;
  }

  p {
    margin: 0;
  }

  label {
    display: flex;
    flex-direction: column;
    gap: var(--_space-xs);
    font-size: var(--_font-size-s);
  }

  label.check {
    flex-direction: row;
    align-items: flex-start;
    gap: var(--_space-s);
    font-size: var(--_font-size);
  }

  input {
    font: inherit;
    color: inherit;
    background: var(--_color-surface);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius);
    padding: var(--_space-s);
  }

  input[type='checkbox'] {
    margin: 0.2em 0 0;
  }

  .key {
    padding: var(--_space-m);
    border-radius: var(--_radius);
    background: var(--_color-surface-2);
    font-family: ui-monospace, monospace;
    word-spacing: 0.25em;
    overflow-wrap: anywhere;
    user-select: all;
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space-s);
  }

  .status {
    color: var(--_color-text-muted);
  }

  [role='alert'] {
    color: var(--_color-danger);
  }
`;
