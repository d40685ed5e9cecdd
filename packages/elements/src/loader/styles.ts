/**
 * The shells' own styles: the size each element reserves before its view arrives (the same size the
 * view then takes, so mounting shifts nothing) and the facade. Built with constructable stylesheets
 * (no `<style>` elements, so a strict `style-src` CSP is fine).
 */

/** The block size an element reserves; the view's own styles use the same expression. */
export const reservedHeight = {
  room: 'var(--omni-room-height, 28rem)',
  chat: 'var(--omni-chat-height, 28rem)',
  dm: 'var(--omni-dm-height, var(--omni-room-height, 28rem))',
} as const;

export type ShellKind = keyof typeof reservedHeight;

/**
 * Compact on purpose: every byte here is in the loader. Defaults match the view's theme tokens.
 * `contain: inline-size`: the element takes the width its container gives it and never widens the
 * page from its content (a long title or URL would otherwise scroll a phone's page sideways).
 */
export function hostRules(kind: ShellKind): string {
  const dark =
    'color-scheme:dark;--_s:var(--omni-color-surface,#16191d);--_t:var(--omni-color-text,#e6edf3);' +
    '--_b:var(--omni-color-border-subtle,#373e47);--_a:var(--omni-color-accent,#6cb0ff);--_o:var(--omni-color-on-accent,#0d1117);' +
    '--_m:var(--omni-color-mention-subtle,#3b3117);--_n:var(--omni-color-mention,#e3b341)';
  return [
    ':host{--_s:var(--omni-color-surface,#fff);--_t:var(--omni-color-text,#1b1f24);--_b:var(--omni-color-border-subtle,#d0d7de);' +
      '--_a:var(--omni-color-accent,#0a58ca);--_o:var(--omni-color-on-accent,#fff);' +
      '--_m:var(--omni-color-mention-subtle,#fff3cd);--_n:var(--omni-color-mention,#b7791f);' +
      `display:block;box-sizing:border-box;block-size:${reservedHeight[kind]};overflow:hidden;contain:inline-size layout paint style;` +
      'border:1px solid var(--_b);border-radius:var(--omni-radius-m,.5rem);background:var(--_s);color:var(--_t);' +
      'font:var(--omni-font-size,.9375rem)/var(--omni-line-height,1.4) var(--omni-font-family,system-ui,sans-serif)}',
    ':host([hidden]){display:none}',
    `:host([theme=dark]){${dark}}`,
    `@media (prefers-color-scheme:dark){:host([theme=auto]){${dark}}}`,
    '.facade{box-sizing:border-box;block-size:100%;display:flex;flex-direction:column;align-items:center;justify-content:center;' +
      'gap:var(--omni-space-m,.75rem);padding:var(--omni-space-l,1.25rem);text-align:center}',
    '.facade p{margin:0}',
    '.facade .title{font-weight:600;overflow-wrap:anywhere}',
    // One line even when empty: "Loading…" appearing must not move the title and button (a layout shift).
    '.facade .meta{opacity:.8;font-size:var(--omni-font-size-s,.8125rem);min-block-size:1lh}',
    '.facade button{font:inherit;padding:var(--omni-space-s,.375rem) var(--omni-space-l,1.25rem);border:0;cursor:pointer;' +
      'border-radius:var(--omni-radius-m,.5rem);background:var(--_a);color:var(--_o)}',
    '.facade button:focus-visible,.launcher:focus-visible{outline:2px solid var(--omni-color-focus,var(--_a));outline-offset:2px}',
    // presentation="launcher": a compact button (its panel's styles come with the views chunk, panel.ts).
    ':host([presentation=launcher]){display:inline-block;max-inline-size:100%;block-size:auto;border:0;background:none;overflow:visible;contain:none;container-type:normal}',
    '.launcher{font:inherit;display:inline-flex;align-items:center;gap:var(--omni-space-s,.375rem);cursor:pointer;anchor-name:--omni-launcher;max-inline-size:100%;' +
      'padding:var(--omni-space-s,.375rem) var(--omni-space-m,.75rem);border:1px solid var(--_b);border-radius:var(--omni-radius-m,.5rem);background:var(--_s);color:var(--_t)}',
    '.launcher svg{flex:none;inline-size:1.25em;block-size:1.25em;fill:var(--_a)}',
    // The speech bubble's tail sits at the start of the line.
    ':host(:dir(rtl)) .launcher svg{transform:scaleX(-1)}',
    // A long name wraps onto a second line at most instead of widening the page (a one-line ellipsis would
    // still count its full width in the page's layout).
    '.launcher .name{min-inline-size:0;overflow:hidden;overflow-wrap:anywhere;text-align:start;display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:2}',
    '[part=launcher-badge]{flex:none;padding:0 .5em;border-radius:1em;background:var(--_a);color:var(--_o);font-weight:600}',
    '[part=launcher-badge]:empty{display:none}',
    '[part=launcher-mentions]{flex:none;padding:0 .45em;border-radius:1em;border:1px solid var(--_n);background:var(--_m);color:var(--_t);font-weight:600}',
    '[part=launcher-mentions]:empty{display:none}',
  ].join('');
}

const sheets = new Map<ShellKind, CSSStyleSheet>();
let viewSheet: CSSStyleSheet | undefined;

/**
 * The one rule a shell keeps once its view is mounted: the view element is the flex column holding the
 * header, log and composer, filling the element's box. The column is not the element itself, so a page
 * rule such as `omni-room { display: block }` (outer rules beat `:host` rules) cannot undo the layout.
 */
export function mountedSheet(): CSSStyleSheet {
  if (!viewSheet) {
    viewSheet = new CSSStyleSheet();
    viewSheet.replaceSync(
      '.omni-view{display:flex;flex-direction:column;flex:1 1 0;box-sizing:border-box;block-size:100%;min-block-size:0;min-inline-size:0}',
    );
  }
  return viewSheet;
}

/** The facade's stylesheet, one per kind of shell, shared by every element of that kind on the page. */
export function shellSheet(kind: ShellKind): CSSStyleSheet {
  let sheet = sheets.get(kind);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(hostRules(kind));
    sheets.set(kind, sheet);
  }
  return sheet;
}
