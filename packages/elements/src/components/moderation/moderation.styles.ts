import { css } from 'lit';

/**
 * Moderation in every room-like view: the "More" menu of a message, the confirmation and member-list
 * dialogs, the notice after an action, the header's Members button, and the line a removed, banned or
 * muted member sees in place of the composer.
 */
export const moderationStyles = css`
  .actions.more {
    flex-direction: column;
    align-items: stretch;
    min-inline-size: 12rem;
  }

  .actions.more button {
    text-align: start;
  }

  .members-button {
    font: inherit;
    font-size: var(--_font-size-s);
    padding: var(--_space-xs) var(--_space-s);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-s);
    background: transparent;
    color: var(--_color-text);
    cursor: pointer;
    white-space: nowrap;
  }

  /* After the name and detail, before the encryption indicator and the panels. */
  .header .members-button {
    flex: none;
  }

  .standing {
    margin: 0;
    padding: var(--_space-m);
    border-block-start: 1px solid var(--_color-border-subtle);
    background: var(--_color-surface-2);
    color: var(--_color-text);
    text-align: center;
  }

  .moderation-notice {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space-s);
    margin: 0;
    padding: var(--_space-s) var(--_space-m);
    border-block-start: 1px solid var(--_color-border-subtle);
    background: var(--_color-accent-subtle);
    color: var(--_color-text);
  }

  .moderation-notice[role='alert'] {
    color: var(--_color-danger);
  }

  .moderation-notice span {
    flex: 1 1 12rem;
  }

  .moderation-notice button,
  .confirm-dialog button,
  .members-dialog button {
    font: inherit;
    font-size: var(--_font-size-s);
    padding: var(--_space-xs) var(--_space-m);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-s);
    background: var(--_color-surface);
    color: var(--_color-text);
    cursor: pointer;
  }

  .confirm-dialog button.danger,
  .members-dialog button.danger {
    color: var(--_color-danger);
  }

  .confirm-dialog button.confirm {
    border-color: var(--_color-danger);
  }

  button:disabled {
    cursor: default;
    opacity: 0.6;
  }

  .confirm-dialog,
  .members-dialog {
    box-sizing: border-box;
    inline-size: min(28rem, calc(100vw - 2rem));
    max-block-size: min(36rem, calc(100vh - 2rem));
    padding: var(--_space-l);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-m);
    background: var(--_color-surface);
    color: var(--_color-text);
    font-family: var(--_font-family);
    font-size: var(--_font-size);
    line-height: var(--_line-height);
  }

  .confirm-dialog::backdrop,
  .members-dialog::backdrop {
    background: rgb(0 0 0 / 45%);
  }

  .confirm-dialog h2,
  .members-dialog h2 {
    margin: 0 0 var(--_space-s);
    font-size: 1.0625em;
    overflow-wrap: anywhere;
  }

  .confirm-dialog p {
    margin: 0 0 var(--_space-m);
    color: var(--_color-text-muted);
  }

  .confirm-dialog label {
    display: block;
    margin-block-end: var(--_space-xs);
    font-size: var(--_font-size-s);
  }

  .confirm-dialog textarea {
    box-sizing: border-box;
    inline-size: 100%;
    margin-block-end: var(--_space-m);
    padding: var(--_space-s);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-s);
    background: var(--_color-surface);
    color: var(--_color-text);
    font: inherit;
    resize: vertical;
  }

  .confirm-dialog label.include-text {
    display: flex;
    align-items: center;
    gap: var(--_space-s);
    font-size: inherit;
  }

  .confirm-dialog .include-text-hint {
    font-size: var(--_font-size-s);
  }

  .confirm-dialog progress {
    inline-size: 100%;
    margin-block-end: var(--_space-m);
  }

  .confirm-dialog .dialog-error {
    padding: 0;
    color: var(--_color-danger);
  }

  .dialog-buttons {
    display: flex;
    justify-content: flex-end;
    gap: var(--_space-s);
  }

  .members-top {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space-m);
  }

  .member-list {
    margin: var(--_space-s) 0 0;
    padding: 0;
    list-style: none;
  }

  .member {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space-s);
    padding: var(--_space-s) 0;
    border-block-start: 1px solid var(--_color-border-subtle);
  }

  .member-who {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: var(--_space-xs) var(--_space-s);
    min-inline-size: 0;
  }

  .member-name {
    font-weight: 600;
    overflow-wrap: anywhere;
  }

  .member-id {
    font-size: var(--_font-size-s);
    color: var(--_color-text-muted);
    overflow-wrap: anywhere;
  }

  .role {
    display: inline-block;
    margin-inline-end: var(--_space-xs);
    padding: 0 var(--_space-s);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-l);
    font-size: var(--_font-size-s);
  }

  .member-actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space-xs);
  }
`;
