/**
 * The launcher's panel (`presentation="launcher"`): a modal `<dialog>` anchored to the launcher button,
 * holding the full view. Part of the views chunk, not the loader: a launcher only needs it once opened.
 */
import { msg } from '@lit/localize';
import { svgIcon } from './icon.ts';

const sheets = new Map<string, CSSStyleSheet>();

/**
 * The panel's styles: the view inside lays out as it does in its own box, a flex column of the block
 * size the element would reserve inline (`height`, from the loader's styles; importing them here would
 * split the loader into one more chunk).
 */
export function panelSheet(height: string): CSSStyleSheet {
  let sheet = sheets.get(height);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(
      `dialog{box-sizing:border-box;inline-size:min(28rem,100vw - 1rem);block-size:min(${height},100dvh - 1rem);` +
        // The UA's max sizes for a modal dialog are percentages of the anchored area (a sliver beside a launcher
        // at the page's edge), which would squeeze the panel instead of letting it flip to where it fits.
        'max-inline-size:none;max-block-size:none;' +
        'padding:0;border:1px solid var(--_b);border-radius:var(--omni-radius-m,.5rem);background:var(--_s);color:var(--_t);' +
        'overflow:hidden;flex-direction:column;container-type:inline-size;' +
        // Below the button, or wherever it fits; centred where anchor positioning is not supported.
        'position-anchor:--omni-launcher;position-area:block-end span-inline-end;inset:auto;margin:.25rem 0;' +
        'position-try-fallbacks:flip-block,flip-inline,flip-block flip-inline}' +
        'dialog[open]{display:flex}' +
        // The Close button sits in the corner of the view's header, which leaves it room.
        '.close{position:absolute;inset-block-start:.25rem;inset-inline-end:.25rem;z-index:2;display:grid;place-items:center;' +
        'inline-size:2.25rem;block-size:2.25rem;padding:0;border:0;border-radius:var(--omni-radius-m,.5rem);background:none;color:inherit;cursor:pointer}' +
        '.close:hover{background:rgb(127 127 127/.15)}' +
        '.close:focus-visible{outline:2px solid var(--omni-color-focus,var(--_a));outline-offset:-2px}' +
        '.close svg{inline-size:1.25rem;block-size:1.25rem;stroke:currentColor;stroke-width:2;stroke-linecap:round}' +
        'dialog .header{padding-inline-end:2.75rem}' +
        'dialog::backdrop{background:rgb(0 0 0/.2)}' +
        '@supports not (position-area:block-end){dialog{inset:0;margin:auto}}',
    );
    sheets.set(height, sheet);
  }
  return sheet;
}

/**
 * Creates the (closed) panel; the shell adopts {@link panelSheet} with the view's styles and puts the
 * view after its Close button. Esc, the Close button (touch screens have no Esc), or a click outside it
 * closes it: `onClose` then returns focus to the launcher.
 */
export function createPanel(onClose: () => void): HTMLDialogElement {
  const dialog = document.createElement('dialog');
  dialog.setAttribute('part', 'panel');
  dialog.setAttribute('closedby', 'any');
  dialog.tabIndex = -1;
  dialog.addEventListener('close', onClose);
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'close';
  close.setAttribute('part', 'panel-close');
  close.setAttribute('aria-label', msg('Close'));
  close.append(svgIcon('M6 6l12 12M18 6L6 18'));
  close.addEventListener('click', () => dialog.close());
  dialog.append(close);
  return dialog;
}

/**
 * The log was laid out in the closed panel (no size): once open, bring it to the latest message. A few
 * frames, as the virtualised log measures what comes into view; the scroll also lets it mark them read.
 */
export async function toLatest(root: ParentNode): Promise<void> {
  const log = root.querySelector<HTMLElement>('[role="log"]');
  if (!log) return;
  for (let frame = 0; frame < 20; frame++) {
    const bottom = log.scrollHeight - log.clientHeight;
    if (frame > 2 && Math.abs(log.scrollTop - bottom) < 1) return;
    log.scrollTop = bottom;
    await new Promise(requestAnimationFrame);
  }
}
