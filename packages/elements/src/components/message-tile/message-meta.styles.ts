import { css } from 'lit';

/** Under the bubble: the meta line (send state, trust shield), reactions and read receipts. */
export const messageMetaStyles = css`
  .meta {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space-s);
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
  }

  .meta:empty {
    display: none;
  }

  span.status.failed {
    color: var(--_color-danger);
    font-weight: 600;
  }

  .trust {
    display: inline-flex;
    color: var(--_color-danger);
  }

  .shared-by {
    font-style: italic;
  }

  .trust svg {
    inline-size: 0.875rem;
    block-size: 0.875rem;
    fill: currentColor;
  }

  .reactions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space-xs);
    margin-block-start: var(--_space-xs);
  }

  .reaction {
    display: inline-flex;
    gap: var(--_space-xs);
    align-items: center;
    padding: 0 var(--_space-s);
    border-radius: var(--_radius-l);
    border: 1px solid var(--_color-border);
    background: var(--_color-surface);
    color: var(--_color-text);
  }

  .reaction[aria-pressed='true'] {
    border-color: var(--_color-accent);
    background: var(--_color-accent-subtle);
  }

  /* Shown once, under the latest message someone has read: small avatars at the end of the line. */
  .receipts {
    display: flex;
    justify-self: end;
    padding-inline-start: 0.25rem;
    margin-block: var(--_space-xs);
  }

  .receipt {
    inline-size: 1rem;
    block-size: 1rem;
    font-size: 0.5625rem;
    margin-inline-start: -0.25rem;
    box-shadow: 0 0 0 1.5px var(--_color-surface);
  }

  .receipt.more {
    inline-size: auto;
    padding: 0 var(--_space-xs);
    border-radius: var(--_radius-l);
    background: var(--_color-surface-2);
    color: var(--_color-text);
  }
`;
