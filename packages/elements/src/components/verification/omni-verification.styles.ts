import { css } from 'lit';

/**
 * The verification dialog is a card over the view that renders it (room views contain their layout,
 * so it never covers the host page); the host itself takes no box, so it fits in a header.
 */
export const verificationStyles = css`
  :host {
    display: contents;
    font-family: var(--_font-family);
    font-size: var(--_font-size);
    line-height: var(--_line-height);
    color: var(--_color-text);
  }

  :host([hidden]) {
    display: none;
  }

  button {
    font: inherit;
    font-size: var(--_font-size-s);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-m);
    padding: var(--_space-xs) var(--_space-m);
    background: var(--_color-surface);
    color: var(--_color-text);
    cursor: pointer;
  }

  button.primary {
    border-color: var(--_color-accent);
    background: var(--_color-accent);
    color: var(--_color-on-accent);
  }

  button:focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: 2px;
  }

  .trust {
    display: inline-flex;
    align-items: center;
    gap: var(--_space-s);
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
    white-space: nowrap;
  }

  .trust .changed {
    color: var(--_color-danger);
  }

  .error {
    font-size: var(--_font-size-s);
    color: var(--_color-danger);
  }

  .dialog {
    position: absolute;
    inset-block-start: 3rem;
    inset-inline: var(--_space-m);
    z-index: 2;
    max-block-size: calc(100% - 4rem);
    overflow: auto;
    box-sizing: border-box;
    display: flex;
    flex-direction: column;
    gap: var(--_space-m);
    padding: var(--_space-m) var(--_space-l);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-l);
    background: var(--_color-surface);
    color: var(--_color-text);
    box-shadow: 0 0.5rem 1.5rem rgb(0 0 0 / 25%);
    text-align: start;
    white-space: normal;
  }

  h2 {
    margin: 0;
    font-size: 1em;
    font-weight: 600;
  }

  p {
    margin: 0;
  }

  .emoji {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(4.5rem, 1fr));
    gap: var(--_space-s);
    margin: 0;
    padding: 0;
    list-style: none;
    text-align: center;
  }

  .emoji li {
    display: flex;
    flex-direction: column;
    align-items: center;
    padding: var(--_space-s);
    border-radius: var(--_radius-m);
    background: var(--_color-surface-2);
  }

  .emoji .symbol {
    font-size: 2rem;
    line-height: 1.2;
  }

  .emoji .label {
    font-size: var(--_font-size-s);
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space-s);
  }

  .result.failed h2 {
    color: var(--_color-danger);
  }
`;
