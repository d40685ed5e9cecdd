import { css } from 'lit';
import { visuallyHiddenStyles } from '../../theme/visually-hidden.styles.ts';

/** The toolbar and inline menus at the tile's top corner, the tile's buttons and focus rings. */
export const messageActionsStyles = css`
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

  /*
   * The timeline's virtualizer places each tile in a layer of its own, later tiles above earlier ones: the tile
   * whose menu is open comes to the front, so the menu (the More menu reaches below the tile) is not drawn under
   * the next messages and receipts.
   */
  .message:has(> .actions.open) {
    z-index: 2;
  }

  .message:not(.continuation) > .actions {
    inset-block-start: var(--_space-s);
  }

  /* An arrow that points back along the line: it points the other way in right-to-left text. */
  :host(:dir(rtl)) .tool-icon[data-icon='reply'] {
    transform: scaleX(-1);
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

  ${visuallyHiddenStyles}

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
`;
