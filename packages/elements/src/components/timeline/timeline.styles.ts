import { css } from 'lit';
import { visuallyHiddenStyles } from '../../theme/visually-hidden.styles.ts';

/** Styles of the timeline; included by whichever element renders one. */
export const timelineStyles = css`
  .timeline {
    --_timeline-bg: var(--omni-timeline-background, var(--_color-surface));
    position: relative;
    flex: 1;
    min-block-size: 0;
    display: flex;
    flex-direction: column;
    background: var(--_timeline-bg);
  }

  .log {
    flex: 1;
    min-block-size: 0;
    overflow-y: auto;
    overscroll-behavior: contain;
    outline: none;
  }

  .log:focus-visible {
    box-shadow: inset 0 0 0 2px var(--_color-focus);
  }

  .day,
  .read-marker {
    box-sizing: border-box;
    inline-size: 100%;
    display: flex;
    align-items: center;
    gap: var(--_space-m);
    padding: var(--_space-m);
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
  }

  .day::before,
  .day::after,
  .read-marker::before,
  .read-marker::after {
    content: '';
    flex: 1;
    border-block-start: 1px solid var(--_color-border-subtle);
  }

  .read-marker {
    color: var(--_color-danger);
    font-weight: 600;
  }

  .read-marker::before,
  .read-marker::after {
    border-color: var(--_color-danger);
  }

  .line {
    box-sizing: border-box;
    inline-size: 100%;
    margin: 0;
    padding: var(--_space-xs) var(--_space-m);
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
    text-align: center;
    overflow-wrap: anywhere;
  }

  .placeholder {
    font-style: italic;
  }

  .jump {
    position: absolute;
    inset-block-end: calc(1.5em + var(--_space-m));
    inset-inline-end: var(--_space-m);
    font: inherit;
    font-size: var(--_font-size-s);
    padding: var(--_space-s) var(--_space-m);
    border: none;
    border-radius: var(--_radius-l);
    background: var(--_color-accent);
    color: var(--_color-on-accent);
    cursor: pointer;
    box-shadow: 0 2px 6px rgb(0 0 0 / 25%);
  }

  .jump:focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: 2px;
  }

  .loading {
    position: absolute;
    inset-block-start: var(--_space-s);
    inset-inline: 0;
    margin: 0 auto;
    inline-size: max-content;
    padding: var(--_space-xs) var(--_space-m);
    border-radius: var(--_radius-l);
    background: var(--_color-surface-2);
    color: var(--_color-text);
    font-size: var(--_font-size-s);
  }

  .typing {
    margin: 0;
    min-block-size: 1.5em;
    padding: 0 var(--_space-m);
    font-size: var(--_font-size-s);
    font-style: italic;
    color: var(--_color-text-muted);
  }

  ${visuallyHiddenStyles}
`;
