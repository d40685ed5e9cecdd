import { css } from 'lit';

/** Inside the bubble: the body (cut when long, "Show more"), own and bot messages, unreadable and deleted ones, "(edited)", the reply quote. */
export const messageBubbleStyles = css`
  .bubble {
    min-inline-size: 0;
    border-radius: var(--_bubble-radius);
    background: var(--_bubble-bg);
    color: var(--_color-text);
    line-height: var(--_line-height);
  }

  /* Room for the toolbar beside the first line, so that it never covers the text (the head keeps it otherwise). */
  .actionable.continuation .bubble::before {
    content: '';
    float: inline-end;
    inline-size: var(--_tools-inline);
    block-size: calc(var(--_tools-block) - 1px);
  }

  /* A long message is cut to a few lines until "Show more". */
  .clamp:not(.expanded) {
    max-block-size: calc(var(--_line) * 8);
    overflow: hidden;
    mask-image: linear-gradient(to bottom, #000 70%, transparent);
  }

  .more {
    justify-self: start;
    margin-block: var(--_space-xs);
    padding: 0;
    border: none;
    background: none;
    font: inherit;
    font-size: var(--_font-size-s);
    font-weight: 600;
    color: var(--_color-accent);
    text-decoration: underline;
    cursor: pointer;
  }

  .own .bubble {
    background: var(--_bubble-own-bg);
  }

  .bot .bubble {
    justify-self: start;
    padding: var(--_space-xs) var(--_space-s);
    background: transparent;
    border: 1px dashed var(--_color-border);
    color: var(--_color-text-muted);
  }

  .body {
    white-space: pre-wrap;
  }

  /*
   * A message keeps its own direction (dir="auto"), but in a right-to-left view its lines start from the right,
   * beside its sender, as the view's own lines do: a left-to-right message would otherwise start at the far edge,
   * its first line pushed aside by the room kept for the toolbar.
   */
  :host(:dir(rtl)) .body {
    text-align: right;
  }

  :host(:dir(rtl)) .body :is(ul, ol) {
    list-style-position: inside;
  }

  /* An encrypted message that cannot be read (yet): a muted placeholder, never content. */
  .undecryptable .bubble,
  .undecryptable.own .bubble {
    justify-self: start;
    padding: var(--_space-xs) var(--_space-s);
    background: transparent;
    border: 1px dashed var(--_color-border);
    color: var(--_color-text-muted);
  }

  .undecryptable-text {
    font-style: italic;
  }

  .meta button[aria-disabled='true'] {
    cursor: default;
    color: var(--_color-text-muted);
  }

  .undecryptable-reason {
    display: block;
    margin-block-start: var(--_space-xs);
    font-size: var(--_font-size-s);
  }

  .deleted,
  .edited {
    font-style: italic;
    color: var(--_color-text-muted);
  }

  .edited {
    margin-inline-start: var(--_space-s);
    font-size: var(--_font-size-s);
  }

  .reply-quote {
    display: flex;
    flex-wrap: wrap;
    gap: 0 var(--_space-s);
    margin: 0 0 var(--_space-s);
    padding-inline-start: var(--_space-s);
    border-inline-start: 3px solid var(--_color-accent);
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
  }

  .reply-sender {
    font-weight: 600;
  }

  .reply-body {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    max-inline-size: 100%;
  }
`;
