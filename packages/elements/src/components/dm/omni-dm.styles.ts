import { css } from 'lit';

/** What a direct conversation adds to the room's styles: its own height property. */
export const dmStyles = css`
  :host {
    block-size: var(--omni-dm-height, var(--omni-room-height, 28rem));
  }
`;
