import { OmniErrorEvent } from '../events.ts';
import { unwatch, unwatchFar, watch, watchFar } from './activation.ts';
import { ElementBase } from './element-base.ts';
import type { MountedView, ViewKind } from './contract.ts';
import { buildFacade, buildLauncher, launcherTitle, renderFacade, renderLauncher, type Facade, type FacadeText } from './facade.ts';
import { copyAttributes, forwardOtherAttributes } from './forwarding.ts';
import type { AttributeTable } from './attributes.ts';
import { speak } from './shell-locale.ts';
import { mountedSheet, reservedHeight, shellSheet, type ShellKind } from './styles.ts';
import { loadViews, readAhead, readRoomAhead, type ViewsChunk } from './views-chunk.ts';

/** How long a view stays mounted once far from the viewport (or its launcher's panel closed) before it collapses. */
const COLLAPSE_DELAY_MS = 2000;

/** What distinguishes one kind of shell from another. */
export interface ShellConfig {
  readonly kind: ShellKind;
  /** The full view it mounts; none: the facade is all there is. */
  readonly view: ViewKind | undefined;
  readonly text: FacadeText;
  /** The properties that mirror its attributes: one the page set before the tag was defined is applied as it connects. */
  readonly properties: AttributeTable;
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
export class OmniShell extends ElementBase {
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
  #mentions = 0;
  #learnedCount: number | undefined;
  /** The name the mounted view reported (the room's, the other member's), for the launcher's label. */
  #viewTitle: string | undefined;
  readonly #onTouch = (): void => {
    void this.load();
  };
  readonly #facade: Facade;
  #launcherButton: HTMLButtonElement | undefined;
  #silence: (() => void) | undefined;
  #dialog: HTMLDialogElement | undefined;

  /** Set by each element class. */
  declare static readonly shell: ShellConfig;

  constructor() {
    super();
    const { kind, view: viewKind, text } = (this.constructor as typeof OmniShell).shell;
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
      this.#mentions = event.mentions;
      this.#renderFacade();
    });
    this.#facade = buildFacade(text, this.#onTouch);
    this.#place();
  }

  get #launcher(): boolean {
    return this.getAttribute('presentation') === 'launcher';
  }

  connectedCallback(): void {
    // A property set on the element before its tag was defined shadows the accessor: re-applied through it.
    const record = this as unknown as Record<string, unknown>;
    for (const property in (this.constructor as typeof OmniShell).shell.properties) {
      if (!Object.hasOwn(this, property)) continue;
      const value = record[property];
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
      delete record[property];
      record[property] = value;
    }
    this.#speak();
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
    this.#silence?.();
    unwatch(this);
    unwatchFar(this);
    clearTimeout(this.#collapseTimer);
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    const view = this.#view;
    if (name === 'lang') {
      if (this.isConnected) this.#speak();
    } else if (name === 'presentation') {
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
    if (viewKind === 'room') readRoomAhead(this);
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
    copyAttributes(this, view);
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
    this.#attributeObserver = forwardOtherAttributes(this, view);
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

  /** Puts the facade (inline) or the launcher's button (launcher) in the shadow root, with their styles. */
  #place(): void {
    if (this.#view) return;
    this.#root.adoptedStyleSheets = [shellSheet(this.#kind)];
    if (this.#launcher && this.#viewKind) {
      this.#root.replaceChildren(
        (this.#launcherButton ??= buildLauncher(() => void this.#open())),
        ...(this.#dialog ? [this.#dialog] : []),
      );
    } else {
      this.#root.replaceChildren(this.#facade.root);
    }
    this.#renderFacade();
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
    await (await loadViews()).toLatest(this.#root);
  }

  /** Follows the element's language (loader/shell-locale.ts). */
  #speak(): void {
    this.#silence?.();
    this.#silence = speak(this, () => this.#renderFacade());
  }

  #launcherTitle(): string {
    return launcherTitle(this.#text.title(this), this.#viewTitle);
  }

  /** Text only (never HTML): the title and count come from the page's attributes and the view. */
  #renderFacade(): void {
    const launcher = this.#launcherButton;
    if (launcher)
      renderLauncher(launcher, this.#launcherTitle(), { unread: this.#unread, mentions: this.#mentions }, this.#failed, this.#dialog);
    if (this.#view) return;
    renderFacade(this.#facade, this.#text, this, { failed: this.#failed, busy: this.#busy, learnedCount: this.#learnedCount });
  }
}
