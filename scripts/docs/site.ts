/**
 * Builds the documentation site: a page per docs/**\/*.md (marked), the API reference generated from
 * packages/elements/custom-elements.json, the themes page generated from docs/themes/*.css, the screenshots of record,
 * and the script-tag build of the elements for the live examples (`pnpm build` first). A plain static site: no
 * framework runs it, so any static server serves it; `pnpm docs` (scripts/docs.ts) serves it beside a homeserver.
 *
 * The build fails, listing every problem, on a broken relative link or anchor, a link leaving docs/, an image that
 * does not exist, a live example using a tag or attribute the manifest does not document, or a theme colour pair
 * under WCAG AA.
 */
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiReference, documentedAttributes, readElements, type ElementDeclaration } from './api.ts';
import { escapeHtml, renderMarkdown, type RenderedPage } from './markdown.ts';
import { contrastProblems, readThemes, themesPage } from './themes.ts';
import { LIVE_JS, SITE_CSS } from './assets.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const docsDir = path.join(root, 'docs');
const elementsDist = path.join(root, 'packages/elements/dist');

/** The sidebar's order; pages not named here follow, by file name. */
const ORDER = [
  'index.md',
  'examples.md',
  'embedding.md',
  'server-rendering.md',
  'angular.md',
  'sign-in.md',
  'sessions.md',
  'posts.md',
  'dm.md',
  'attachments.md',
  'encryption.md',
  'moderation.md',
  'theming.md',
  'security.md',
  'server.md',
  'development.md',
  'screenshots/README.md',
];

/** Pages the build makes from something else than a Markdown file. */
const GENERATED = { 'api.html': 'API reference', 'themes.html': 'Themes' } as const;

/** Attributes any element takes. */
const GLOBAL_ATTRIBUTES = new Set(['class', 'id', 'style', 'slot', 'hidden', 'lang', 'dir', 'title', 'tabindex']);

export interface DocsSite {
  readonly outDir: string;
  /** The pages written, relative to `outDir`. */
  readonly pages: readonly string[];
  readonly elements: readonly ElementDeclaration[];
}

async function markdownFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)));
  const rank = (file: string): number => (ORDER.includes(file) ? ORDER.indexOf(file) : ORDER.length);
  return files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

const htmlName = (markdown: string): string => markdown.replace(/\.md$/u, '.html');
const exists = (file: string): Promise<boolean> =>
  stat(file).then(
    () => true,
    () => false,
  );

function layout(page: string, title: string, body: string, nav: readonly [string, string][], live: boolean): string {
  const up = '../'.repeat(page.split('/').length - 1);
  const links = nav
    .map(([href, label]) => `<li><a href="${up}${href}"${href === page ? ' aria-current="page"' : ''}>${escapeHtml(label)}</a></li>`)
    .join('');
  const themes = page === 'themes.html' ? ['paper', 'midnight', 'compact'] : [];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · OmniSocial Chat</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${up}site.css">
${themes.map((theme) => `<link rel="stylesheet" href="${up}themes/${theme}.css">`).join('\n')}
</head>
<body>
<nav aria-label="Documentation"><p class="brand"><a href="${up}index.html">OmniSocial Chat</a></p><ul>${links}</ul></nav>
<main>
${body}
</main>
${live ? `<script type="module" src="${up}live.js"></script>` : ''}
</body>
</html>
`;
}

/** Problems with a page's relative links: missing files, missing anchors, links out of docs/. */
async function linkProblems(file: string, page: RenderedPage, pages: ReadonlyMap<string, RenderedPage>): Promise<string[]> {
  const problems: string[] = [];
  for (const link of page.links) {
    const [target = '', anchor] = link.split('#');
    const resolved = target ? path.posix.normalize(path.posix.join(path.posix.dirname(file), target)) : file;
    if (resolved.startsWith('..')) {
      problems.push(`${file}: ${link} leaves docs/ (the site cannot serve it)`);
      continue;
    }
    const linked = pages.get(resolved);
    if (resolved.endsWith('.md') && !linked) problems.push(`${file}: ${link} is not a page`);
    else if (!resolved.endsWith('.md') && !(resolved in GENERATED) && !(await exists(path.join(docsDir, resolved))))
      problems.push(`${file}: ${link} does not exist`);
    else if (anchor && linked && !linked.anchors.has(anchor)) problems.push(`${file}: ${link}: no heading #${anchor}`);
  }
  return problems;
}

/** Problems with a live example: a tag or an attribute the manifest does not document. */
function exampleProblems(file: string, html: string, elements: readonly ElementDeclaration[]): string[] {
  const problems: string[] = [];
  for (const [, tag = '', attributes = ''] of html.matchAll(/<(omni-[a-z-]+)([^>]*)>/gu)) {
    const element = elements.find((candidate) => candidate.tagName === tag);
    if (!element) {
      problems.push(`${file}: a live example uses <${tag}>, which the manifest does not declare`);
      continue;
    }
    const documented = documentedAttributes(element);
    for (const [, name = ''] of attributes.matchAll(/\s([a-z][a-z0-9-]*)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?/gu))
      if (!documented.has(name) && !GLOBAL_ATTRIBUTES.has(name))
        problems.push(`${file}: <${tag} ${name}> in a live example is not a documented attribute`);
  }
  return problems;
}

export async function buildDocsSite(outDir: string): Promise<DocsSite> {
  const elements = await readElements(path.join(root, 'packages/elements/custom-elements.json'));
  const themes = await readThemes(path.join(docsDir, 'themes'));
  const files = await markdownFiles(docsDir);
  const rendered = new Map<string, RenderedPage>();
  for (const file of files) rendered.set(file, renderMarkdown(await readFile(path.join(docsDir, file), 'utf8')));

  const problems = themes.flatMap(contrastProblems);
  for (const [file, page] of rendered) {
    problems.push(...(await linkProblems(file, page, rendered)));
    for (const example of page.examples) problems.push(...exampleProblems(file, example, elements));
  }
  const themesHtml = themesPage(themes);
  problems.push(...exampleProblems('themes.html', themesHtml, elements));
  if (problems.length > 0) throw new Error(`the documentation site has ${String(problems.length)} problem(s):\n${problems.join('\n')}`);

  const nav: [string, string][] = [];
  for (const [file, page] of rendered) {
    nav.push([htmlName(file), file === 'screenshots/README.md' ? 'Screenshots' : page.title || file]);
    if (file === 'theming.md') nav.push(['themes.html', GENERATED['themes.html']]);
  }
  nav.push(['api.html', GENERATED['api.html']]);

  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const pages: string[] = [];
  const write = async (page: string, title: string, body: string, live: boolean): Promise<void> => {
    await mkdir(path.dirname(path.join(outDir, page)), { recursive: true });
    await writeFile(path.join(outDir, page), layout(page, title, body, nav, live));
    pages.push(page);
  };
  for (const [file, page] of rendered) await write(htmlName(file), page.title, page.html, page.examples.length > 0);
  await write('api.html', GENERATED['api.html'], apiReference(elements), false);
  await write('themes.html', GENERATED['themes.html'], themesHtml, true);

  for (const directory of ['screenshots', 'screens', 'themes'])
    if (await exists(path.join(docsDir, directory)))
      await cp(path.join(docsDir, directory), path.join(outDir, directory), {
        recursive: true,
        filter: (source) => !source.endsWith('.md'),
      });
  // The script-tag build: omni-chat.js loads its chunks and assets relative to its own URL.
  for (const part of ['omni-chat.js', 'chunks', 'assets'])
    await cp(path.join(elementsDist, part), path.join(outDir, 'omni', part), { recursive: true });
  await writeFile(path.join(outDir, 'site.css'), SITE_CSS);
  await writeFile(path.join(outDir, 'live.js'), LIVE_JS);
  return { outDir, pages, elements };
}
