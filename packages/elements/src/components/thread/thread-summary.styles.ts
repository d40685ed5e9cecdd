import { css } from 'lit';

/** The collapsed summary under a thread's root. */
export const threadSummaryStyles = css`
  .thread-summary {
    grid-column: 2;
    justify-self: start;
    display: inline-flex;
    align-items: center;
    gap: var(--_space-s);
    max-inline-size: 100%;
    margin-block: var(--_space-xs);
    padding: var(--_space-xs) var(--_space-s);
    border: 1px solid var(--_color-border-subtle);
    border-radius: var(--_radius-m);
    background: var(--_color-surface);
    color: var(--_color-accent);
    font: inherit;
    font-size: var(--_font-size-s);
    cursor: pointer;
  }

  .thread-summary:hover {
    background: var(--_color-surface-2);
  }

  .thread-summary:focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: 1px;
  }

  .thread-avatars {
    display: inline-flex;
    padding-inline-start: 0.25rem;
  }

  .thread-avatar {
    inline-size: 1.25rem;
    block-size: 1.25rem;
    margin-inline-start: -0.25rem;
    font-size: 0.5625rem;
    box-shadow: 0 0 0 1.5px var(--_color-surface);
    overflow: hidden;
  }

  .thread-avatar .avatar-image {
    inline-size: 100%;
    block-size: 100%;
    object-fit: cover;
  }

  .thread-text {
    min-inline-size: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-weight: 600;
  }

  .thread-unread {
    min-inline-size: 1.25rem;
    padding: 0 var(--_space-xs);
    border-radius: var(--_radius-l);
    background: var(--_color-accent);
    color: var(--_color-on-accent);
    font-weight: 600;
    text-align: center;
  }
`;
