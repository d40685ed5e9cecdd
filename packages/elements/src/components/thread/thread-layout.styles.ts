import { css } from 'lit';

/**
 * Where a room view shows an open thread: beside its timeline in a side panel when the element is
 * wide, over it (full width, the room's content hidden) when it is narrow, as on a phone.
 */
export const threadLayoutStyles = css`
  .thread-panel {
    position: absolute;
    inset-block: 0;
    inset-inline-end: 0;
    z-index: 2;
    inline-size: var(--_thread-width);
    border-inline-start: 1px solid var(--_color-border-subtle);
  }

  :host(:state(thread-open)) {
    --_thread-width: min(26rem, 45%);
    position: relative;
  }

  /* The view's own pieces (wherever the shell puts them) make room for the panel. */
  :host(:state(thread-open)) :is(.header, .comment-sort, .timeline, .empty, .composer, .invite, .standing, .moderation-notice, .sign-in) {
    margin-inline-end: var(--_thread-width);
  }

  @container (max-width: 40rem) {
    .thread-panel {
      inline-size: auto;
      inset-inline-start: 0;
      border-inline-start: none;
    }

    :host(:state(thread-open)) :is(.header, .comment-sort, .timeline, .empty, .composer, .invite, .standing, .moderation-notice, .sign-in) {
      margin-inline-end: 0;
      visibility: hidden;
    }
  }
`;
