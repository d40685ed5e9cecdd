import { css } from 'lit';

export const queueStyles = css`
  :host {
    display: block;
    color: var(--_color-text);
    background: var(--_color-surface);
    font-family: var(--_font-family);
    font-size: var(--_font-size);
    line-height: var(--_line-height);
  }

  :host([hidden]) {
    display: none;
  }

  section {
    padding: var(--_space-m);
  }

  .top {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space-m);
  }

  h2 {
    margin: 0;
    font-size: 1.25rem;
  }

  h2:focus {
    outline: none;
  }

  h2:focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: 2px;
  }

  .count,
  .reason,
  .note,
  .about {
    margin: var(--_space-s) 0;
  }

  .count,
  .note,
  time {
    color: var(--_color-text-muted);
  }

  .notice:empty {
    display: none;
  }

  .notice {
    margin: var(--_space-s) 0;
    padding: var(--_space-s) var(--_space-m);
    border-radius: var(--_radius-m);
    background: var(--_color-accent-subtle);
  }

  .error {
    margin: var(--_space-s) 0;
    color: var(--_color-danger);
  }

  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: var(--_space-m);
  }

  li {
    border: 1px solid var(--_color-border-subtle);
    border-radius: var(--_radius-m);
    background: var(--_color-surface-2);
    padding: var(--_space-m);
    overflow-wrap: anywhere;
  }

  .about {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: var(--_space-xs) var(--_space-s);
    margin-top: 0;
  }

  .kind {
    font-weight: 600;
    padding: 0 var(--_space-s);
    border-radius: var(--_radius-s);
    background: var(--_color-accent-subtle);
  }

  .kind.held {
    background: var(--_color-mention-subtle);
  }

  time {
    font-size: var(--_font-size-s);
  }

  blockquote {
    margin: var(--_space-s) 0;
    padding: var(--_space-s) var(--_space-m);
    border-inline-start: 3px solid var(--_color-border);
    background: var(--_color-surface);
    white-space: pre-wrap;
  }

  blockquote.unavailable {
    color: var(--_color-text-muted);
    font-style: italic;
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space-s);
  }

  .confirm {
    display: grid;
    gap: var(--_space-s);
  }

  .question {
    margin: 0;
    font-weight: 600;
  }

  label {
    display: grid;
    gap: var(--_space-xs);
  }

  input {
    font: inherit;
    color: var(--_color-text);
    background: var(--_color-surface);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-s);
    padding: var(--_space-s);
  }

  button {
    font: inherit;
    min-height: 2.25rem;
    border: 1px solid transparent;
    border-radius: var(--_radius-m);
    padding: var(--_space-s) var(--_space-m);
    background: var(--_color-accent);
    color: var(--_color-on-accent);
    cursor: pointer;
  }

  button.secondary {
    background: var(--_color-surface);
    color: var(--_color-text);
    border-color: var(--_color-border);
  }

  button.danger {
    background: var(--_color-surface);
    color: var(--_color-danger);
    border-color: var(--_color-danger);
  }

  button:disabled {
    cursor: default;
    opacity: 0.6;
  }

  button:focus-visible,
  input:focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: 2px;
  }
`;
