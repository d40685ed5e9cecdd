/**
 * docs/*.md to HTML for the documentation site (marked, GitHub-flavoured): headings get GitHub's anchors, so links
 * written for GitHub (`embedding.md#install`) work on the site too; relative links to `.md` files point to their
 * pages; every relative link and image is collected for the site's link check. A fenced block tagged `html live`
 * is a live example: its code is shown and the same HTML runs beneath it (live.js points its elements at the docs
 * server's homeserver).
 */
import { Marked, type Tokens } from 'marked';

export interface RenderedPage {
  readonly html: string;
  readonly title: string;
  /** The anchors this page defines. */
  readonly anchors: ReadonlySet<string>;
  /** Relative links and images as written (before `.md` became `.html`). */
  readonly links: readonly string[];
  /** The HTML of each live example. */
  readonly examples: readonly string[];
}

export const escapeHtml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/gu, '-');
}

const isRelative = (href: string): boolean => !/^[a-z][a-z0-9+.-]*:/iu.test(href) && !href.startsWith('//');

/** `guide.md#part` → `guide.html#part`; other links as they are. */
export const pageHref = (href: string): string => (isRelative(href) ? href.replace(/\.md(?=$|#)/u, '.html') : href);

/** The plain text of inline tokens (a heading's anchor is made from its text, not its markup). */
function plainText(tokens: readonly Tokens.Generic[]): string {
  return tokens.map((token) => (token.tokens ? plainText(token.tokens) : ((token as { text?: string }).text ?? ''))).join('');
}

export function renderMarkdown(source: string): RenderedPage {
  const anchors = new Set<string>();
  const links: string[] = [];
  const examples: string[] = [];
  let title = '';
  const seen = new Map<string, number>();
  const marked = new Marked({
    gfm: true,
    renderer: {
      heading({ tokens, depth }) {
        const text = plainText(tokens);
        if (depth === 1 && !title) title = text;
        const base = slug(text);
        const count = seen.get(base) ?? 0;
        seen.set(base, count + 1);
        const id = count === 0 ? base : `${base}-${String(count)}`;
        anchors.add(id);
        return `<h${String(depth)} id="${id}"><a class="anchor" href="#${id}" aria-hidden="true">#</a>${this.parser.parseInline(tokens)}</h${String(depth)}>\n`;
      },
      link({ href, title: linkTitle, tokens }) {
        if (isRelative(href)) links.push(href);
        const titled = linkTitle ? ` title="${escapeHtml(linkTitle)}"` : '';
        return `<a href="${escapeHtml(pageHref(href))}"${titled}>${this.parser.parseInline(tokens)}</a>`;
      },
      image({ href, text }) {
        if (isRelative(href)) links.push(href);
        return `<img src="${escapeHtml(href)}" alt="${escapeHtml(text)}" loading="lazy">`;
      },
      code({ text, lang }) {
        const language = (lang ?? '').split(/\s+/u);
        const code = `<pre><code class="language-${escapeHtml(language[0] ?? '')}">${escapeHtml(text)}</code></pre>\n`;
        if (language[0] !== 'html' || language[1] !== 'live') return code;
        examples.push(text);
        return `<figure class="live">${code}<div class="live-example">${text}</div></figure>\n`;
      },
    },
  });
  const html = marked.parse(source, { async: false });
  return { html, title, anchors, links, examples };
}
