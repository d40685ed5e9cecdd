/**
 * Hostile HTML never executes, never loads anything and leaves only the Matrix spec's allowlist:
 * every vector of the shared XSS corpora, ≥ 1,000 generated documents, and a set sent for real through
 * Synapse (bodies, display names, room name and topic) into a mounted `<omni-room>`.
 */
import { expect, fixture, fixtureSync, html as litHtml, waitUntil } from '@open-wc/testing';
import { readFile } from '@web/test-runner-commands';
import fc from 'fast-check';
import { homeserver, peer, registerUser } from '@omnisocial/testing/browser';
import {
  ALLOWED_ATTRIBUTES,
  ALLOWED_TAGS,
  MAX_NESTING_DEPTH,
  sanitizeFormattedBody,
  type MessageItem,
  type MessageKind,
} from '@omnisocial/core';
import { signIn, signOut } from '@omnisocial/chat';
import { renderMessageBody } from '../../packages/elements/src/components/message-body/message-body.ts';
import type { OmniRoom } from '../../packages/elements/src/components/room/omni-room.ts';
import { quietWindow } from './dom.ts';
import { engineSession } from './engine-session.ts';

interface H5scVector {
  readonly id: number;
  readonly name: string;
  readonly payload: string;
  readonly trigger: string | null;
}
interface DompurifyVector {
  readonly title: string;
  readonly payload: string;
}

declare global {
  interface Window {
    __xss?: number;
  }
}

/** Everything a vector could do to prove it ran. */
const executions: string[] = [];
const trapped = ['alert', 'confirm', 'prompt', 'print'] as const;
const originals = new Map<string, unknown>();

function installTraps(): void {
  for (const name of trapped) {
    originals.set(name, Reflect.get(window, name));
    Object.defineProperty(window, name, {
      configurable: true,
      writable: true,
      value: (...args: unknown[]) => {
        executions.push(`${name}(${args.map(String).join(', ')})`);
        return name === 'prompt' ? null : undefined;
      },
    });
  }
  let flag: number | undefined;
  Object.defineProperty(window, '__xss', {
    configurable: true,
    get: () => flag,
    set: (value: number) => {
      flag = value;
      executions.push('window.__xss set');
    },
  });
}

function removeTraps(): void {
  for (const name of trapped) Object.defineProperty(window, name, { configurable: true, writable: true, value: originals.get(name) });
  delete window.__xss;
}

/** Attributes the renderer itself adds on top of the sanitiser's output. */
const RENDERER_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  span: ['class', 'role', 'tabindex', 'aria-label'],
  img: ['class'],
  div: ['class', 'dir'],
  a: ['target', 'rel', 'href'],
};
const TAGS = new Set(ALLOWED_TAGS);
/** Attributes a browser would navigate to or fetch; text attributes (alt, title, aria-label) may say anything. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'srcset', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'data-mxc']);
const COLOUR_STYLE = /^(?:(?:color|background-color): rgb\(\d{1,3}, \d{1,3}, \d{1,3}\);\s*)+$/;

function allElements(root: ParentNode): Element[] {
  const out: Element[] = [];
  const walk = (node: ParentNode): void => {
    for (const el of node.querySelectorAll('*')) {
      out.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(root);
  return out;
}

/** Asserts everything the issue's "Bad input" asks of rendered hostile markup under `root`. */
function assertSafe(root: ParentNode, label: string, strictAllowlist = true): void {
  for (const el of allElements(root)) {
    const tag = el.localName;
    for (const attr of el.getAttributeNames()) {
      expect(attr.startsWith('on'), `${label}: <${tag} ${attr}>`).to.equal(false);
      const value = el.getAttribute(attr) ?? '';
      if (!URL_ATTRIBUTES.has(attr)) continue;
      expect(/^\s*(javascript|vbscript|data):/i.test(value), `${label}: <${tag} ${attr}="${value}">`).to.equal(false);
    }
    if (tag === 'a') expect(el.getAttribute('rel'), `${label}: a without rel`).to.equal('noopener noreferrer');
    // Images load only through authenticated media, as blob URLs of this page: never a URL from the content.
    if (tag === 'img' && el.hasAttribute('src')) {
      expect(el.getAttribute('src')?.startsWith(`blob:${location.origin}/`), `${label}: img src ${el.getAttribute('src') ?? ''}`).to.equal(
        true,
      );
    }
    if (!strictAllowlist) continue;
    expect(TAGS.has(tag), `${label}: tag <${tag}> is not allowlisted`).to.equal(true);
    const allowed = new Set([...(ALLOWED_ATTRIBUTES[tag] ?? []), ...(RENDERER_ATTRIBUTES[tag] ?? [])]);
    for (const attr of el.getAttributeNames()) {
      if (attr === 'style' && (tag === 'font' || tag === 'span')) {
        expect(COLOUR_STYLE.test(el.getAttribute('style') ?? ''), `${label}: style="${el.getAttribute('style')}"`).to.equal(true);
        continue;
      }
      if (attr === 'class' && tag === 'code') {
        expect(el.getAttribute('class'), label).to.match(/^language-[\w+#.-]+$/);
        continue;
      }
      expect(allowed.has(attr), `${label}: attribute ${attr} on <${tag}>`).to.equal(true);
    }
  }
}

/** Clicks, focuses and hovers every element, so interaction-triggered vectors get their chance. */
function interactWithEverything(root: ParentNode): void {
  for (const el of allElements(root)) {
    if (el instanceof HTMLElement) {
      el.focus();
      el.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
      // Links open a new tab when clicked; everything else gets a real click.
      if (el.localName !== 'a') el.click();
    }
  }
}

function message(formattedBody: string | undefined, body: string, msgtype: MessageKind = 'text'): MessageItem {
  return {
    kind: 'message',
    key: 'k',
    sender: { userId: '@mallory:example.org', displayName: '<img src=x onerror=alert(1)>' },
    own: false,
    timestamp: 0,
    msgtype,
    body,
    formattedBody,
    edited: false,
    redacted: false,
    reactions: [],
    status: 'sent',
    continuation: false,
    readBy: [],
  };
}

/** A host with a shadow root, like the timeline's, for rendering bodies alone. */
async function shadowHost(): Promise<ShadowRoot> {
  const host = await fixture<HTMLDivElement>(litHtml`<div></div>`);
  return host.attachShadow({ mode: 'open' });
}

function renderInto(root: ShadowRoot, item: MessageItem): HTMLElement {
  const container = document.createElement('div');
  // fixtureSync renders with Lit into the page; the body then moves into a shadow root like the timeline's.
  container.append(fixtureSync<HTMLElement>(renderMessageBody(item)));
  root.append(container);
  return container;
}

const resourceUrls: string[] = [];
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) resourceUrls.push(entry.name);
});

function foreignRequests(allowedOrigins: readonly string[]): string[] {
  const allowed = new Set([location.origin, ...allowedOrigins]);
  return resourceUrls.filter((url) => !allowed.has(new URL(url, location.href).origin));
}

/** How long interacting with hostile content is given to run a script or make a request that it must not. */
const NO_EXECUTION_WINDOW_MS = 500;

/** The log has handled a scroll: no programmatic scroll under way, and two frames painted. */
async function stillAfterScroll(scroller: HTMLElement): Promise<void> {
  await waitUntil(() => scroller.getAttribute('aria-busy') !== 'true', 'the log never settled', { timeout: 10_000 });
  for (let i = 0; i < 2; i += 1) await new Promise((resolve) => requestAnimationFrame(resolve));
}

let h5sc: H5scVector[] = [];
let dompurify: DompurifyVector[] = [];

describe('XSS: hostile HTML renders inert', function () {
  this.timeout(60_000);

  before(async () => {
    h5sc = JSON.parse((await readFile({ path: '../corpora/xss/h5sc.json' })) ?? '[]') as H5scVector[];
    dompurify = JSON.parse((await readFile({ path: '../corpora/xss/dompurify.json' })) ?? '[]') as DompurifyVector[];
    observer.observe({ type: 'resource', buffered: false });
    installTraps();
  });

  after(() => {
    removeTraps();
    observer.disconnect();
  });

  beforeEach(() => {
    executions.length = 0;
    resourceUrls.length = 0;
  });

  it('the traps do catch an execution (so zero means zero)', async () => {
    const probe = document.createElement('div');
    probe.innerHTML = '<img src="data:," onerror="alert(1)">';
    document.body.append(probe);
    await waitUntil(() => executions.length > 0, 'the unsanitised probe did not run', { timeout: 2_000 });
    probe.remove();
    expect(executions).to.deep.equal(['alert(1)']);
  });

  describe('sanitizeFormattedBody', () => {
    it('keeps the allowlist, applies colours through style, moves mxc images to data-mxc', () => {
      const doc = document.createElement('div');
      doc.append(
        sanitizeFormattedBody(
          '<font color="#ff0000" data-mx-bg-color="#00ff00" face="x">c</font><span data-mx-color="red" style="position:fixed">s</span>' +
            '<img src="mxc://example.org/abc" alt="cat" width="20" onerror="alert(1)"><img src="https://evil.example/x.png" alt="web">' +
            '<code class="language-ts hljs">x</code><ol start="3" type="a"><li>i</li></ol><a href="https://example.org" target="_self" rel="opener">l</a>',
        ),
      );
      const font = doc.querySelector<HTMLElement>('font');
      expect(font?.getAttributeNames().sort()).to.deep.equal(['style']);
      expect(font?.style.color).to.equal('rgb(255, 0, 0)');
      expect(font?.style.backgroundColor).to.equal('rgb(0, 255, 0)');
      expect(doc.querySelector('span')?.getAttributeNames()).to.deep.equal([]);
      const [mxc, web] = [...doc.querySelectorAll('img')];
      expect(mxc?.getAttribute('data-mxc')).to.equal('mxc://example.org/abc');
      expect(mxc?.hasAttribute('src')).to.equal(false);
      expect(mxc?.getAttribute('alt')).to.equal('cat');
      expect(web?.getAttributeNames().sort()).to.deep.equal(['alt']);
      expect(doc.querySelector('code')?.hasAttribute('class')).to.equal(false);
      expect(doc.querySelector('ol')?.getAttributeNames()).to.deep.equal(['start']);
      const a = doc.querySelector('a');
      expect([a?.getAttribute('href'), a?.getAttribute('target'), a?.getAttribute('rel')]).to.deep.equal([
        'https://example.org/',
        '_blank',
        'noopener noreferrer',
      ]);
    });

    it('drops links with other schemes or relative targets, keeps their text', () => {
      for (const href of [
        'javascript:alert(1)',
        ' JAVASCRIPT:alert(1)',
        'data:text/html,x',
        '/relative',
        '//evil.example',
        'vbscript:x',
        'mxc://a/b',
      ]) {
        const out = document.createElement('div');
        out.append(sanitizeFormattedBody(`<a href="${href}">t</a>`));
        expect(out.querySelector('a')?.hasAttribute('href'), href).to.equal(false);
        expect(out.textContent).to.equal('t');
      }
      for (const href of ['http://a.example/', 'ftp://a.example/', 'mailto:a@b.example', 'magnet:?xt=urn:btih:abc']) {
        const out = document.createElement('div');
        out.append(sanitizeFormattedBody(`<a href="${href}">t</a>`));
        expect(out.querySelector('a')?.getAttribute('href'), href).to.equal(href);
      }
    });

    it('removes mx-reply with its content and script/style content, unwraps unknown tags', () => {
      const out = document.createElement('div');
      out.append(
        sanitizeFormattedBody(
          '<mx-reply><blockquote>quoted</blockquote></mx-reply>answer <x-foo>kept</x-foo><script>alert(1)</script><style>*{}</style>',
        ),
      );
      expect(out.innerHTML).to.equal('answer kept');
    });

    it('caps 10,000-deep nesting without overflowing the stack, quickly', () => {
      const deep = '<div>'.repeat(10_000) + 'bottom' + '</div>'.repeat(10_000);
      const start = performance.now();
      const fragment = sanitizeFormattedBody(deep);
      const elapsed = performance.now() - start;
      let depth = 0;
      for (let el = fragment.firstElementChild; el; el = el.firstElementChild) depth += 1;
      expect(depth).to.be.at.most(MAX_NESTING_DEPTH);
      expect(fragment.textContent).to.equal('bottom');
      expect(elapsed, 'ms').to.be.below(2_000);
    });

    it('renders a 1 MB body quickly', async () => {
      const root = await shadowHost();
      const big = '<p>' + 'x'.repeat(1024) + ' <b>y</b></p>';
      const formatted = big.repeat(1024);
      const start = performance.now();
      renderInto(root, message(formatted, 'x'.repeat(1_048_576)));
      renderInto(root, message(undefined, 'https://example.org '.repeat(52_429)));
      expect(performance.now() - start, 'ms').to.be.below(3_000);
    });
  });

  describe('renderMessageBody', () => {
    it('spoilers stay hidden until activated by click, Enter or Space', async () => {
      const root = await shadowHost();
      const container = renderInto(
        root,
        message(
          'a <span data-mx-spoiler="plot">secret</span> <span data-mx-spoiler>two</span> <span data-mx-spoiler>three</span>',
          'a secret',
        ),
      );
      const spoilers = [...container.querySelectorAll<HTMLElement>('.spoiler')];
      expect(spoilers.map((s) => s.getAttribute('role'))).to.deep.equal(['button', 'button', 'button']);
      expect(spoilers[0]?.getAttribute('aria-label')).to.equal('Spoiler: plot. Activate to reveal.');
      spoilers[0]?.click();
      spoilers[1]?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
      spoilers[2]?.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true, composed: true }));
      for (const spoiler of spoilers) {
        expect(spoiler.classList.contains('revealed')).to.equal(true);
        expect(spoiler.hasAttribute('role')).to.equal(false);
      }
    });

    it('emotes, notices, big emoji, linkified text, deleted messages', async () => {
      const root = await shadowHost();
      const emote = renderInto(root, { ...message(undefined, 'waves', 'emote'), sender: { userId: '@a:x', displayName: 'Alice' } });
      expect(emote.textContent.replace(/\s+/g, ' ').trim()).to.equal('* Alice waves');
      expect(emote.querySelector('.body.emote')).to.not.equal(null);
      expect(renderInto(root, message(undefined, 'beep', 'notice')).querySelector('.body.notice')).to.not.equal(null);
      expect(renderInto(root, message(undefined, '🎉 👍')).querySelector('.body.emoji-only')).to.not.equal(null);
      expect(renderInto(root, message(undefined, 'hi 🎉')).querySelector('.body.emoji-only')).to.equal(null);
      const linked = renderInto(root, message(undefined, 'go to https://example.org/x now, not javascript:alert(1)'));
      expect([...linked.querySelectorAll('a')].map((a) => a.href)).to.deep.equal(['https://example.org/x']);
      expect(linked.textContent).to.equal('go to https://example.org/x now, not javascript:alert(1)');
      const deleted = renderInto(root, { ...message('<b>x</b>', 'x'), redacted: true });
      expect(deleted.textContent).to.equal('Message deleted');
      const code = renderInto(root, message('<pre><code class="language-js">let a;\n</code></pre>', 'let a;'));
      expect(getComputedStyle(code.querySelector('pre') ?? code).whiteSpace).to.not.equal('');
    });
  });

  describe('corpora', () => {
    it('every H5SC and DOMPurify vector, as formatted and plain body, runs nothing and loads nothing', async () => {
      expect(h5sc.length).to.be.greaterThan(100);
      expect(dompurify.length).to.be.greaterThan(200);
      const root = await shadowHost();
      const vectors = [
        ...h5sc.map((v) => ({ label: `h5sc #${v.id} ${v.name}`, payload: v.payload })),
        ...dompurify.map((v) => ({ label: `dompurify: ${v.title}`, payload: v.payload })),
      ];
      for (const { label, payload } of vectors) {
        for (const msgtype of ['text', 'emote', 'notice'] as const) {
          const rich = renderInto(root, message(payload, payload, msgtype));
          assertSafe(rich.firstElementChild ?? rich, label);
        }
        const plain = renderInto(root, message(undefined, payload));
        assertSafe(plain, `${label} (plain)`);
        expect(plain.textContent, `${label} (plain text kept verbatim)`).to.include(payload.slice(0, 20));
      }
      interactWithEverything(root);
      await quietWindow(NO_EXECUTION_WINDOW_MS);
      expect(executions, 'executions').to.deep.equal([]);
      expect(foreignRequests([]), 'requests to other origins').to.deep.equal([]);
      expect(
        root.querySelectorAll('img[src], iframe, object, embed, script, svg, math, form, input, button, style, link, meta, base'),
      ).to.have.length(0);
    });
  });

  describe('generated documents (fast-check)', () => {
    const allowedTags = [...ALLOWED_TAGS];
    const hostileTags = [
      'script',
      'img',
      'svg',
      'math',
      'iframe',
      'style',
      'form',
      'button',
      'mx-reply',
      'template',
      'noscript',
      'object',
      'embed',
      'textarea',
      'title',
      'xmp',
      'select',
      'option',
      'video',
      'audio',
      'source',
      'link',
      'meta',
      'base',
      'input',
      'mglyph',
      'mtext',
      'foreignObject',
      'annotation-xml',
      'noembed',
      'plaintext',
    ];
    const attrNames = [
      'onerror',
      'onclick',
      'onload',
      'onmouseover',
      'onfocus',
      'ontoggle',
      'onanimationstart',
      'href',
      'src',
      'srcset',
      'style',
      'data-mx-color',
      'data-mx-bg-color',
      'color',
      'class',
      'xlink:href',
      'formaction',
      'srcdoc',
      'action',
      'data-mxc',
      'target',
      'rel',
      'id',
      'name',
      'width',
      'height',
      'start',
      'data-mx-spoiler',
      'is',
      'autofocus',
      'open',
      'background',
      'poster',
      'data',
      'alt',
      'title',
    ];
    const attrValues = [
      'javascript:alert(1)',
      'JaVaScRiPt:window.__xss=1',
      ' javascript:alert(1)',
      'java&#x09;script:alert(1)',
      '&#106;avascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'data:image/svg+xml,<svg onload=alert(1)>',
      'alert(1)',
      'window.__xss=1',
      'https://evil.example/x.png',
      '//evil.example/x',
      'mxc://evil.example/abc',
      '#ff0000',
      'red',
      'background:url(https://evil.example/bg.png)',
      'language-js',
      'x" onerror="alert(1)',
      '"><img src=x onerror=alert(1)>',
      '</span><script>window.__xss=1</script>',
      'x',
    ];
    const quote = fc.constantFrom('"', "'", '');
    const attribute = fc
      .tuple(fc.constantFrom(...attrNames), fc.oneof(fc.constantFrom(...attrValues), fc.string({ maxLength: 12 })), quote)
      .map(([name, value, q]) => ` ${name}=${q}${q === '' ? value.replace(/[\s>]/g, '') : value.replaceAll(q, '')}${q}`);
    const text = fc.oneof(
      fc.string({ maxLength: 16 }),
      fc.constantFrom(
        '<',
        '>',
        '&',
        '&lt;script&gt;',
        '<!--',
        '-->',
        ']]>',
        '<![CDATA[',
        '</p>',
        '<svg><p><style><img src=x onerror=alert(1)>',
        '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
      ),
    );
    const { node } = fc.letrec<{ node: string }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        text,
        fc
          .tuple(
            fc.constantFrom(...allowedTags, ...hostileTags),
            fc.array(attribute, { maxLength: 4 }),
            fc.array(tie('node'), { maxLength: 4 }),
            fc.boolean(),
          )
          .map(([tag, attrs, children, close]) => `<${tag}${attrs.join('')}>${children.join('')}${close ? `</${tag}>` : ''}`),
      ),
    }));
    const documentArb = fc.array(node, { minLength: 1, maxLength: 5 }).map((parts) => parts.join(''));

    it('1,000 generated hostile documents: only the allowlist remains, nothing runs, nothing loads', async () => {
      const root = await shadowHost();
      let runs = 0;
      fc.assert(
        fc.property(documentArb, fc.constantFrom<MessageKind>('text', 'emote', 'notice'), (payload, msgtype) => {
          runs += 1;
          const container = renderInto(root, message(payload, payload, msgtype));
          assertSafe(container.firstElementChild ?? container, payload);
          container.remove();
          const fragment = sanitizeFormattedBody(payload);
          const holder = document.createElement('div');
          holder.append(fragment);
          for (const el of holder.querySelectorAll('*')) expect(TAGS.has(el.localName), payload).to.equal(true);
        }),
        { numRuns: 1_000 },
      );
      expect(runs).to.be.at.least(1_000);
      await quietWindow(NO_EXECUTION_WINDOW_MS);
      expect(executions).to.deep.equal([]);
      expect(foreignRequests([])).to.deep.equal([]);
    });

    it('1,000 generated hostile documents sent through Synapse come back through the room model and render inert', async function () {
      this.timeout(300_000);
      const payloads = fc.sample(documentArb, { numRuns: 1_000, seed: 1125 });
      const { baseUrl } = await homeserver();
      const mallory = await registerUser({ displayName: 'Mallory' });
      const alice = await registerUser({ displayName: 'Alice' });
      const { roomId } = await peer(mallory).createRoom({ name: 'Generated', preset: 'public_chat' });
      await peer(alice).joinRoom(roomId);
      const tag = (i: number): string => `gen-${String(i)}:`;
      for (let start = 0; start < payloads.length; start += 20) {
        await Promise.all(
          payloads
            .slice(start, start + 20)
            .map((payload, j) =>
              peer(mallory).sendMessage(roomId, `${tag(start + j)}${payload}`, { formattedBody: `${tag(start + j)}${payload}` }),
            ),
        );
      }
      await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
      const session = await engineSession(baseUrl);
      if (!session) throw new Error('no session');
      const room = session.openRoom(roomId);
      try {
        const generated = (): MessageItem[] =>
          room.snapshot.items.filter((item): item is MessageItem => item.kind === 'message' && item.body.startsWith('gen-'));
        await waitUntil(() => room.snapshot.status === 'ready', 'the room never opened', { timeout: 60_000 });
        while (generated().length < payloads.length && room.snapshot.hasMoreBefore) await room.paginateBackwards(100);
        const items = generated();
        expect(items.length, 'generated messages back from the server').to.equal(payloads.length);
        const shadow = await shadowHost();
        for (const item of items) {
          const container = renderInto(shadow, item);
          assertSafe(container.firstElementChild ?? container, item.body.slice(0, 80));
          container.remove();
        }
      } finally {
        room.release();
        await signOut();
      }
      await quietWindow(NO_EXECUTION_WINDOW_MS);
      expect(executions).to.deep.equal([]);
      expect(foreignRequests([new URL(baseUrl).origin])).to.deep.equal([]);
    });
  });

  describe('through a real Synapse into <omni-room>', () => {
    afterEach(async () => {
      await signOut();
    });

    it('generated hostile text on every other surface (file names, reasons, reply fallbacks, name and topic changes, member names) stays inert', async function () {
      this.timeout(90_000);
      const violations: string[] = [];
      const onViolation = (event: SecurityPolicyViolationEvent): void =>
        void violations.push(`${event.violatedDirective} ${event.blockedURI}`);
      document.addEventListener('securitypolicyviolation', onViolation);
      const token = fc.constantFrom(
        '<img src=x onerror=alert(1)>',
        '"><svg onload=alert(1)>',
        '<script>alert(1)</script>',
        '\u202e',
        'javascript:alert(1)',
        '<a href="javascript:alert(1)">x</a>',
        '<mx-reply>',
        '</mx-reply>',
        '__proto__',
        '<iframe srcdoc="<script>alert(1)</script>">',
        'text',
        'Z̷̡̛̗a̶l̸g̵o̴',
      );
      const generated = fc.sample(
        fc.array(token, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')),
        { numRuns: 24, seed: 20261125 },
      );
      const payloads = [...generated, ...h5sc.filter((_, i) => i % 40 === 0).map((v) => v.payload)];
      const { baseUrl } = await homeserver();
      const mallory = await registerUser({ displayName: 'Mallory' });
      const alice = await registerUser({ displayName: 'Alice' });
      const { roomId } = await peer(mallory).createRoom({ name: 'Surfaces', preset: 'public_chat' });
      await peer(alice).joinRoom(roomId);
      for (const [i, payload] of payloads.entries()) {
        switch (i % 6) {
          case 0:
            await peer(mallory).sendEvent(roomId, 'm.room.message', {
              msgtype: 'm.file',
              body: payload,
              filename: payload,
              url: 'mxc://localhost/none',
            });
            break;
          case 1: {
            const eventId = await peer(mallory).sendMessage(roomId, `to be deleted ${String(i)}`);
            await peer(mallory).redact(roomId, eventId, payload);
            break;
          }
          case 2: {
            const original = await peer(mallory).sendMessage(roomId, `original ${String(i)}`);
            await peer(mallory).sendEvent(roomId, 'm.room.message', {
              msgtype: 'm.text',
              body: `> <@mallory:localhost> ${payload}\n\nreply ${String(i)}`,
              format: 'org.matrix.custom.html',
              formatted_body: `<mx-reply><blockquote>${payload}</blockquote></mx-reply>${payload}`,
              'm.relates_to': { 'm.in_reply_to': { event_id: original } },
            });
            break;
          }
          case 3:
            await peer(mallory).sendState(roomId, 'm.room.topic', '', { topic: payload });
            break;
          case 4:
            await peer(mallory).sendState(roomId, 'm.room.name', '', { name: payload });
            break;
          default:
            await peer(mallory).setDisplayName(payload.slice(0, 200));
        }
      }
      await peer(mallory).sendMessage(roomId, 'surfaces sentinel');

      await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
      const el = await fixture<OmniRoom>(litHtml`<omni-room homeserver=${baseUrl} room=${roomId}></omni-room>`);
      const log = (): Element | null | undefined => el.shadowRoot?.querySelector('[role="log"]');
      await waitUntil(() => log()?.textContent.includes('surfaces sentinel'), 'the sentinel never rendered', { timeout: 40_000 });
      // Walk the whole history through the virtualised log, checking each screenful.
      const scroller = log() as HTMLElement;
      for (let step = 0; step < 40 && scroller.scrollTop > 0; step += 1) {
        assertSafe(el.shadowRoot ?? el, 'surfaces in <omni-room>', false);
        scroller.scrollTop = Math.max(0, scroller.scrollTop - scroller.clientHeight);
        await stillAfterScroll(scroller);
      }
      assertSafe(el.shadowRoot ?? el, 'surfaces in <omni-room>', false);
      expect(el.shadowRoot?.querySelectorAll('script, iframe, svg[onload], img[src]:not([src^="blob:"])')).to.have.length(0);
      interactWithEverything(el.shadowRoot ?? el);
      await quietWindow(NO_EXECUTION_WINDOW_MS);
      document.removeEventListener('securitypolicyviolation', onViolation);
      expect(executions).to.deep.equal([]);
      expect(violations).to.deep.equal([]);
      expect(foreignRequests([new URL(baseUrl).origin])).to.deep.equal([]);
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    });

    it('hostile bodies, display names, room name and topic render inert in the mounted room', async function () {
      this.timeout(60_000);
      const { baseUrl } = await homeserver();
      const hostileName = '<img src=x onerror=alert(1)>\u202eevil';
      const mallory = await registerUser({ displayName: hostileName });
      const alice = await registerUser({ displayName: 'Alice' });
      const { roomId } = await peer(mallory).createRoom({ name: '<script>alert(1)</script>', preset: 'public_chat' });
      await peer(mallory).sendState(roomId, 'm.room.topic', '', { topic: '<svg onload=alert(1)>' });
      await peer(mallory).sendState(roomId, 'm.room.name', '', { name: '<iframe src="javascript:alert(1)"></iframe>' });
      const sample = [
        ...h5sc.filter((_, i) => i % 12 === 0).map((v) => v.payload),
        ...dompurify.filter((_, i) => i % 18 === 0).map((v) => v.payload),
        '<a href="javascript:alert(1)">click</a>',
        '<img src="https://evil.example/track.png" alt="tracker">',
        '<mx-reply><blockquote><img src=x onerror=alert(1)></blockquote></mx-reply>reply',
        '<span data-mx-spoiler="<b>x</b>" onclick="alert(1)">hidden</span>',
      ];
      for (const [i, payload] of sample.entries()) {
        const msgtype = i % 3 === 0 ? 'm.notice' : i % 3 === 1 ? 'm.emote' : 'm.text';
        await peer(mallory).sendMessage(roomId, payload, { formattedBody: payload, msgtype });
      }
      await peer(mallory).sendMessage(roomId, 'xss sentinel done');
      await peer(alice).joinRoom(roomId);

      await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
      const el = await fixture<OmniRoom>(litHtml`<omni-room homeserver=${baseUrl} room=${roomId}></omni-room>`);
      const shows = (): boolean =>
        [...(el.shadowRoot?.querySelectorAll('[role="log"] article') ?? [])].some((a) => a.textContent.includes('xss sentinel done'));
      await waitUntil(shows, 'the last message never rendered', { timeout: 40_000 });
      const articles = allElements(el.shadowRoot ?? el).filter((e) => e.localName === 'article');
      expect(articles.length).to.be.greaterThan(1);
      // The hostile formatted bodies did go through the rich renderer, not just the text fallback.
      expect(allElements(el.shadowRoot ?? el).filter((e) => e.matches('.body.rich')).length).to.be.greaterThan(5);
      for (const body of allElements(el.shadowRoot ?? el).filter((e) => e.classList.contains('body')))
        assertSafe(body, 'message body in <omni-room>');
      // The room's own chrome is not sanitiser output, but no hostile text may have become markup anywhere.
      assertSafe(el.shadowRoot ?? el, '<omni-room>', false);
      expect(el.shadowRoot?.querySelectorAll('script, iframe, svg[onload], img[src]')).to.have.length(0);
      interactWithEverything(el.shadowRoot ?? el);
      await quietWindow(NO_EXECUTION_WINDOW_MS);
      expect(executions).to.deep.equal([]);
      expect(foreignRequests([new URL(baseUrl).origin])).to.deep.equal([]);
    });
  });
});
