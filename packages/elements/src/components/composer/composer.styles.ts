import { css } from 'lit';

/** Styles of the composer; included by whichever element renders one. */
export const composerStyles = css`
  .composer {
    --_composer-bg: var(--omni-composer-background, var(--_color-surface));
    position: relative;
    display: flex;
    flex-direction: column;
    gap: var(--_space-s);
    padding: var(--_space-s);
    border-block-start: 1px solid var(--_color-border-subtle);
    background: var(--_composer-bg);
  }

  .row {
    display: flex;
    gap: var(--_space-s);
    align-items: flex-end;
  }

  .composer-input {
    font: inherit;
    color: var(--_color-text);
    background: var(--_color-surface);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-m);
    padding: var(--_space-s);
    flex: 1;
    resize: none;
    min-block-size: 2.5em;
    max-block-size: 10em;
    field-sizing: content;
  }

  .composer-input:disabled {
    background: var(--_color-surface-2);
  }

  .composer button {
    font: inherit;
    border-radius: var(--_radius-m);
    padding: var(--_space-s) var(--_space-m);
    cursor: pointer;
  }

  .send {
    border: none;
    background: var(--_color-accent);
    color: var(--_color-on-accent);
  }

  .icon,
  .cancel {
    border: 1px solid var(--_color-border);
    background: var(--_color-surface);
    color: var(--_color-text);
  }

  .composer button:disabled {
    cursor: default;
    background: var(--_color-surface-2);
    color: var(--_color-text-muted);
    border: 1px solid var(--_color-border-subtle);
  }

  .composer :focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: 2px;
  }

  .banner {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space-s);
    padding: var(--_space-xs) var(--_space-s);
    border-inline-start: 3px solid var(--_color-accent);
    background: var(--_color-surface-2);
    color: var(--_color-text);
    font-size: var(--_font-size-s);
  }

  .banner .quote {
    color: var(--_color-text-muted);
  }

  .reason {
    margin: 0;
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
  }

  .error {
    margin: 0;
    font-size: var(--_font-size-s);
    color: var(--_color-danger);
  }

  .counter {
    margin: 0;
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
    font-variant-numeric: tabular-nums;
  }

  .counter.over {
    color: var(--_color-danger);
  }

  .mentions {
    position: absolute;
    inset-block-end: 100%;
    inset-inline-start: var(--_space-s);
    z-index: 1;
    margin: 0;
    padding: var(--_space-xs);
    list-style: none;
    min-inline-size: 14rem;
    max-block-size: 12rem;
    overflow-y: auto;
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-m);
    background: var(--_color-surface);
    color: var(--_color-text);
    box-shadow: 0 4px 12px rgb(0 0 0 / 20%);
  }

  .mentions li {
    padding: var(--_space-xs) var(--_space-s);
    border-radius: var(--_radius-s);
    cursor: pointer;
  }

  .mentions li[aria-selected='true'] {
    background: var(--_color-accent-subtle);
    box-shadow: inset 3px 0 0 var(--_color-accent);
  }

  .mentions .id {
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
  }

  /*
   * The picker themed from the element's tokens, so it follows theme="dark" and the page's overrides
   * (outer rules beat its own :host defaults); its emoji drawn with the font the element ships.
   */
  .emoji-picker {
    position: absolute;
    inset-block-end: 100%;
    inset-inline-end: var(--_space-s);
    z-index: 1;
    max-inline-size: calc(100% - 2 * var(--_space-s));
    /* Above the composer, within the element's box (and the viewport, in a launcher's panel). */
    block-size: min(25rem, var(--_view-height, 28rem) - 6rem, 100dvh - 8rem);
    --emoji-font-family: var(--_font-family-emoji);
    --background: var(--_color-surface);
    --border-color: var(--_color-border-subtle);
    --indicator-color: var(--_color-accent);
    --input-border-color: var(--_color-border);
    --input-font-color: var(--_color-text);
    --input-placeholder-color: var(--_color-text-muted);
    --outline-color: var(--_color-focus);
    --category-font-color: var(--_color-text-muted);
    --button-active-background: var(--_color-accent-subtle);
    --button-hover-background: var(--_color-surface-2);
    --skintone-border-radius: var(--_radius-m);
    color-scheme: inherit;
  }

  /* A phone: fewer, smaller columns, so the picker fits the box. */
  @container (max-width: 24rem) {
    .emoji-picker {
      --num-columns: 6;
      --emoji-size: 1.25rem;
    }
  }

  /* Send keeps its size on a narrow phone; the textbox gives way. */
  .row > .composer-input {
    min-inline-size: 0;
  }

  .row > button {
    flex: none;
  }

  .attach svg {
    display: block;
    inline-size: 1.1em;
    block-size: 1.1em;
  }

  /* Files waiting to be sent: a row of cards that wraps, each with its preview, name, size and Remove. */
  .tray {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space-s);
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .tray-file {
    display: flex;
    align-items: center;
    gap: var(--_space-s);
    max-inline-size: min(100%, 18rem);
    padding: var(--_space-xs);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-m);
    background: var(--_color-surface-2);
    color: var(--_color-text);
    font-size: var(--_font-size-s);
  }

  .tray-file.refused {
    border-color: var(--_color-danger);
  }

  .tray-preview,
  .tray-icon {
    flex: none;
    inline-size: 3rem;
    block-size: 3rem;
    border-radius: var(--_radius-s);
    object-fit: cover;
  }

  .tray-icon {
    padding: var(--_space-s);
    box-sizing: border-box;
    color: var(--_color-text-muted);
  }

  .tray-text {
    display: flex;
    flex-direction: column;
    min-inline-size: 0;
  }

  .tray-name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .tray-size {
    color: var(--_color-text-muted);
  }

  .tray-error {
    color: var(--_color-danger);
  }

  .composer .tray-file .remove {
    flex: none;
    padding: 0 var(--_space-s);
  }

  /* While files are dragged over the element: where they can be dropped. */
  .drop-target {
    position: absolute;
    inset: 0;
    z-index: 2;
    display: grid;
    place-items: center;
    border: 2px dashed var(--_color-accent);
    border-radius: var(--_radius-m);
    background: var(--_color-accent-subtle);
    color: var(--_color-text);
    font-weight: 600;
    pointer-events: none;
  }
`;
