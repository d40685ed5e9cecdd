/**
 * Minifies the CSS of Lit's `css` tagged templates in the build: the views' style sheets are written with comments
 * and indentation for their readers (13.9 KB of the views chunk), which every page would otherwise download, parse
 * and keep as source text in its heap. Only the template's literal parts change: comments go,
 * runs of white space become one space, and the space around `{`, `}`, `;` and `,` goes. Quoted strings are kept as
 * they are. A template this cannot read with certainty (a comment or string that runs into a `${…}`, a back-tick
 * inside an expression) is left whole.
 */

/** The literal part of a template between two expressions (or its ends), minified. Undefined: leave it. */
export function minifyCssPart(part: string): string | undefined {
  let out = '';
  let i = 0;
  while (i < part.length) {
    const char = part[i] ?? '';
    if (char === '/' && part[i + 1] === '*') {
      const end = part.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      i = end + 2;
      if (!out.endsWith(' ')) out += ' ';
      continue;
    }
    if (char === '"' || char === "'") {
      let j = i + 1;
      while (j < part.length && part[j] !== char) j += part[j] === '\\' ? 2 : 1;
      if (j >= part.length) return undefined;
      out += part.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (char === '\\') {
      out += part.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (/\s/.test(char)) {
      while (i < part.length && /\s/.test(part[i] ?? '')) i += 1;
      if (!out.endsWith(' ')) out += ' ';
      continue;
    }
    out += char;
    i += 1;
  }
  return squeeze(out);
}

/** Drops the one space left around `{`, `}`, `;` and `,` (outside quoted strings, which `minifyCssPart` copied whole). */
function squeeze(css: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < css.length; i++) {
    const char = css[i] ?? '';
    if (quote) {
      out += char;
      if (char === '\\') out += css[++i] ?? '';
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    if (char === ' ' && (/[{};,]$/.test(out) || /^[{};,]/.test(css[i + 1] ?? ''))) continue;
    out += char;
  }
  return out;
}

/**
 * Minifies every `css\`…\`` template of a module's source; the source as it was when there is none. Expressions
 * (`${…}`) are copied as they are.
 */
export function minifyCssLiterals(source: string): string {
  let out = '';
  let from = 0;
  for (let start = source.indexOf('css`'); start >= 0; start = source.indexOf('css`', from)) {
    // `css` as a tag, not the end of another name (`unsafeCss\``).
    if (/[\w$]/.test(source[start - 1] ?? '')) {
      out += source.slice(from, start + 4);
      from = start + 4;
      continue;
    }
    const template = readTemplate(source, start + 4);
    if (!template) break;
    const parts = template.parts.map(minifyCssPart);
    out += source.slice(from, start + 4);
    if (parts.some((part) => part === undefined)) out += source.slice(start + 4, template.end);
    else {
      const body = parts.map((part, index) => {
        const expression = template.expressions[index];
        return expression === undefined ? (part ?? '') : `${part ?? ''}\${${expression}}`;
      });
      out += `${body.join('')}\``;
    }
    from = template.end;
  }
  return out + source.slice(from);
}

/** The template starting at `at` (after its back-tick): its literal parts, its expressions, and where it ends (after the closing back-tick). */
export function readTemplate(source: string, at: number): { parts: string[]; expressions: string[]; end: number } | undefined {
  const parts: string[] = [];
  const expressions: string[] = [];
  let part = '';
  let i = at;
  while (i < source.length) {
    const char = source[i];
    if (char === '\\') {
      part += source.slice(i, i + 2);
      i += 2;
    } else if (char === '`') {
      parts.push(part);
      return { parts, expressions, end: i + 1 };
    } else if (char === '$' && source[i + 1] === '{') {
      let depth = 1;
      let j = i + 2;
      while (j < source.length && depth > 0) {
        if (source[j] === '`') return undefined;
        if (source[j] === '{') depth += 1;
        if (source[j] === '}') depth -= 1;
        j += 1;
      }
      parts.push(part);
      part = '';
      expressions.push(source.slice(i + 2, j - 1));
      i = j;
    } else {
      part += char ?? '';
      i += 1;
    }
  }
  return undefined;
}
