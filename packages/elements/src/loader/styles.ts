/**
 * The shells' own styles: the size each element reserves before its view arrives (the same size the
 * view then takes, so mounting shifts nothing) and the facade. Built with constructable stylesheets
 * (no `<style>` elements, so a strict `style-src` CSP is fine).
 */

/** The block size an element reserves; the view's own styles use the same expression. */
export const reservedHeight = {
  room: 'var(--omni-room-height, 28rem)',
  chat: 'var(--omni-chat-height, 28rem)',
  dm: 'var(--omni-dm-height, 28rem)',
} as const;

export type ShellKind = keyof typeof reservedHeight;

function hostRules(kind: ShellKind): string {
  return `
:host {
  display: block;
  box-sizing: border-box;
  block-size: ${reservedHeight[kind]};
  border: 1px solid var(--omni-color-border-subtle, #d0d7de);
  border-radius: var(--omni-radius-m, 0.5rem);
  background: var(--omni-color-surface, #ffffff);
  color: var(--omni-color-text, #1b1f24);
  font-family: var(--omni-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
  font-size: var(--omni-font-size, 0.9375rem);
  line-height: var(--omni-line-height, 1.4);
  overflow: hidden;
  contain: content;
}
:host([hidden]) { display: none; }
:host([theme='dark']) {
  color-scheme: dark;
  background: var(--omni-color-surface, #16191d);
  color: var(--omni-color-text, #e6edf3);
  border-color: var(--omni-color-border-subtle, #373e47);
}
.omni-view { display: contents; }
.facade {
  box-sizing: border-box;
  block-size: 100%;
  display: flex;
  flex-direction: column;
  align-items: center;
  justify-content: center;
  gap: var(--omni-space-m, 0.75rem);
  padding: var(--omni-space-l, 1.25rem);
  text-align: center;
}
.facade p { margin: 0; }
.title { font-weight: 600; overflow-wrap: anywhere; }
.meta { color: var(--omni-color-text-muted, #555e68); font-size: var(--omni-font-size-s, 0.8125rem); }
:host([theme='dark']) .meta { color: var(--omni-color-text-muted, #a8b1bc); }
.facade button {
  font: inherit;
  padding: var(--omni-space-s, 0.375rem) var(--omni-space-l, 1.25rem);
  border: 0;
  border-radius: var(--omni-radius-m, 0.5rem);
  background: var(--omni-color-accent, #0a58ca);
  color: var(--omni-color-on-accent, #ffffff);
  cursor: pointer;
}
:host([theme='dark']) .facade button {
  background: var(--omni-color-accent, #6cb0ff);
  color: var(--omni-color-on-accent, #0d1117);
}
.facade button:focus-visible { outline: 2px solid var(--omni-color-focus, #0a58ca); outline-offset: 2px; }
.facade button:disabled { cursor: progress; opacity: 0.8; }
`;
}

const sheets = new Map<ShellKind, CSSStyleSheet>();

/** One stylesheet per kind of shell, shared by every element of that kind on the page. */
export function shellSheet(kind: ShellKind): CSSStyleSheet {
  let sheet = sheets.get(kind);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(hostRules(kind));
    sheets.set(kind, sheet);
  }
  return sheet;
}
