/**
 * The themes page of the documentation site, generated from docs/themes/*.css (what a theme author copies, never
 * written twice): each theme's description (its leading comment), its file, and live elements wearing it, light and
 * dark. The build checks each theme's colour pairs against WCAG 2.2 AA (4.5:1 for text, 3:1 for borders and focus).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { marked } from 'marked';
import { escapeHtml } from './markdown.ts';

export interface Theme {
  readonly name: string;
  readonly file: string;
  readonly css: string;
  readonly description: string;
  /** Colour tokens of the light set and of the dark set (`surface` → `#ffffff`). */
  readonly sets: readonly ReadonlyMap<string, string>[];
}

/** Text on background at 4.5:1, non-text at 3:1 (WCAG 2.2: 1.4.3 and 1.4.11). */
const PAIRS: readonly (readonly [string, string, number])[] = [
  ['text', 'surface', 4.5],
  ['text', 'surface-2', 4.5],
  ['text', 'accent-subtle', 4.5],
  ['text', 'mention-subtle', 4.5],
  ['text-muted', 'surface', 4.5],
  ['text-muted', 'surface-2', 4.5],
  ['accent', 'surface', 4.5],
  ['on-accent', 'accent', 4.5],
  ['danger', 'surface', 4.5],
  ['border', 'surface', 3],
  ['focus', 'surface', 3],
  ['mention', 'surface', 3],
];

function luminance(hex: string): number {
  const value = /^#([0-9a-f]{6})$/iu.exec(hex)?.[1];
  if (!value) throw new Error(`${hex} is not a #rrggbb colour`);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const channel = Number.parseInt(value.slice(i, i + 2), 16) / 255;
    return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** The `--omni-color-*` tokens of each rule of the file, in order (light, then dark). */
function colourSets(css: string): Map<string, string>[] {
  return css
    .split('}')
    .map((block) => new Map([...block.matchAll(/--omni-color-([a-z0-9-]+):\s*(#[0-9a-f]{6})\s*;/giu)].map((m) => [m[1] ?? '', m[2] ?? ''])))
    .filter((set) => set.size > 0);
}

/** Every pair below its ratio, as a readable line. */
export function contrastProblems(theme: Theme): string[] {
  const problems: string[] = [];
  theme.sets.forEach((set, index) => {
    for (const [foreground, background, minimum] of PAIRS) {
      const [fg, bg] = [set.get(foreground), set.get(background)];
      if (!fg || !bg) {
        problems.push(`${theme.file} (${index === 0 ? 'light' : 'dark'}): --omni-color-${!fg ? foreground : background} is missing`);
        continue;
      }
      const ratio = contrast(fg, bg);
      if (ratio < minimum)
        problems.push(
          `${theme.file} (${index === 0 ? 'light' : 'dark'}): ${foreground} on ${background} is ${ratio.toFixed(2)}:1, under ${String(minimum)}:1`,
        );
    }
  });
  if (theme.sets.length !== 2)
    problems.push(`${theme.file}: expected a light and a dark set of colours, found ${String(theme.sets.length)}`);
  return problems;
}

export async function readThemes(directory: string): Promise<Theme[]> {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.css')).sort();
  return Promise.all(
    files.map(async (file) => {
      const css = await readFile(path.join(directory, file), 'utf8');
      const comment = /^\/\*([\s\S]*?)\*\//u.exec(css)?.[1] ?? '';
      const text = comment
        .split('\n')
        .map((line) => line.replace(/^\s*\* ?/u, ''))
        .join(' ')
        .trim();
      const [name = file, description = ''] = text.split(/:\s(.*)/su);
      return { name, file, css, description: description.split(/\s{2,}|Copy this file/u)[0]?.trim() ?? '', sets: colourSets(css) };
    }),
  );
}

/** One live example per theme and scheme, on the demo homeserver's lobby. */
const example = (theme: Theme, scheme: 'light' | 'dark'): string =>
  `<omni-room class="omni-theme-${path.basename(theme.file, '.css')}" room="#lobby:{server}" theme="${scheme}"></omni-room>`;

export function themesPage(themes: readonly Theme[]): string {
  const sections = themes.map((theme) =>
    [
      `<section class="theme" id="${path.basename(theme.file, '.css')}">`,
      `<h2>${escapeHtml(theme.name)}</h2>`,
      `<p>${marked.parseInline(theme.description, { async: false })}</p>`,
      `<p><a href="themes/${theme.file}" download>Download ${theme.file}</a></p>`,
      `<div class="live-example theme-pair">${example(theme, 'light')}${example(theme, 'dark')}</div>`,
      `<details><summary>${theme.file}</summary><pre><code class="language-css">${escapeHtml(theme.css)}</code></pre></details>`,
      '</section>',
    ].join('\n'),
  );
  return [
    '<h1>Themes</h1>',
    '<p>Three complete themes to copy: every colour token in a light and a dark set, typography, corners and spacing ',
    '(the tokens are described in <a href="theming.html">Theming</a>). Link or paste the file, then put its class on the elements or on an ',
    "ancestor. Each example below is a live <code>&lt;omni-room&gt;</code> on the docs server's homeserver.</p>",
    ...sections,
  ].join('\n');
}
