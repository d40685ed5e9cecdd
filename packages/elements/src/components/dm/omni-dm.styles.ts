import { css } from 'lit';

/** What a direct conversation adds to the room's styles: its own height property. */
export const dmStyles = css`
  :host {
    --_view-height: var(--omni-dm-height, var(--omni-room-height, 28rem));
    block-size: var(--_view-height);
  }
`;
