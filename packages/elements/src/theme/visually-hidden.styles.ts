import { css } from 'lit';

/** Text for assistive technology only (a tool's name beside its icon, the log's announcer): out of sight, still read. */
export const visuallyHiddenStyles = css`
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
