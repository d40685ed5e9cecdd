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
