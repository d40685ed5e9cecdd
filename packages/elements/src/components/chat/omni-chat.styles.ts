import { css } from 'lit';
import { linkButton } from '../../theme/link-button.styles.ts';

/** What the post chat adds to the room's styles: its height and the guest invitation. */
export const chatStyles = css`
  :host {
    --_view-height: var(--omni-chat-height, 28rem);
    block-size: var(--_view-height);
  }

  .invite {
    display: flex;
    align-items: center;
    gap: var(--_space-s);
    margin: 0;
    padding: var(--_space-xs) var(--_space-m);
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
  }

  .guest-line {
    display: inline-grid;
  }

  .guest-line > span {
    grid-area: 1 / 1;
  }

  /* The other line's width, drawn from an attribute: kept out of the page's text (find, copy, tests reading it). */
  .guest-line > .reserved {
    visibility: hidden;
  }

  .guest-line > .reserved::before {
    content: attr(data-text);
  }

  .empty p {
    margin: 0 0 var(--_space-s);
  }

  .invite button,
  .empty button {
    ${linkButton}
  }

  .comment-sort {
    display: flex;
    align-items: center;
    justify-content: flex-end;
    gap: var(--_space-s);
    padding: var(--_space-xs) var(--_space-m);
    border-block-end: 1px solid var(--_color-border-subtle);
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
  }

  .comment-sort select {
    font: inherit;
    color: var(--_color-text);
    background: var(--_color-surface);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-s);
    padding: var(--_space-xs) var(--_space-s);
  }
`;
