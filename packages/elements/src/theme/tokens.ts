import { css } from 'lit';

/**
 * Default values of the global `--omni-*` design tokens. A host page overrides any of them on the
 * element or an ancestor; components read them through private `--_*` fallbacks.
 */
export const tokens = css`
  :host {
    --_color-surface: var(--omni-color-surface, #ffffff);
    --_color-surface-2: var(--omni-color-surface-2, #f1f3f6);
    --_color-text: var(--omni-color-text, #1b1f24);
    --_color-text-muted: var(--omni-color-text-muted, #57606a);
    --_color-border: var(--omni-color-border, #d0d7de);
    --_color-accent: var(--omni-color-accent, #0a58ca);
    --_color-on-accent: var(--omni-color-on-accent, #ffffff);
    --_color-danger: var(--omni-color-danger, #b42318);
    --_font-family: var(--omni-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_font-size: var(--omni-font-size, 0.9375rem);
    --_radius: var(--omni-radius-m, 0.5rem);
    --_space-s: var(--omni-space-s, 0.375rem);
    --_space-m: var(--omni-space-m, 0.75rem);
  }

  :host([theme='dark']) {
    --_color-surface: var(--omni-color-surface, #16191d);
    --_color-surface-2: var(--omni-color-surface-2, #22272e);
    --_color-text: var(--omni-color-text, #e6edf3);
    --_color-text-muted: var(--omni-color-text-muted, #9da7b3);
    --_color-border: var(--omni-color-border, #444c56);
    --_color-accent: var(--omni-color-accent, #4493f8);
    --_color-on-accent: var(--omni-color-on-accent, #0d1117);
    --_color-danger: var(--omni-color-danger, #ff7b72);
  }
`;
