/**
 * Finding things in a room-like view (`<omni-room>`, `<omni-dm>`, `<omni-chat>` or their views) the
 * way a member does: by role and accessible name. Shared by the browser tests of the three views.
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
