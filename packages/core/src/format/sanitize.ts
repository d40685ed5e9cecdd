/**
 * The only way `formatted_body` HTML reaches the screen: DOMPurify configured from the Matrix
 * client-server spec's allowlist ("m.room.message msgtypes → HTML"), plus the checks DOMPurify cannot
 * express per tag (attribute allowlists, URL schemes, colours, `mx-reply`, nesting depth).
 * It returns DOM nodes; callers insert them as nodes, never re-serialise them into `innerHTML`
 * (re-parsing sanitised markup is how mutation XSS happens).
 */
import createDOMPurify, { type DOMPurify } from 'dompurify';
import { safeLinkHref, safeMxc } from './urls.ts';

/** Tags the spec allows in `org.matrix.custom.html`. */
export const ALLOWED_TAGS: readonly string[] = [
  'font',
  'del',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'p',
  'a',
  'ul',
  'ol',
  'sup',
  'sub',
  'li',
  'b',
  'i',
  'u',
  'strong',
  'em',
  's',
  'code',
  'hr',
  'br',
  'div',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'caption',
  'pre',
  'span',
  'img',
  'details',
  'summary',
];

/**
 * Attributes kept per tag after sanitising. `img` keeps `data-mxc` (its `mxc://` source, resolved by the
 * UI through authenticated media) instead of `src`; colours are moved to `element.style` and `a` gets a
 * forced `rel`/`target`, so those input attributes are not in the output.
 */
export const ALLOWED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  font: [],
  span: ['data-mx-spoiler'],
  a: ['name', 'target', 'href', 'rel'],
  img: ['width', 'height', 'alt', 'title', 'data-mxc'],
  ol: ['start'],
  code: ['class'],
};

/** Deepest element nesting kept; deeper content is flattened to its text. */
export const MAX_NESTING_DEPTH = 100;

const COLOR = /^#[0-9a-fA-F]{6}$/;
const LANGUAGE_CLASS = /^language-[A-Za-z0-9_+#.-]{1,40}$/;
const DIGITS = /^\d{1,5}$/;

/** Attributes read from the input at all (per-tag filtering happens in the hook). */
const INPUT_ATTRIBUTES = [
  'data-mx-bg-color',
  'data-mx-color',
  'color',
  'data-mx-spoiler',
  'name',
  'target',
  'href',
  'width',
  'height',
  'alt',
  'title',
  'src',
  'start',
  'class',
];
const INPUT_ATTRIBUTES_PER_TAG: Readonly<Record<string, ReadonlySet<string>>> = {
  font: new Set(['data-mx-bg-color', 'data-mx-color', 'color']),
  span: new Set(['data-mx-bg-color', 'data-mx-color', 'data-mx-spoiler']),
  a: new Set(['name', 'target', 'href']),
  img: new Set(['width', 'height', 'alt', 'title', 'src']),
  ol: new Set(['start']),
  code: new Set(['class']),
};

function acceptAttribute(tag: string, name: string, value: string): boolean {
  if (!INPUT_ATTRIBUTES_PER_TAG[tag]?.has(name)) return false;
  switch (name) {
    case 'data-mx-color':
    case 'data-mx-bg-color':
    case 'color':
      return COLOR.test(value);
    case 'href':
      return safeLinkHref(value) !== undefined;
    case 'src':
      return safeMxc(value) !== undefined;
    case 'class':
      return LANGUAGE_CLASS.test(value);
    case 'width':
    case 'height':
    case 'start':
      return DIGITS.test(value);
    default:
      return true;
  }
}

/** Work after DOMPurify kept an element: colours onto `style`, forced link attributes, mxc images. */
function finishElement(element: Element): void {
  const tag = element.localName;
  const color = element.getAttribute('data-mx-color') ?? element.getAttribute('color');
  const background = element.getAttribute('data-mx-bg-color');
  // CSSOM writes are allowed under a strict CSP, unlike a `style` attribute; only `#rrggbb` reaches here.
  if (color && COLOR.test(color)) (element as HTMLElement).style.color = color;
  if (background && COLOR.test(background)) (element as HTMLElement).style.backgroundColor = background;
  element.removeAttribute('data-mx-color');
  element.removeAttribute('data-mx-bg-color');
  element.removeAttribute('color');
  if (tag === 'a') {
    const href = element.getAttribute('href');
    const safe = href === null ? undefined : safeLinkHref(href);
    if (safe === undefined) element.removeAttribute('href');
    else element.setAttribute('href', safe);
    // Links open away from the page and never hand it `window.opener` or a referrer.
    element.setAttribute('target', '_blank');
    element.setAttribute('rel', 'noopener noreferrer');
  }
  if (tag === 'img') {
    const mxc = safeMxc(element.getAttribute('src') ?? '');
    // No `src` ever leaves the sanitiser: an image may only load through authenticated media.
    element.removeAttribute('src');
    if (mxc) element.setAttribute('data-mxc', mxc);
  }
}

const purifiers = new WeakMap<Window, DOMPurify>();

function purifierFor(view: Window & typeof globalThis): DOMPurify {
  const existing = purifiers.get(view);
  if (existing) return existing;
  const purifier = createDOMPurify(view);
  purifier.addHook('uponSanitizeAttribute', (node, data) => {
    // DOMPurify's allowlist is global; the spec's is per tag, and values have formats.
    if (!acceptAttribute(node.localName, data.attrName, data.attrValue)) data.keepAttr = false;
  });
  purifier.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeType === 1) finishElement(node);
  });
  purifiers.set(view, purifier);
  return purifier;
}

/** Replaces elements nested deeper than {@link MAX_NESTING_DEPTH} with their text; iterative, so deep input cannot overflow the stack. */
function capDepth(root: DocumentFragment): void {
  const stack: Array<{ node: Node; depth: number }> = [{ node: root, depth: 0 }];
  while (stack.length) {
    const entry = stack.pop();
    if (!entry) break;
    const { node, depth } = entry;
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType !== 1) continue;
      if (depth + 1 >= MAX_NESTING_DEPTH) {
        const text = (child.ownerDocument ?? document).createTextNode(child.textContent ?? '');
        child.replaceWith(text);
        child = text;
      } else {
        stack.push({ node: child, depth: depth + 1 });
      }
    }
  }
}

/**
 * Sanitises `formatted_body` into nodes owned by `doc` (the page's document by default), ready to
 * append. Unknown tags are unwrapped (their text stays), `script`/`style`-like tags and `mx-reply`
 * are removed with their content.
 */
export function sanitizeFormattedBody(html: string, doc: Document = document): DocumentFragment {
  const view = doc.defaultView;
  if (!view) throw new Error('sanitizeFormattedBody needs a document with a window');
  const purifier = purifierFor(view);
  const fragment = purifier.sanitize(html, {
    ALLOWED_TAGS: [...ALLOWED_TAGS],
    ALLOWED_ATTR: INPUT_ATTRIBUTES,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
    ALLOW_SELF_CLOSE_IN_ATTR: false,
    SAFE_FOR_TEMPLATES: false,
    ADD_FORBID_CONTENTS: ['mx-reply'],
    // Values are checked per attribute in the hook (schemes, colours, mxc); DOMPurify's generic URI test would drop spoiler reasons with a colon.
    ADD_URI_SAFE_ATTR: ['data-mx-spoiler', 'data-mx-color', 'data-mx-bg-color', 'color', 'width', 'height', 'start'],
    // A second line of defence behind the hook: absolute URLs of allowed schemes only (mxc for images).
    ALLOWED_URI_REGEXP: /^(?:https?|ftp|mailto|magnet|mxc):/i,
    // `name` on links must not clobber document or form properties when rendered outside a shadow root.
    SANITIZE_NAMED_PROPS: true,
    KEEP_CONTENT: true,
    WHOLE_DOCUMENT: false,
    RETURN_DOM_FRAGMENT: true,
  }) as DocumentFragment | null;
  // DOMPurify gives null when the input has no body to sanitise (e.g. only a `<frameset>`).
  if (!fragment) return doc.createDocumentFragment();
  capDepth(fragment);
  return fragment.ownerDocument === doc ? fragment : doc.adoptNode(fragment);
}
