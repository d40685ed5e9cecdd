import { css } from 'lit';

/** What the post chat adds to the room's styles: its height and the guest invitation. */
export const chatStyles = css`
  :host {
    block-size: var(--omni-chat-height, 28rem);
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

  .empty p {
    margin: 0 0 var(--_space-s);
  }

  .invite button,
  .empty button {
    font: inherit;
    border: none;
    background: none;
    padding: 0;
    color: var(--_color-accent);
    text-decoration: underline;
    cursor: pointer;
  }
`;
