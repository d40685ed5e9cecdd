/**
 * What the loader's shells and the lazily loaded views agree on. Types only: the loader must not pull
 * Lit or the engine in through this module.
 */

/** What a shell lends the view it mounts: itself (the element the page sees) and its `ElementInternals`. */
export interface ViewHost {
  readonly element: HTMLElement;
  readonly internals: ElementInternals;
  /** The conversation's display name as the view shows it (the room's name, the other member's), once known. */
  titleChanged(title: string | undefined): void;
}

/** A mounted full view: a Lit element rendering into the shell's shadow root. */
export interface MountedView extends HTMLElement {
  readonly updateComplete: Promise<boolean>;
  /**
   * Whether the member is using the view (focus inside it, an unsent draft, messages still sending, an
   * open menu or picker): the shell then keeps it mounted even far from the viewport.
   */
  readonly inUse: boolean;
  /** The room's message count when the view knows all of it (its whole history is loaded), for the facade. */
  readonly messageCount: number | undefined;
}

/** How the views chunk hands one view to a shell. */
export interface ViewFactory {
  /** The view's styles, adopted by the shell's shadow root (their `:host` rules then match the shell). */
  readonly styleSheets: readonly CSSStyleSheet[];
  /** Creates the view element for `host`, not yet connected. */
  mount(host: ViewHost): MountedView;
}

/** The full views the loader knows how to mount. */
export type ViewKind = 'room' | 'chat' | 'dm';

export type ViewFactories = Partial<Record<ViewKind, ViewFactory>>;
