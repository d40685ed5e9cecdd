import { css } from 'lit';
import { errorStateStyles } from './error-state.styles.ts';
import { threadLayoutStyles } from '../thread/thread-layout.styles.ts';

/** The shell of every room-like view (`<omni-room>`, `<omni-dm>`, `<omni-chat>`), with their shared error state. */
export const roomStyles = css`
  ${errorStateStyles}
  ${threadLayoutStyles}

  :host {
    --_header-bg: var(--omni-header-background, var(--_color-surface));
    /* The element's block size, for what must fit inside it (the emoji picker). */
    --_view-height: var(--omni-room-height, 28rem);
    display: flex;
    flex-direction: column;
    block-size: var(--omni-room-height, 28rem);
    box-sizing: border-box;
    border: 1px solid var(--_color-border-subtle);
    border-radius: var(--_radius-m);
    background: var(--_color-surface);
    color: var(--_color-text);
    font-family: var(--_font-family);
    font-size: var(--_font-size);
    line-height: var(--_line-height);
    overflow: hidden;
    /* The element takes the width its container gives it; its content never widens the page. */
    contain: inline-size layout paint style;
    container-type: inline-size;
  }

  :host([hidden]) {
    display: none;
  }

  .header {
    display: flex;
    align-items: center;
    gap: var(--_space-m);
    padding: var(--_space-s) var(--_space-m);
    border-block-end: 1px solid var(--_color-border-subtle);
    background: var(--_header-bg);
    min-inline-size: 0;
  }

  .header .name,
  .header .detail {
    min-inline-size: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .header .name {
    flex: 0 1 auto;
    font-weight: 600;
  }

  /* The detail (a URL, a user id) takes only the room the name leaves: the name is cut only when alone it does not fit. */
  .header .detail {
    flex: 1 1 0;
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
  }

  .header .encrypted {
    margin-inline-start: auto;
    display: inline-flex;
    align-items: center;
    gap: var(--_space-xs);
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
    white-space: nowrap;
  }

  .header .encrypted svg {
    inline-size: 0.9em;
    block-size: 0.9em;
    fill: currentColor;
  }

  /* On a phone the lock alone says it; the words stay the indicator's accessible text. */
  @container (max-width: 30rem) {
    /* A name that does not fit beside the header's buttons gets the first line, the buttons the next. */
    .header {
      flex-wrap: wrap;
      row-gap: var(--_space-xs);
    }

    .header .encrypted {
      font-size: 0;
    }

    .header .encrypted svg {
      inline-size: 0.875rem;
      block-size: 0.875rem;
    }
  }

  /* Big emoji in colour, even on a machine without an emoji font (theme/emoji-font.ts). */
  .body.emoji-only {
    font-family: var(--_font-family-emoji), var(--_font-family);
  }

  .empty {
    flex: 1;
    display: grid;
    place-content: center;
    padding: var(--_space-l);
    text-align: center;
    color: var(--_color-text-muted);
  }

  .sign-in {
    overflow: auto;
  }

  .notice {
    padding: var(--_space-m);
    color: var(--_color-text-muted);
  }

  .notice button {
    font: inherit;
    border: none;
    border-radius: var(--_radius-m);
    padding: var(--_space-s) var(--_space-m);
    background: var(--_color-accent);
    color: var(--_color-on-accent);
    cursor: pointer;
  }

  :focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: 2px;
  }

  [role='alert'] {
    padding: var(--_space-m);
    color: var(--_color-danger);
  }
`;
