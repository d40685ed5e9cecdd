import { css } from 'lit';

/** What a direct conversation adds to the room's styles: the encryption badge and the empty state. */
export const dmStyles = css`
  :host {
    block-size: var(--omni-dm-height, var(--omni-room-height, 28rem));
  }

  header {
    align-items: center;
  }

  header .encrypted {
    margin-inline-start: auto;
    display: inline-flex;
    align-items: center;
    gap: var(--_space-xs);
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
    white-space: nowrap;
  }

  header .encrypted svg {
    inline-size: 0.9em;
    block-size: 0.9em;
    fill: currentColor;
  }

  header .user {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
  }

  .empty {
    flex: 1;
    display: grid;
    place-content: center;
    padding: var(--_space-l);
    text-align: center;
    color: var(--_color-text-muted);
  }
`;
