/**
 * The server-rendered facade (`serverElement()`, packages/elements/src/ssr.ts) against the loader's own: parsed as a
 * server's HTML (declarative shadow roots attached, nothing upgraded), each shadow root holds the same markup the
 * loader builds for the same attributes, and the element takes the same size before and after the loader takes it
 * over. A change to one facade without the other fails here. No homeserver: nothing loads.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { serverElement, type OmniTag, type ServerAttributes } from '@omnisocial/chat';

const cases: readonly [OmniTag, ServerAttributes][] = [
  ['omni-chat', { 'post-title': 'Our <new> release & "more"', 'message-count': 12, post: 'p1', open: true }],
  ['omni-room', { room: '#lobby:example.org', theme: 'dark' }],
  ['omni-dm', { user: '@bob:example.org' }],
  ['omni-room', { room: '#design:example.org', presentation: 'launcher', 'message-count': 1 }],
];

/** The shadow root's markup without its styles (the server's `<style>`, the loader's adopted sheets). */
const markup = (root: ShadowRoot | null): string => {
  const copy = document.createElement('div');
  copy.append(...[...(root?.childNodes ?? [])].map((node) => node.cloneNode(true)));
  copy.querySelector('style')?.remove();
  return copy.innerHTML;
};

/** The element as a page without scripts shows it: the server's HTML in a frame of its own, nothing defined there. */
async function unscriptedSize(serverHtml: string, tag: OmniTag): Promise<{ width: number; height: number }> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'inline-size: 30rem; block-size: 40rem; border: 0';
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  frame.srcdoc = `<!doctype html><html lang="en"><body style="margin: 0">${serverHtml}</body></html>`;
  document.body.append(frame);
  await loaded;
  const box = frame.contentDocument?.querySelector(tag)?.getBoundingClientRect();
  frame.remove();
  return { width: box?.width ?? 0, height: box?.height ?? 0 };
}

describe('server-rendered facades', () => {
  for (const [tag, attributes] of cases) {
    it(`${tag} ${JSON.stringify(attributes)}: the loader's markup, and its size before any script`, async () => {
      const all: ServerAttributes = { ...attributes, collapse: 'never' };
      const serverHtml = serverElement(tag, all);
      // A document of its own: the parser attaches the declarative shadow root and upgrades nothing.
      const server = Document.parseHTMLUnsafe(`<!doctype html><body>${serverHtml}`).querySelector(tag);
      expect(server?.shadowRoot ?? null, 'declarative shadow root').to.not.equal(null);

      // The loader's element, far below the viewport so that it shows its facade and loads nothing.
      const container = await fixture<HTMLElement>(
        html`<div>
          <div style="block-size: 400vh"></div>
          <div style="inline-size: 30rem"></div>
        </div>`,
      );
      const loader = document.createElement(tag);
      for (const [name, value] of Object.entries(all))
        if (value !== undefined && value !== null && value !== false) loader.setAttribute(name, value === true ? '' : String(value));
      container.lastElementChild?.append(loader);
      expect(markup(server?.shadowRoot ?? null)).to.equal(markup(loader.shadowRoot));

      const box = loader.getBoundingClientRect();
      const before = await unscriptedSize(serverHtml, tag);
      expect(before.height).to.be.greaterThan(0);
      expect(before).to.deep.equal({ width: box.width, height: box.height });
    });
  }
});
