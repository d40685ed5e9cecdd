import { OmniErrorEvent } from '../events.ts';
import { unwatch, watch } from './activation.ts';
import type { MountedView, ViewFactories, ViewKind } from './contract.ts';
import { mountedSheet, shellSheet, type ShellKind } from './styles.ts';

let viewsChunk: Promise<ViewFactories> | undefined;

/** The views chunk (Lit, the engine boundary, the renderers), fetched once for the whole page. */
function loadViews(): Promise<ViewFactories> {
  viewsChunk ??= import('../views.ts').then(
    (module) => module.views,
    (error: unknown) => {
      viewsChunk = undefined;
      throw error;
    },
  );
  return viewsChunk;
}

/** Attributes that belong to the element the page holds, not to the view inside it. */
const hostOnly = new Set(['id', 'class', 'style', 'slot', 'part', 'exportparts', 'tabindex', 'hidden', 'inert', 'role', 'loading']);
const forwards = (name: string): boolean => !hostOnly.has(name) && !name.startsWith('aria-') && !name.startsWith('data-');

/** What a kind of shell shows before its view arrives. */
export interface FacadeText {
  /** The heading: the post title, the room, the other member. */
  title(element: HTMLElement): string;
  /** A line under it (message count when known, or why nothing loads). */
  meta(element: HTMLElement): string;
  /** The button that loads the view; omitted when there is no view to load. */
  action?: string;
}

export function messageCount(element: HTMLElement): string {
  const count = Number.parseInt(element.getAttribute('message-count') ?? '', 10);
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
 * of `::part()`s and `:state()`s whatever has loaded.
 */
export class OmniShell extends HTMLElement {
  readonly #viewKind: ViewKind | undefined;
  readonly #text: FacadeText;
  readonly #root: ShadowRoot;
  readonly #internals: ElementInternals;
  readonly #mounted = Promise.withResolvers<MountedView>();
  #view: MountedView | undefined;
  #loading: Promise<void> | undefined;
  #failed = false;
  #busy = false;
  #attributeObserver: MutationObserver | undefined;
  readonly #onTouch = (): void => void this.load();
  readonly #title = document.createElement('p');
  readonly #status = document.createElement('p');
  #button: HTMLButtonElement | undefined;

  /** Set by each element class. */
  static readonly shell: ShellConfig | undefined;

  constructor() {
    super();
    const config = (this.constructor as typeof OmniShell).shell;
    if (!config) throw new TypeError('OmniShell is abstract: use <omni-room>, <omni-chat> or <omni-dm>');
    const { kind, view: viewKind, text } = config;
    this.#viewKind = viewKind;
    this.#text = text;
    this.#root = this.attachShadow({ mode: 'open', delegatesFocus: true });
    this.#internals = this.attachInternals();
    this.#root.adoptedStyleSheets = [shellSheet(kind)];
    if (viewKind) {
      for (const type of ['pointerdown', 'focusin', 'keydown']) this.#root.addEventListener(type, this.#onTouch);
    }
    this.#buildFacade();
    this.#renderFacade();
  }

  connectedCallback(): void {
    if (!this.#viewKind || this.#loading) return;
    // `loading="eager"`, as on <img>: the host wants the view now, wherever the element is.
    if (this.getAttribute('loading') === 'eager') void this.load();
    else watch(this, this.#onTouch);
  }

  disconnectedCallback(): void {
    unwatch(this);
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    const view = this.#view;
    if (name === 'loading') {
      if (value === 'eager' && this.isConnected) void this.load();
    } else if (view) {
      if (value === null) view.removeAttribute(name);
      else view.setAttribute(name, value);
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
    const factory = (await loadViews())[viewKind];
    if (!factory) throw new Error(`no "${viewKind}" view in this build`);
    const hadFocus = this.#root.activeElement !== null;
    const view = factory.mount({ element: this, internals: this.#internals });
    view.classList.add('omni-view');
    for (const { name, value } of this.attributes) if (forwards(name)) view.setAttribute(name, value);
    // The facade's rules go with the facade: they must not reach into the view sharing this shadow root.
    this.#root.adoptedStyleSheets = [mountedSheet(), ...factory.styleSheets];
    for (const type of ['pointerdown', 'focusin', 'keydown']) this.#root.removeEventListener(type, this.#onTouch);
    this.#view = view;
    this.#root.replaceChildren(view);
    this.#forwardOtherAttributes(view);
    await view.updateComplete;
    this.#mounted.resolve(view);
    if (hadFocus) (this.#root.querySelector<HTMLElement>('textarea') ?? this).focus();
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
    const facade = document.createElement('div');
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
    this.#root.replaceChildren(facade);
  }

  /** Text only (never HTML): the title and count come from the page's attributes. */
  #renderFacade(): void {
    if (this.#view) return;
    this.#title.textContent = this.#text.title(this);
    this.#status.textContent = this.#failed ? 'The chat could not be loaded.' : this.#busy ? 'Loading…' : this.#text.meta(this);
    if (this.#button && this.#text.action) this.#button.textContent = this.#failed ? 'Try again' : this.#text.action;
  }
}
