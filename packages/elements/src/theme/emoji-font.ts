/**
 * A colour emoji font for machines that have none (emoji would otherwise be empty boxes): Noto Color
 * Emoji from Fontsource. Its complete file, not the unicode-range subsets: those carry SVG glyphs
 * only, which Chromium does not draw; the complete file adds COLR glyphs, which every engine draws.
 * Registering the face downloads nothing: the browser fetches the file only when text set in
 * {@link emojiFontStack} needs a character that no system emoji font listed before it has, i.e. when
 * the emoji picker opens or a big-emoji message shows on such a machine. The file is an asset of the
 * build, loaded relative to the module (so `font-src 'self'` is enough).
 */
import fontUrl from '@fontsource/noto-color-emoji/files/noto-color-emoji-emoji-400-normal.woff2?url';
import unicodeRanges from '@fontsource/noto-color-emoji/unicode.json?raw';

/** Our own family name: a page's or system's "Noto Color Emoji" is left alone (and used first). */
export const EMOJI_FONT_FAMILY = 'OmniSocial Color Emoji';

/** System colour emoji fonts first (nothing to download), then ours. */
export const emojiFontStack = `'Apple Color Emoji', 'Segoe UI Emoji', 'Noto Color Emoji', '${EMOJI_FONT_FAMILY}'`;

let registered = false;

/** Adds the font's face to the page once (a page-wide font set: shadow roots cannot declare fonts). */
export function registerEmojiFont(): void {
  if (registered || typeof FontFace === 'undefined') return;
  registered = true;
  // The subsets' ranges together: the characters the font has, so that nothing else fetches it.
  const ranges = Object.values(JSON.parse(unicodeRanges) as Record<string, string>).join(',');
  const face = new FontFace(EMOJI_FONT_FAMILY, `url(${JSON.stringify(fontUrl)}) format('woff2')`, {
    unicodeRange: ranges,
    display: 'swap',
  });
  document.fonts.add(face);
}
