import { css } from 'lit';

/** The error state every room-like view shows (see error-state.ts); themed through `::part(error)` and the tokens. */
export const errorStateStyles = css`
  .error-state {
    flex: 1;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: var(--_space-m);
    padding: var(--_space-l);
    text-align: center;
    color: var(--_color-text);
    min-inline-size: 0;
    overflow: auto;
  }

  .error-state .error-icon {
    inline-size: 2.5rem;
    block-size: 2.5rem;
    flex: none;
    fill: none;
    stroke: var(--_color-text-muted);
    stroke-width: 1.5;
    stroke-linecap: round;
    stroke-linejoin: round;
  }

  .error-state [role='alert'] {
    padding: 0;
    color: inherit;
    max-inline-size: 26rem;
  }

  .error-state .error-heading {
    margin: 0 0 var(--_space-s);
    font-size: 1.0625em;
    font-weight: 600;
    overflow-wrap: anywhere;
  }

  .error-state .error-advice {
    margin: 0;
    color: var(--_color-text-muted);
    overflow-wrap: anywhere;
  }

  .error-state .error-retry {
    font: inherit;
    border: 1px solid transparent;
    border-radius: var(--_radius-m);
    padding: var(--_space-s) var(--_space-l);
    background: var(--_color-accent);
    color: var(--_color-on-accent);
    cursor: pointer;
  }

  .error-state .error-retry:focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: 2px;
  }
`;
