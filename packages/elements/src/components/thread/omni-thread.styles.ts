import { css } from 'lit';
import { linkButton } from '../../theme/link-button.styles.ts';

/**
 * The thread panel's own frame: a column (header, log, composer) on the room's surface. Its colours and
 * sizes are the room view's tokens (`--_color-*`, `--_space-*`), which it inherits.
 */
export const threadStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-inline-size: 0;
    min-block-size: 0;
    box-sizing: border-box;
    background: var(--_color-surface);
    color: var(--_color-text);
    font-family: var(--_font-family);
    font-size: var(--_font-size);
    line-height: var(--_line-height);
  }

  .thread-header {
    display: flex;
    align-items: center;
    gap: var(--_space-s);
    padding: var(--_space-s) var(--_space-m);
    border-block-end: 1px solid var(--_color-border-subtle);
    background: var(--omni-header-background, var(--_color-surface));
  }

  .thread-title {
    margin: 0;
    font-size: inherit;
    font-weight: 600;
  }

  .invite {
    margin: 0;
    padding: var(--_space-s) var(--_space-m);
    border-block-start: 1px solid var(--_color-border-subtle);
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
  }

  .invite button {
    ${linkButton}
  }

  .thread-count {
    margin-inline-start: auto;
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
  }

  .thread-close {
    display: inline-flex;
    align-items: center;
    gap: var(--_space-xs);
    padding: var(--_space-xs) var(--_space-s);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-m);
    background: transparent;
    color: inherit;
    font: inherit;
    font-size: var(--_font-size-s);
    cursor: pointer;
  }

  .thread-close svg {
    inline-size: 0.875rem;
    block-size: 0.875rem;
    fill: none;
    stroke: currentColor;
    stroke-width: 1.75;
    stroke-linecap: round;
    stroke-linejoin: round;
  }

  :dir(rtl) .thread-close svg {
    transform: scaleX(-1);
  }

  .thread-close:focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: 1px;
  }

  .notice {
    margin: var(--_space-m);
    color: var(--_color-text-muted);
    font-size: var(--_font-size-s);
  }
`;
