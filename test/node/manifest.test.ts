/**
 * The custom-elements manifest (`cem analyze`, as `pnpm build` runs it) against the docs and the one declaration of
 * the attributes (packages/elements/src/loader/attributes.ts): every attribute, event, slot, part, CSS property and
 * custom state a page can use is in the manifest, and every one in the manifest is documented.
 * Where each element is documented: `<omni-room>` in docs/embedding.md, `<omni-chat>` in docs/posts.md, `<omni-dm>` in
 * docs/dm.md; what the three share (the room view's parts and tokens, states, the common events) in docs/theming.md
 * and docs/embedding.md. The two standalone elements each in one section: `<omni-count>` in docs/posts.md ("Counts for
 * a feed"), `<omni-moderation-queue>` in docs/moderation.md, each with an attribute table and `Parts:`, `Events:`
 * and `CSS properties:` lists.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chatAttributes,
  dmAttributes,
  roomAttributes,
  shellAttributes,
  type AttributeTable,
} from '../../packages/elements/src/loader/attributes.ts';
import { root } from '../support/build.ts';

interface Named {
  name: string;
}
interface Declaration {
  name: string;
  tagName?: string;
  customElement?: boolean;
  attributes?: Array<Named & { fieldName?: string; description?: string }>;
  events?: Named[];
  slots?: Named[];
  cssParts?: Named[];
  cssProperties?: Named[];
  cssStates?: Named[];
}

const elementsDir = path.join(root, 'packages/elements');
const doc = (name: string): Promise<string> => readFile(path.join(root, 'docs', name), 'utf8');

/** The text of a `## heading` section (up to the next `## `). */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `no "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + heading.length + 4);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** The backticked names in the first column of the tables whose first header is `header`. */
function tableColumn(markdown: string, header: string): Set<string> {
  const names = new Set<string>();
  let inTable = false;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      inTable = false;
      continue;
    }
    const first = line.split('|')[1]?.trim() ?? '';
    if (first === header) inTable = true;
    else if (inTable) for (const [, name] of first.matchAll(/`([^`]+)`/g)) if (name) names.add(name);
  }
  return names;
}

/** Every backticked word in the text (`sign-in`, `--omni-color-text`, `omni-error`…). */
const backticked = (markdown: string): Set<string> => new Set([...markdown.matchAll(/`([^`\s]+)`/g)].map((m) => m[1] ?? ''));
const names = (list: Named[] | undefined): string[] => (list ?? []).map((item) => item.name).sort();
const missing = (expected: Iterable<string>, present: Set<string>): string[] => [...expected].filter((name) => !present.has(name)).sort();

/** The backticked names of the sentence or paragraph that starts with `label:` ("Parts: `heading`, `item`."). */
function listed(markdown: string, label: string): Set<string> {
  const match = new RegExp(`(?:^|\\n|\\. )${label}:([^]*?)(?:\\.(?: [A-Z]|\\n)|\\n\\n|$)`, 'u').exec(markdown);
  assert.ok(match, `no "${label}:" list`);
  return backticked(match[1] ?? '');
}

let manifest: Map<string, Declaration>;
const element = (tag: string): Declaration => {
  const declaration = manifest.get(tag);
  assert.ok(declaration, `<${tag}> is not in the manifest`);
  return declaration;
};

let embedding: string;
let theming: string;
/** Each element's own page, and the part of it that lists its events. */
const pages = {
  'omni-room': { file: 'embedding.md', own: '', events: '', attributes: roomAttributes, shell: shellAttributes.room },
  'omni-chat': { file: 'posts.md', own: '', events: '', attributes: chatAttributes, shell: shellAttributes.chat },
  'omni-dm': { file: 'dm.md', own: '', events: '', attributes: dmAttributes, shell: shellAttributes.dm },
} satisfies Record<string, { file: string; own: string; events: string; attributes: AttributeTable; shell: readonly string[] }>;
const tags = Object.keys(pages) as Array<keyof typeof pages>;
/** The standalone elements' sections. */
const standalone = {
  'omni-count': { file: 'posts.md', heading: 'Counts for a feed: `<omni-count>`', own: '' },
  'omni-moderation-queue': {
    file: 'moderation.md',
    heading: "The moderation queue on the site's own page: `<omni-moderation-queue>`",
    own: '',
  },
};
const standaloneTags = Object.keys(standalone) as Array<keyof typeof standalone>;

before(async () => {
  const analyse = spawnSync('cem', ['analyze', '--quiet', '--config', 'custom-elements-manifest.config.mjs'], {
    cwd: elementsDir,
    encoding: 'utf8',
  });
  assert.equal(analyse.status, 0, `cem analyze failed: ${analyse.stdout}${analyse.stderr}`);
  const json = JSON.parse(await readFile(path.join(elementsDir, 'custom-elements.json'), 'utf8')) as {
    modules: Array<{ declarations?: Declaration[] }>;
  };
  const declarations = json.modules.flatMap((module) => module.declarations ?? []);
  manifest = new Map(declarations.filter((d) => d.customElement && d.tagName).map((d) => [d.tagName ?? '', d]));
  embedding = await doc('embedding.md');
  theming = await doc('theming.md');
  pages['omni-room'].own = section(embedding, '`<omni-room>`');
  pages['omni-room'].events = section(embedding, 'Events');
  const posts = await doc('posts.md');
  for (const tag of standaloneTags) standalone[tag].own = section(await doc(standalone[tag].file), standalone[tag].heading);
  // What posts.md says of `<omni-count>` is not `<omni-chat>`'s.
  pages['omni-chat'].own = posts.replace(standalone['omni-count'].own, '');
  pages['omni-chat'].events = section(posts, 'Events');
  const dm = await doc('dm.md');
  pages['omni-dm'].own = dm;
  pages['omni-dm'].events = section(dm, 'Events, parts, slots');
});

describe('the custom-elements manifest', () => {
  test('has exactly the five public elements, and package.json points at it', async () => {
    assert.deepEqual([...manifest.keys()].sort(), ['omni-chat', 'omni-count', 'omni-dm', 'omni-moderation-queue', 'omni-room']);
    const packageJson = JSON.parse(await readFile(path.join(elementsDir, 'package.json'), 'utf8')) as { customElements?: string };
    assert.equal(packageJson.customElements, 'custom-elements.json');
  });

  for (const tag of tags) {
    describe(`<${tag}>`, () => {
      test('attributes: the declared ones, each in the manifest with its property, each in the docs table', () => {
        const page = pages[tag];
        const table: AttributeTable = page.attributes;
        const declared = [...Object.values(table).map((a) => a.attribute), ...page.shell].sort();
        assert.deepEqual(names(element(tag).attributes), declared, 'manifest attributes ≠ attributes.ts');
        for (const [property, { attribute }] of Object.entries(table)) {
          const entry = element(tag).attributes?.find((a) => a.name === attribute);
          assert.equal(entry?.fieldName, property, `${attribute} has no property in the manifest`);
          assert.ok(entry.description, `${attribute} has no description in the manifest`);
        }
        assert.deepEqual([...tableColumn(page.own, 'Attribute')].sort(), declared, `docs/${page.file}'s attribute table`);
      });

      test('events: each in the manifest is documented, each documented is in the manifest', () => {
        const page = pages[tag];
        const common = tableColumn(section(embedding, 'Events'), 'Event');
        const own = new Set([...backticked(page.events)].filter((name) => /^omni-[a-z-]+$/.test(name)));
        const documented = new Set([...common, ...own]);
        const inManifest = new Set(names(element(tag).events));
        assert.deepEqual(missing(inManifest, documented), [], `events of <${tag}> missing from docs/${page.file}`);
        assert.deepEqual(missing(documented, inManifest), [], `documented events of <${tag}> missing from the manifest`);
      });

      test('slots: each in the manifest is documented, each documented is in the manifest', () => {
        const page = pages[tag];
        // "slots `empty` and `sign-in`", "Slots: `sign-in`, `empty`", "the `sign-in` slot".
        const lists = [...page.own.matchAll(/\bslots?:?((?:\s*(?:,|and)?\s*`[a-z-]+`)+)/gi)].map((m) => m[1] ?? '');
        const single = [...page.own.matchAll(/`([a-z-]+)` slot/g)].map((m) => `\`${m[1] ?? ''}\``);
        const documented = backticked([...lists, ...single].join(' '));
        const inManifest = new Set(names(element(tag).slots));
        assert.ok(inManifest.size > 0, 'no slots in the manifest');
        assert.deepEqual(missing(inManifest, documented), [], `slots of <${tag}> missing from docs/${page.file}`);
        assert.deepEqual(missing(documented, inManifest), [], `documented slots of <${tag}> missing from the manifest`);
      });

      test('parts: each in the manifest is documented, each documented is in the manifest', () => {
        const page = pages[tag];
        const shared = tableColumn(theming, 'Part');
        const documented = new Set([...shared, ...backticked(page.own), ...backticked(embedding)]);
        const inManifest = new Set(names(element(tag).cssParts));
        assert.deepEqual(missing(inManifest, documented), [], `parts of <${tag}> missing from the docs`);
        assert.deepEqual(missing(shared, inManifest), [], `docs/theming.md's parts missing from <${tag}>'s manifest`);
      });

      test('CSS properties: each in the manifest is documented, each documented is in the manifest', () => {
        const page = pages[tag];
        const tokens = new Set([...tableColumn(theming, 'Token')]);
        const documented = new Set([...backticked(theming), ...backticked(page.own), ...backticked(embedding)]);
        const inManifest = new Set(names(element(tag).cssProperties));
        assert.deepEqual(missing(inManifest, documented), [], `CSS properties of <${tag}> missing from the docs`);
        assert.deepEqual(missing(tokens, inManifest), [], `docs/theming.md's tokens missing from <${tag}>'s manifest`);
        assert.ok(inManifest.has(`--${tag}-height`), `--${tag}-height is not in the manifest`);
      });

      test('custom states: each in the manifest is documented, each documented is in the manifest', () => {
        const documented = new Set([...theming.matchAll(/:state\(([a-z-]+)\)/g)].map((m) => m[1] ?? ''));
        const inManifest = new Set(names(element(tag).cssStates));
        assert.deepEqual([...inManifest].sort(), [...documented].sort());
      });
    });
  }

  for (const tag of standaloneTags) {
    describe(`<${tag}>`, () => {
      const documented = (): string => standalone[tag].own;
      const where = `docs/${standalone[tag].file}`;

      test('attributes: each in the manifest, described and paired with its property, is in the docs table, and back', () => {
        const inManifest = element(tag).attributes ?? [];
        assert.ok(inManifest.length > 0, 'no attributes in the manifest');
        for (const attribute of inManifest) assert.ok(attribute.description, `${attribute.name} has no description in the manifest`);
        assert.deepEqual(names(inManifest), [...tableColumn(documented(), 'Attribute')].sort(), `${where}'s attribute table`);
        const properties = tableColumn(documented(), 'Property');
        for (const attribute of inManifest)
          if (attribute.fieldName)
            assert.ok(properties.size === 0 || properties.has(attribute.fieldName), `${attribute.fieldName} not in ${where}`);
      });

      for (const [label, key] of [
        ['Events', 'events'],
        ['Parts', 'cssParts'],
        ['CSS properties', 'cssProperties'],
      ] as const)
        test(`${label.toLowerCase()}: each in the manifest is documented, each documented is in the manifest`, () => {
          const listedNames = [...listed(documented(), label)].filter((name) => key !== 'cssProperties' || name.startsWith('--'));
          assert.deepEqual(names(element(tag)[key]), listedNames.sort(), `${label} of <${tag}>: manifest ≠ ${where}`);
        });

      test('no slots and no custom states, as documented', () => {
        assert.deepEqual(names(element(tag).slots), []);
        assert.deepEqual(names(element(tag).cssStates), []);
      });
    });
  }
});
