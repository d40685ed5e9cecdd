import { css } from 'lit';

/** The tile's frame: room-change notices, the message grid (gutter and content column), head, avatar, sender and time. */
export const messageLayoutStyles = css`
  .notice-summary > summary {
    cursor: pointer;
    inline-size: fit-content;
    margin-inline: auto;
  }

  .notice-changes {
    margin: var(--_space-xs) 0 0;
    padding: 0;
    list-style: none;
  }

  /*
   * Dense, as the best chat products lay messages out: a gutter (avatar on the first message of a run,
   * the time on hover for the others) beside the content column.
   */
  .message {
    --_bubble-bg: var(--omni-message-bubble-background, transparent);
    --_bubble-own-bg: var(--omni-message-bubble-own-background, var(--_bubble-bg));
    --_bubble-radius: var(--omni-message-bubble-radius, var(--_radius-l));
    --_avatar-size: var(--omni-avatar-size, 2rem);
    --_gutter: max(var(--_avatar-size), 2.75rem);
    --_line: calc(var(--_font-size) * var(--_line-height));
    /*
     * The toolbar's box (as many buttons as the tile sets in --_tools): space for it is kept at the top corner, with a
     * gap of 4px so a line ending at the edge never touches it.
     */
    --_tool-size: 1.5rem;
    --_tools-inline: calc(var(--_tools, 2) * (var(--_tool-size) + 2px) + 10px);
    --_tools-block: calc(var(--_tool-size) + 4px);
    position: relative;
    box-sizing: border-box;
    inline-size: 100%;
    display: grid;
    grid-template-columns: var(--_gutter) minmax(0, 1fr);
    column-gap: var(--_space-s);
    align-items: start;
    padding: 1px var(--_space-m);
    overflow-wrap: anywhere;
    outline: none;
  }

  .message > * {
    grid-column: 2;
  }

  .message:not(.continuation) {
    padding-block-start: var(--_space-s);
  }

  .message:focus-visible {
    box-shadow: inset 0 0 0 2px var(--_color-focus);
    border-radius: var(--_radius-m);
  }

  .message:hover,
  .message:focus-within {
    background: color-mix(in srgb, var(--_color-surface-2) 60%, transparent);
  }

  .message > .avatar {
    grid-column: 1;
    grid-row: 1 / span 2;
    justify-self: center;
    margin-block-start: 0.125rem;
  }

  .head {
    display: flex;
    align-items: baseline;
    gap: var(--_space-s);
    min-inline-size: 0;
    line-height: var(--_tools-block);
  }

  /*
   * The head is one line either way, so keeping the toolbar's room only while it shows moves nothing;
   * a name cut meanwhile keeps its full text in its title.
   */
  .actionable:is(:hover, :focus-within) .head {
    padding-inline-end: var(--_tools-inline);
  }

  .avatar,
  .receipt {
    display: inline-grid;
    place-items: center;
    box-sizing: border-box;
    inline-size: var(--_avatar-size);
    block-size: var(--_avatar-size);
    border-radius: 50%;
    background: var(--_avatar-bg, #3949ab);
    /* Every avatar colour holds white initials at AA or better, in both themes. */
    color: #ffffff;
    font-size: var(--_font-size-s);
    font-weight: 600;
    line-height: 1;
  }

  .sender {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-size: var(--_font-size-s);
    font-weight: 700;
    color: var(--_color-text);
  }

  .time {
    flex: none;
    font-size: 0.75rem;
    color: var(--_color-text-muted);
    white-space: nowrap;
  }

  /* After the first message of a run, the time waits in the gutter until the message is hovered or focused. */
  .continuation > .time {
    grid-column: 1;
    grid-row: 1;
    justify-self: end;
    line-height: var(--_line);
    font-size: 0.6875rem;
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
  }

  .continuation:hover > .time,
  .continuation:focus-within > .time {
    position: static;
    inline-size: auto;
    block-size: auto;
    overflow: visible;
    clip-path: none;
  }
`;
