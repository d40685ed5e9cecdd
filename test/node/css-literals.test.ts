/**
 * The build's minifier of Lit `css` templates (scripts/css-literals.ts): what it removes, what it keeps, and, in
 * Chromium, that every style sheet of the views parses to the same rules before and after.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minifyCssLiterals, minifyCssPart, readTemplate } from '../../scripts/css-literals.ts';
import { launchChromium } from '../support/chromium.ts';

const elements = fileURLToPath(new URL('../../packages/elements/src/', import.meta.url));

test('comments and indentation go; the space around braces, semicolons and commas goes', () => {
  assert.equal(
    minifyCssLiterals('const s = css`\n  /* The frame. */\n  .a,\n  .b > .c {\n    color: red;\n    margin: 0 auto;\n  }\n`;'),
    'const s = css` .a,.b > .c{color: red;margin: 0 auto;}`;',
  );
});

test('quoted strings, escapes and expressions are kept as they are', () => {
  assert.equal(minifyCssPart(`.q::before { content: "a  /* b */  c"; }`), '.q::before{content: "a  /* b */  c";}');
  assert.equal(minifyCssPart(`.q::before { content: '\\201C  '; }`), ".q::before{content: '\\201C  ';}");
  assert.equal(minifyCssLiterals('css`\n  .a { color: ${color}; }\n  ${more}\n`'), 'css` .a{color: ${color};}${more} `');
});

test('a template it cannot read with certainty is left whole; other tags are not touched', () => {
  const spanning = 'css`.a { /* uses ${x} */ color: red; }`';
  assert.equal(minifyCssLiterals(spanning), spanning);
  const nested = 'css`.a { color: ${`red`}; }`';
  assert.equal(minifyCssLiterals(nested), nested);
  const other = 'html`<p>  a  </p>` + unsafeCss`  .a  {  }  `';
  assert.equal(minifyCssLiterals(other), other);
});

async function cssSources(): Promise<string[]> {
  const files = (await readdir(elements, { recursive: true })).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
  const sources = await Promise.all(files.map((file) => readFile(path.join(elements, file), 'utf8')));
  return sources.filter((source) => source.includes('css`'));
}

/** Each `css` template of `source` as one style sheet's text, its expressions standing as comments. */
function templates(source: string): string[] {
  const found: string[] = [];
  for (let at = source.indexOf('css`'); at >= 0; at = source.indexOf('css`', at + 4)) {
    if (/[\w$]/.test(source[at - 1] ?? '')) continue;
    const template = readTemplate(source, at + 4);
    if (template) found.push(template.parts.join('/* expression */'));
  }
  return found;
}

test('every style sheet of the views parses to the same rules in Chromium once minified', async () => {
  const sources = await cssSources();
  const pairs = sources.flatMap((source) => {
    const before = templates(source);
    const after = templates(minifyCssLiterals(source));
    assert.equal(after.length, before.length);
    return before.map((text, index) => [text, after[index] ?? ''] as const);
  });
  assert.ok(pairs.length > 20, `${String(pairs.length)} style sheets`);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const differ = await page.evaluate((all) => {
      const rules = (text: string): string[] => {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(text);
        // Custom properties keep their value's text as written (white space, comments) in the CSS object model,
        // where the minified text differs only in white space: compared without it.
        return [...sheet.cssRules].map((rule) =>
          rule.cssText
            .replace(/\/\*[^]*?\*\//g, ' ')
            .replace(/\s+/g, ' ')
            .replace(/ ?([,()]) ?/g, '$1'),
        );
      };
      return all.filter(([before, after]) => JSON.stringify(rules(before)) !== JSON.stringify(rules(after))).map(([before]) => before);
    }, pairs);
    assert.deepEqual(differ, []);
    const saved = pairs.reduce((sum, [before, after]) => sum + before.length - after.length, 0);
    assert.ok(saved > 10_000, `${String(saved)} characters saved`);
  } finally {
    await browser.close();
  }
});
