import { css } from 'lit';

export const signInStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
    padding: var(--_space-m);
    background: var(--_color-surface);
    color: var(--_color-text);
    font-family: var(--_font-family);
    font-size: var(--_font-size);
  }

  :host([hidden]) {
    display: none;
  }

  .panel {
    display: flex;
    flex-direction: column;
    gap: var(--_space-m);
    max-inline-size: 20rem;
  }

  form {
    display: flex;
    flex-direction: column;
    gap: var(--_space-s);
  }

  h2 {
    margin: 0;
    font-size: 1em;
    font-weight: 600;
  }

  .heading h2 {
    font-size: 1.125em;
  }

  .heading .server {
    margin: var(--_space-xs) 0 0;
    font-size: 0.875em;
    color: var(--_color-text-muted);
    overflow-wrap: anywhere;
  }

  .reason {
    margin: 0;
    padding: var(--_space-s) var(--_space-m);
    border-inline-start: 3px solid var(--_color-accent);
    border-radius: var(--_radius-s);
    background: var(--_color-accent-subtle);
    color: var(--_color-text);
  }

  .field {
    display: flex;
    flex-direction: column;
    gap: 0.125rem;
  }

  .password {
    display: flex;
    align-items: stretch;
  }

  .password input {
    font-size: 0.875em;
    flex: 1;
    min-inline-size: 0;
    border-start-end-radius: 0;
    border-end-end-radius: 0;
  }

  button.toggle {
    display: grid;
    place-items: center;
    padding: 0 var(--_space-s);
    background: var(--_color-surface-2);
    color: var(--_color-text);
    border: 1px solid var(--_color-border);
    border-inline-start: none;
    border-start-start-radius: 0;
    border-end-start-radius: 0;
  }

  button.toggle[aria-pressed='true'] {
    background: var(--_color-accent-subtle);
  }

  button.toggle svg {
    inline-size: 1.25em;
    block-size: 1.25em;
    fill: none;
    stroke: currentColor;
    stroke-width: 1.75;
    stroke-linecap: round;
    stroke-linejoin: round;
  }

  label {
    display: flex;
    flex-direction: column;
    gap: 0.125rem;
    font-size: 0.875em;
  }

  label.check {
    flex-direction: row;
    align-items: flex-start;
    gap: var(--_space-s);
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

  button {
    font: inherit;
    border: 1px solid transparent;
    border-radius: var(--_radius);
    padding: var(--_space-s) var(--_space-m);
    background: var(--_color-accent);
    color: var(--_color-on-accent);
    cursor: pointer;
  }

  button.secondary {
    background: var(--_color-surface-2);
    color: var(--_color-text);
    border-color: var(--_color-border);
  }

  button.link {
    align-self: flex-start;
    background: none;
    padding: 0;
    color: var(--_color-accent);
    text-decoration: underline;
  }

  button:disabled {
    opacity: 0.6;
    cursor: default;
  }

  a {
    color: var(--_color-accent);
  }

  :focus-visible {
    outline: 2px solid var(--_color-accent);
    outline-offset: 2px;
  }

  .alternatives {
    display: flex;
    flex-direction: column;
    gap: var(--_space-s);
  }

  .notice {
    margin: 0;
    color: var(--_color-text-muted);
  }

  [role='alert'] {
    margin: 0;
    color: var(--_color-danger);
  }
`;
