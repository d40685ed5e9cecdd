/**


 */
import { waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';

export function shadow(el: Element): ShadowRoot {
  if (!el.shadowRoot) throw new Error(`${el.localName} has no shadow root`);
  return el.shadowRoot;
}

/** Everything an element renders, through nested shadow roots, whitespace collapsed. */
export function deepText(node: Node): string {
  let text = '';
  const visit = (n: Node): void => {
    if (n.nodeType === Node.TEXT_NODE) text += n.textContent ?? '';
    if (n instanceof Element && n.shadowRoot) visit(n.shadowRoot);
    for (const child of n.childNodes) visit(child);
  };
  visit(node);
  return text.replace(/\s+/gu, ' ');
}

export const log = (el: Element): HTMLElement | null => shadow(el).querySelector<HTMLElement>('[role="log"]');
export const articles = (el: Element): HTMLElement[] => [...shadow(el).querySelectorAll<HTMLElement>('[role="log"] article')];
export const articleWith = (el: Element, text: string): HTMLElement | undefined => articles(el).find((a) => a.textContent.includes(text));
export const textbox = (el: Element): HTMLTextAreaElement | null =>
  shadow(el).querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]');

/** The button named `name` (its `aria-label`, else its text) under `scope`. */
export const button = (scope: ParentNode, name: string): HTMLButtonElement | undefined =>
  [...scope.querySelectorAll<HTMLButtonElement>('button')].find(
    (b) => (b.getAttribute('aria-label') ?? b.textContent.replace(/\s+/gu, ' ').trim()) === name,
  );

export async function waitForText(el: Element, text: string, timeout = 30_000): Promise<HTMLElement> {
  await waitUntil(() => articleWith(el, text), `no message containing "${text}"`, { timeout });
  return articleWith(el, text) as HTMLElement;
}

/** Types `body` into the Message textbox once it is enabled and presses Enter. */
export async function typeAndSend(el: Element, body: string, timeout = 30_000): Promise<void> {
  await waitUntil(() => textbox(el) && !textbox(el)?.disabled, 'the composer is not enabled', { timeout });
  const box = textbox(el) as HTMLTextAreaElement;
  box.focus();
  box.value = body;
  box.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await sendKeys({ press: 'Enter' });
}

/** A PNG of `width`×`height` in `color` with a white top-left quarter, as bytes that cross to the test runner. */
export async function pngBytes(width: number, height: number, color: string): Promise<number[]> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d context');
  context.fillStyle = color;
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width / 2, height / 2);
  const blob = await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no PNG'))), 'image/png'),
  );
  return [...new Uint8Array(await blob.arrayBuffer())];
}

/** Resolves once the image has decoded real pixels. */
export async function decoded(image: HTMLImageElement, timeout = 20_000): Promise<HTMLImageElement> {
  await waitUntil(() => image.complete && image.naturalWidth > 0, `the image ${image.alt || image.src} never decoded`, { timeout });
  return image;
}

/** Text and attribute values of everything rendered, through nested shadow roots. */
export function deepDom(node: Node): string {
  let out = '';
  const visit = (n: Node): void => {
    if (n.nodeType === Node.TEXT_NODE) out += n.textContent ?? '';
    if (n instanceof Element) {
      for (const attribute of n.attributes) out += ` ${attribute.value} `;
      if (n.shadowRoot) visit(n.shadowRoot);
    }
    for (const child of n.childNodes) visit(child);
  };
  visit(node);
  return out.replace(/\s+/gu, ' ');
}

/** The first element matching `selector`, through nested shadow roots. */
export function findDeep(root: Node, selector: string): HTMLElement | undefined {
  if (root instanceof Element || root instanceof ShadowRoot || root instanceof Document) {
    const here = root.querySelector<HTMLElement>(selector);
    if (here) return here;
  }
  const children = root instanceof Element && root.shadowRoot ? [root.shadowRoot, ...root.childNodes] : [...root.childNodes];
  for (const child of children) {
    const found = findDeep(child, selector);
    if (found) return found;
  }
  return undefined;
}

export const tileOf = (el: Element, eventId: string): HTMLElement | undefined => findDeep(el, `article[data-event-id="${eventId}"]`);
export const textOf = (tile: Element | undefined): string => (tile?.textContent ?? '').replace(/\s+/gu, ' ').trim();

// Shared with the elements' own tests, which cannot import this file (outside their package).

/**
 * Lets `ms` pass while something must not happen (a second request, a duplicate, a late change): the absence
 * of an event has nothing to wait for. Name the window at the call site and say what it rules out. (The Node
 * tests' twin is in test/support/wait.ts, outside this project's root.)
 */
export const quietWindow = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Gives files to the composer's picker (next to "Attach files") as the browser does after the member chose them. */
export function pickFiles(el: Element, files: readonly File[]): void {
  const input = shadow(el).querySelector<HTMLInputElement>('input.file-picker');
  if (!input) throw new Error('no file picker next to "Attach files"');
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}
