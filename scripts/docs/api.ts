/**
 * The API reference page, generated from packages/elements/custom-elements.json (itself generated from the
 * elements' JSDoc by `pnpm build`): nothing about an element's API is written twice. Also what the site's build
 * checks live examples against: the tags and the attributes each one documents.
 */
import { readFile } from 'node:fs/promises';
import { marked } from 'marked';
import { escapeHtml } from './markdown.ts';

interface Named {
  readonly name: string;
  readonly description?: string;
  readonly default?: string;
  readonly type?: { readonly text: string };
  readonly kind?: string;
  readonly privacy?: string;
  readonly static?: boolean;
  readonly attribute?: string;
}

export interface ElementDeclaration {
  readonly tagName: string;
  readonly name: string;
  readonly summary?: string;
  readonly description?: string;
  readonly attributes?: readonly Named[];
  readonly members?: readonly Named[];
  readonly events?: readonly Named[];
  readonly slots?: readonly Named[];
  readonly cssParts?: readonly Named[];
  readonly cssProperties?: readonly Named[];
  readonly cssStates?: readonly Named[];
}

interface Manifest {
  readonly modules: readonly { readonly declarations?: readonly (ElementDeclaration | { readonly tagName?: undefined })[] }[];
}

export async function readElements(manifestFile: string): Promise<ElementDeclaration[]> {
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Manifest;
  const elements = manifest.modules.flatMap((module) =>
    (module.declarations ?? []).filter((declaration): declaration is ElementDeclaration => Boolean(declaration.tagName)),
  );
  if (elements.length === 0) throw new Error(`${manifestFile} declares no custom element`);
  return elements;
}

const inline = (text: string | undefined): string => (text ? marked.parseInline(text, { async: false }) : '');

function table(caption: string, rows: readonly Named[] | undefined, columns: readonly [string, (row: Named) => string][]): string {
  if (!rows || rows.length === 0) return '';
  const head = columns.map(([name]) => `<th scope="col">${name}</th>`).join('');
  const body = rows.map((row) => `<tr>${columns.map(([, cell]) => `<td>${cell(row)}</td>`).join('')}</tr>`).join('\n');
  return `<h3>${caption}</h3>\n<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>\n`;
}

const code = (text: string | undefined): string => (text ? `<code>${escapeHtml(text)}</code>` : '');
const nameColumn: [string, (row: Named) => string] = ['Name', (row) => code(row.name)];
const descriptionColumn: [string, (row: Named) => string] = ['Description', (row) => inline(row.description)];

/** The public properties: fields, not static, not private, not the elements' internals. */
const properties = (element: ElementDeclaration): Named[] =>
  (element.members ?? []).filter((member) => member.kind === 'field' && !member.static && !member.privacy && !member.name.startsWith('#'));

/** The import that defines an element: the loader's entry, except for what only some pages load. */
const ENTRIES: Readonly<Record<string, string>> = { 'omni-moderation-queue': '@omnisocial/chat/moderation' };

function elementSection(element: ElementDeclaration): string {
  return [
    `<section class="api-element" id="${element.tagName}">`,
    `<h2><a class="anchor" href="#${element.tagName}" aria-hidden="true">#</a><code>&lt;${element.tagName}&gt;</code></h2>`,
    `<p class="summary">${inline(element.summary)}</p>`,
    `<p>${inline(element.description)}</p>`,
    `<p>Class: <code>${element.name}</code>, exported by <code>${ENTRIES[element.tagName] ?? '@omnisocial/chat'}</code>.</p>`,
    table('Attributes', element.attributes, [
      nameColumn,
      ['Property', (row) => code(properties(element).find((p) => p.attribute === row.name)?.name)],
      ['Type', (row) => code(row.type?.text)],
      ['Default', (row) => code(row.default)],
      descriptionColumn,
    ]),
    table(
      'Properties',
      properties(element).filter((property) => !property.attribute),
      [nameColumn, ['Type', (row) => code(row.type?.text)], descriptionColumn],
    ),
    table('Events', element.events, [nameColumn, ['Type', (row) => code(row.type?.text)], descriptionColumn]),
    table('Slots', element.slots, [['Name', (row) => (row.name ? code(row.name) : '(default)')], descriptionColumn]),
    table('CSS parts', element.cssParts, [['Part', (row) => code(`::part(${row.name})`)], descriptionColumn]),
    table('CSS custom properties', element.cssProperties, [nameColumn, ['Default', (row) => code(row.default)], descriptionColumn]),
    table('Custom states', element.cssStates, [['State', (row) => code(`:state(${row.name})`)], descriptionColumn]),
    '</section>',
  ].join('\n');
}

/** The reference's body: one section per element, in the manifest's order. */
export function apiReference(elements: readonly ElementDeclaration[]): string {
  const toc = elements.map((element) => `<li><a href="#${element.tagName}"><code>&lt;${element.tagName}&gt;</code></a></li>`).join('');
  return [
    '<h1>API reference</h1>',
    '<p>Generated from <code>custom-elements.json</code> (the <code>customElements</code> field of <code>@omnisocial/chat</code>), ',
    "itself generated from the elements' source by <code>pnpm build</code>.</p>",
    `<ul>${toc}</ul>`,
    ...elements.map(elementSection),
  ].join('\n');
}

/** The attributes an element documents, for checking live examples. */
export const documentedAttributes = (element: ElementDeclaration): Set<string> =>
  new Set((element.attributes ?? []).map((attribute) => attribute.name));
