import { OmniErrorEvent } from '../events.ts';
import { unwatch, unwatchFar, watch, watchFar } from './activation.ts';
import type { MountedView, ViewKind } from './contract.ts';
import { mountedSheet, reservedHeight, shellSheet, type ShellKind } from './styles.ts';

type ViewsChunk = typeof import('../views.ts');
let viewsChunk: Promise<ViewsChunk> | undefined;
let viewsArrived = false;

/** The views chunk (Lit, the engine boundary, the renderers, the launcher's panel), fetched once for the whole page. */
function loadViews(): Promise<ViewsChunk> {
  viewsChunk ??= import('../views.ts').then(
    (chunk) => {
      viewsArrived = true;
      return chunk;
    },
    (error: unknown) => {
      viewsChunk = undefined;
      throw error;
    },
  );
  return viewsChunk;
}

/**
 * An open post's latest messages, read while the views chunk downloads rather than after it (core's
 * `readAhead`, which the view's own light read then takes over). Once the views have arrived, the view
 * starts its read at once and nothing is gained.
 */
function readAhead(element: Element): void {
  const homeserver = element.getAttribute('homeserver');
  const post = element.getAttribute('post');
  if (viewsArrived || !homeserver || !post || !element.hasAttribute('open')) return;
  const aliasTemplate = element.getAttribute('alias-template');
  import('@omnisocial/core')
    .then((core) => core.readAhead(homeserver, { id: post, open: true, ...(aliasTemplate ? { aliasTemplate } : {}) }))
    .catch(() => undefined);
}

/** How long a view stays mounted once far from the viewport (or its launcher's panel closed) before it collapses. */
const COLLAPSE_DELAY_MS = 2000;

/** Attributes that belong to the element the page holds, not to the view inside it. */
const hostOnly = new Set([
  'id',
  'class',
  'style',
  'slot',
  'part',
  'exportparts',
  'tabindex',
  'hidden',
  'inert',
  'role',
  'loading',
  'collapse',
  'presentation',
]);
const forwards = (name: string): boolean => !hostOnly.has(name) && !name.startsWith('aria-') && !name.startsWith('data-');

/** What a kind of shell shows before its view arrives. */
export interface FacadeText {
  /** The heading: the post title, the room, the other member. */
  title(element: HTMLElement): string;
  /** A line under it (message count when known, or why nothing loads); `learned` is the count a collapsed view reported. */
  meta(element: HTMLElement, learned: number | undefined): string;
  /** The button that loads the view; omitted when there is no view to load. */
  action?: string;
}

/** The count the view reported before it collapsed, else the page's `message-count`. */
export function messageCount(element: HTMLElement, learned: number | undefined): string {
  const count = learned ?? Number.parseInt(element.getAttribute('message-count') ?? '', 10);
  if (!Number.isFinite(count) || count < 0) return '';
  return count === 1 ? '1 message' : `${count.toLocaleString()} messages`;
}

/** What distinguishes one kind of shell from another. */
export interface ShellConfig {
  readonly kind: ShellKind;
  /** The full view it mounts; none: the facade is all there is. */
  readonly view: ViewKind | undefined;
  readonly text: FacadeText;
}

/**
 * A light custom element (no Lit) that stands in the page for a full view: it reserves the view's size,
 * shows a facade, and loads the views chunk once it nears the viewport or is touched. The view then
 * renders into this element's shadow root, so the page keeps one element, one shadow root and one set
 * of `::part()`s and `:state()`s whatever has loaded. A view that stays far from the viewport collapses
 * back to the facade (releasing its room), unless the member is using it.
 *
 * With `presentation="launcher"` the element is a compact button instead, which opens the view in a
 * modal panel anchored to it; the view mounts on open and collapses once the panel is closed.
 */
export class OmniShell extends HTMLElement {
  readonly #kind: ShellKind;
  readonly #viewKind: ViewKind | undefined;
  readonly #text: FacadeText;
  readonly #root: ShadowRoot;
  readonly #internals: ElementInternals;
  #mounted = Promise.withResolvers<MountedView>();
  #view: MountedView | undefined;
  #loading: Promise<void> | undefined;
  #failed = false;
  #busy = false;
  #attributeObserver: MutationObserver | undefined;
  /** More than about two viewports away (inline presentation). */
  #far = false;
  #collapseTimer: ReturnType<typeof setTimeout> | undefined;
  /** What the view last reported, kept while it is collapsed. */
  #unread = 0;
  #learnedCount: number | undefined;
  /** The name the mounted view reported (the room's, the other member's), for the launcher's label. */
  #viewTitle: string | undefined;
  readonly #onTouch = (): void => {
    void this.load();
  };
  readonly #facade = document.createElement('div');
  readonly #title = document.createElement('p');
  readonly #status = document.createElement('p');
  #button: HTMLButtonElement | undefined;
  #launcherButton: HTMLButtonElement | undefined;
  #dialog: HTMLDialogElement | undefined;

  /** Set by each element class. */
  static readonly shell: ShellConfig | undefined;

  constructor() {
    super();
    const config = (this.constructor as typeof OmniShell).shell;
    if (!config) throw new TypeError('OmniShell is abstract: use <omni-room>, <omni-chat> or <omni-dm>');
    const { kind, view: viewKind, text } = config;
    this.#kind = kind;
    this.#viewKind = viewKind;
    this.#text = text;
    this.#root = this.attachShadow({ mode: 'open', delegatesFocus: true });
    this.#internals = this.attachInternals();
    if (viewKind) {
      for (const type of ['pointerdown', 'focusin', 'keydown']) this.#root.addEventListener(type, this.#onTouch);
    }
    this.addEventListener('omni-unread-change', (event) => {
      this.#unread = event.count;
      this.#renderFacade();
    });
    this.#buildFacade();
    this.#place();
  }

  get #launcher(): boolean {
    return this.getAttribute('presentation') === 'launcher';
  }

  connectedCallback(): void {
    if (!this.#viewKind) return;
    if (this.#loading) {
      this.#watchFar();
      return;
    }
    // `loading="eager"`, as on <img>: the host wants the view now, wherever the element is. A launcher
    // mounts its view too (in its closed panel): the view follows the room, so the badge counts what
    // arrives while the panel is closed and the button shows the room's name.
    if (this.getAttribute('loading') === 'eager') void this.load();
    else watch(this, this.#onTouch);
  }

  disconnectedCallback(): void {
    unwatch(this);
    unwatchFar(this);
    clearTimeout(this.#collapseTimer);
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    const view = this.#view;
    if (name === 'presentation') {
      // Another presentation starts over from the facade.
      this.#dialog?.close();
      if (view) this.#collapse();
      this.#place();
      unwatch(this);
      if (this.isConnected) this.connectedCallback();
    } else if (name === 'loading') {
      if (value === 'eager' && this.isConnected) this.connectedCallback();
    } else if (view) {
      if (value === null) view.removeAttribute(name);
      else view.setAttribute(name, value);
      this.#renderFacade();
    } else {
      this.#renderFacade();
    }
  }

  /** The full view once mounted (internal; the page talks to this element). */
  protected get view(): MountedView | undefined {
    return this.#view;
  }

  /**
   * Resolves once the full view is mounted and has rendered (for an element without a view, at once).
   * Later reads follow the view's own `updateComplete`.
   */
  get updateComplete(): Promise<boolean> {
    if (!this.#viewKind) return Promise.resolve(true);
    return this.#view ? this.#view.updateComplete : this.#mounted.promise.then((view) => view.updateComplete);
  }

  /** Loads and mounts the full view now instead of waiting for the element to near the viewport. */
  load(): Promise<void> {
    if (!this.#viewKind) return Promise.resolve();
    if (!this.#loading) {
      this.#busy = true;
      this.#failed = false;
      this.#renderFacade();
    }
    this.#loading ??= this.#mount(this.#viewKind).catch((error: unknown) => {
      this.#loading = undefined;
      this.#busy = false;
      this.#failed = true;
      // No automatic retry (an element in view would retry in a loop while offline): the member's next
      // touch, or "Try again", loads again.
      this.#renderFacade();
      const message = `The chat could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
      this.dispatchEvent(new OmniErrorEvent({ code: 'network', message }));
    });
    return this.#loading;
  }

  async #mount(viewKind: ViewKind): Promise<void> {
    unwatch(this);
    if (viewKind === 'chat') readAhead(this);
    const chunk = await loadViews();
    const factory = chunk.views[viewKind];
    if (!factory) throw new Error(`no "${viewKind}" view in this build`);
    const hadFocus = this.#root.activeElement !== null;
    const view = factory.mount({
      element: this,
      internals: this.#internals,
      titleChanged: (title) => {
        this.#viewTitle = title;
        this.#renderFacade();
      },
    });
    view.classList.add('omni-view');
    for (const { name, value } of this.attributes) if (forwards(name)) view.setAttribute(name, value);
    const dialog = this.#launcher ? this.#panel(chunk) : undefined;
    // The facade's rules go with the facade: they must not reach into the view sharing this shadow root
    // (a launcher keeps its button's rules, which match nothing in the view, and adds its panel's).
    this.#root.adoptedStyleSheets = [
      ...(dialog ? [shellSheet(this.#kind), chunk.panelSheet(reservedHeight[this.#kind])] : []),
      mountedSheet(),
      ...factory.styleSheets,
    ];
    this.#view = view;
    if (dialog) dialog.append(view);
    else this.#root.replaceChildren(view);
    this.#forwardOtherAttributes(view);
    this.#watchFar();
    await view.updateComplete;
    this.#mounted.resolve(view);
    if (hadFocus && !dialog) (this.#root.querySelector<HTMLElement>('textarea') ?? this).focus();
  }

  /** The launcher's panel, created the first time and kept (closed, with no view, while the view is collapsed). */
  #panel(chunk: ViewsChunk): HTMLDialogElement {
    this.#dialog ??= chunk.createPanel(() => {
      this.#launcherButton?.focus();
      this.#collapseLater();
    });
    if (!this.#dialog.isConnected) this.#root.append(this.#dialog);
    return this.#dialog;
  }

  /** Lazily loaded views collapse once far away; `collapse="never"` and `loading="eager"` keep them. */
  #watchFar(): void {
    if (this.getAttribute('loading') === 'eager' || this.getAttribute('collapse') === 'never') return;
    watchFar(this, (near) => {
      this.#far = !near;
      if (near) clearTimeout(this.#collapseTimer);
      else this.#collapseLater();
    });
  }

  #wantsCollapse(): boolean {
    if (!this.#view || this.getAttribute('collapse') === 'never' || this.#dialog?.open) return false;
    return this.#far && this.getAttribute('loading') !== 'eager';
  }

  /** After a grace delay, collapses the view if it is still unwanted; a view in use is checked again later. */
  #collapseLater(): void {
    clearTimeout(this.#collapseTimer);
    this.#collapseTimer = setTimeout(() => {
      if (!this.#wantsCollapse()) return;
      if (this.#view?.inUse) this.#collapseLater();
      else this.#collapse();
    }, COLLAPSE_DELAY_MS);
  }

  /** Unmounts the view (its disconnection releases the room, so sync drops it) and shows the facade again. */
  #collapse(): void {
    const view = this.#view;
    if (!view) return;
    this.#learnedCount = view.messageCount ?? this.#learnedCount;
    unwatchFar(this);
    clearTimeout(this.#collapseTimer);
    this.#attributeObserver?.disconnect();
    this.#view = undefined;
    this.#loading = undefined;
    this.#busy = false;
    this.#far = false;
    this.#mounted = Promise.withResolvers();
    view.remove();
    this.#place();
    if (this.isConnected) watch(this, this.#onTouch);
  }

  /** Attributes the shell does not observe (a view's newer options) still reach the view. */
  #forwardOtherAttributes(view: MountedView): void {
    const observed = new Set((this.constructor as { observedAttributes?: readonly string[] }).observedAttributes ?? []);
    this.#attributeObserver = new MutationObserver((records) => {
      for (const { attributeName } of records) {
        if (!attributeName || observed.has(attributeName) || !forwards(attributeName)) continue;
        const value = this.getAttribute(attributeName);
        if (value === null) view.removeAttribute(attributeName);
        else view.setAttribute(attributeName, value);
      }
    });
    this.#attributeObserver.observe(this, { attributes: true });
  }

  #buildFacade(): void {
    const facade = this.#facade;
    facade.className = 'facade';
    facade.setAttribute('part', 'facade');
    this.#title.className = 'title';
    this.#title.setAttribute('part', 'facade-title');
    this.#status.className = 'meta';
    this.#status.setAttribute('role', 'status');
    facade.append(this.#title, this.#status);
    if (this.#text.action) {
      const button = document.createElement('button');
      button.type = 'button';
      button.setAttribute('part', 'facade-button');
      button.addEventListener('click', this.#onTouch);
      this.#button = button;
      facade.append(button);
    }
  }

  /** Puts the facade (inline) or the launcher's button (launcher) in the shadow root, with their styles. */
  #place(): void {
    if (this.#view) return;
    this.#root.adoptedStyleSheets = [shellSheet(this.#kind)];
    if (this.#launcher && this.#viewKind) {
      this.#root.replaceChildren((this.#launcherButton ??= this.#buildLauncher()), ...(this.#dialog ? [this.#dialog] : []));
    } else {
      this.#root.replaceChildren(this.#facade);
    }
    this.#renderFacade();
  }

  #buildLauncher(): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'launcher';
    button.setAttribute('part', 'launcher');
    button.setAttribute('aria-haspopup', 'dialog');
    const svg = 'http://www.w3.org/2000/svg';
    const icon = document.createElementNS(svg, 'svg');
    icon.setAttribute('viewBox', '0 0 24 24');
    icon.setAttribute('aria-hidden', 'true');
    icon.setAttribute('part', 'launcher-icon');
    const bubble = document.createElementNS(svg, 'path');
    bubble.setAttribute(
      'd',
      'M5.5 3h13A2.5 2.5 0 0 1 21 5.5v9a2.5 2.5 0 0 1-2.5 2.5H9.5L4 21.5V17h-.5A.5.5 0 0 1 3 16.5v-11A2.5 2.5 0 0 1 5.5 3z',
    );
    icon.append(bubble);
    const name = document.createElement('span');
    name.className = 'name';
    const badge = document.createElement('span');
    badge.setAttribute('part', 'launcher-badge');
    // The space keeps the name and the count apart in the button's text (its visible label, within its accessible name).
    button.append(icon, name, ' ', badge);
    button.addEventListener('click', () => void this.#open());
    return button;
  }

  /** Opens the launcher's panel (a modal `<dialog>`: Esc or its Close button closes it, focus returns to the launcher). */
  async #open(): Promise<void> {
    await this.load();
    const dialog = this.#dialog;
    if (!dialog || !this.#view || dialog.open) return;
    clearTimeout(this.#collapseTimer);
    dialog.setAttribute('aria-label', this.#launcherTitle());
    dialog.showModal();
    this.#root.querySelector('textarea')?.focus();
    await this.#toLatest();
  }

  /**
   * The log was laid out in the closed panel (no size): once open, bring it to the latest message. A few
   * frames, as the virtualised log measures what comes into view; the scroll also lets it mark them read.
   */
  async #toLatest(): Promise<void> {
    const log = this.#root.querySelector<HTMLElement>('[role="log"]');
    if (!log) return;
    for (let frame = 0; frame < 20; frame++) {
      const bottom = log.scrollHeight - log.clientHeight;
      if (frame > 2 && Math.abs(log.scrollTop - bottom) < 1) return;
      log.scrollTop = bottom;
      await new Promise(requestAnimationFrame);
    }
  }

  /** The room's name once the view knows it; until then the attribute, an alias or user id shown by its local part. */
  #launcherTitle(): string {
    const title = this.#text.title(this);
    return this.#viewTitle ?? /^[#@]([^:]+):./u.exec(title)?.[1] ?? title;
  }

  /** Text only (never HTML): the title and count come from the page's attributes and the view. */
  #renderFacade(): void {
    const title = this.#text.title(this);
    const launcher = this.#launcherButton;
    if (launcher) {
      const name = launcher.querySelector('.name');
      const badge = launcher.querySelector('[part="launcher-badge"]');
      const label = this.#launcherTitle();
      const unread = this.#unread;
      if (name) {
        name.textContent = label;
        name.setAttribute('title', label);
      }
      if (badge) badge.textContent = unread > 0 ? String(unread) : '';
      const state = this.#failed ? ', could not be loaded' : unread > 0 ? `, ${unread} unread` : '';
      launcher.setAttribute('aria-label', `Open chat: ${label}${state}`);
      if (this.#dialog?.open) this.#dialog.setAttribute('aria-label', label);
    }
    if (this.#view) return;
    this.#title.textContent = title;
    this.#status.textContent = this.#failed
      ? 'The chat could not be loaded.'
      : this.#busy
        ? 'Loading…'
        : this.#text.meta(this, this.#learnedCount);
    if (this.#button && this.#text.action) this.#button.textContent = this.#failed ? 'Try again' : this.#text.action;
  }
}
