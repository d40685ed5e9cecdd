import type { CSSResultOrNative } from 'lit';
import type { MountedView, ViewFactory, ViewHost } from '../loader/contract.ts';
import { OmniElement } from './omni-element.ts';

/** The shell a view is being constructed for; set only for the duration of {@link OmniView.factory}'s `mount()`. */
let mountingFor: ViewHost | undefined;

function toStyleSheet(style: CSSResultOrNative): CSSStyleSheet {
  if (style instanceof CSSStyleSheet) return style;
  const sheet = style.styleSheet;
  if (!sheet) throw new Error('Constructable stylesheets are required');
  return sheet;
}

/** An element showing that the member is in the middle of something. */
function inUseElement(element: Element): boolean {
  if (element instanceof HTMLTextAreaElement) return element.value.trim() !== '';
  if (element instanceof HTMLInputElement) return element.type === 'password' && element.value !== '';
  return element.matches('dialog[open], [aria-expanded="true"], [role="listbox"], [role="menu"]');
}

/** Whether `test` holds for an element under `root`, looking into open shadow roots too. */
function someDeep(root: ParentNode, test: (element: Element) => boolean): boolean {
  for (const element of root.querySelectorAll('*')) {
    if (test(element) || (element.shadowRoot && someDeep(element.shadowRoot, test))) return true;
  }
  return false;
}

/**
 * A full view (room, post chat) that renders into the shadow root of the loader's light shell
 * (`<omni-room>`, `<omni-chat>`) instead of its own. The shell adopts the view's styles, so `:host`
 * rules, `::part()`s, `:state()`s and slots all belong to the element the page holds. Events the view
 * dispatches must be `bubbles: true, composed: true` to reach the page.
 *
 * Created outside a shell (e.g. `document.createElement` of its internal tag), a view falls back to
 * an ordinary shadow root and its own internals.
 */
export class OmniView extends OmniElement {
  /** The shell's element and internals (or this view's own, outside a shell). */
  readonly viewHost: ViewHost;
  readonly #inShell: boolean;

  /** What the loader's shell uses to mount this view class (after its internal tag is defined). */
  static factory<T extends OmniView>(this: (new () => T) & typeof OmniView): ViewFactory {
    const styleSheets = (): readonly CSSStyleSheet[] => this.elementStyles.map(toStyleSheet);
    const create = (): T => new this();
    return {
      get styleSheets(): readonly CSSStyleSheet[] {
        return styleSheets();
      },
      mount(host: ViewHost): MountedView {
        mountingFor = host;
        try {
          return create();
        } finally {
          mountingFor = undefined;
        }
      },
    };
  }

  #title: string | undefined;

  constructor() {
    super();
    const host = mountingFor;
    mountingFor = undefined;
    this.#inShell = host !== undefined;
    this.viewHost = host ?? { element: this, internals: this.attachInternals(), titleChanged: () => undefined };
    // A controller, not `updated()`: views override that without calling super.
    this.addController({ hostUpdated: () => this.#reportTitle() });
  }

  /** The name the header shows, for a launcher's label; the attribute (an alias, a user id) is only its fallback. */
  #reportTitle(): void {
    const title = this.renderRoot.querySelector('[part~="header"] .name')?.textContent.trim() || undefined;
    if (title === this.#title) return;
    this.#title = title;
    this.viewHost.titleChanged(title);
  }

  /**
   * Whether the member is using this view, so the loader's shell must not collapse it: focus inside it,
   * an unsent draft (or a password being typed), an open dialog, picker, menu or suggestion list. Views
   * add what only they know (messages still sending).
   */
  get inUse(): boolean {
    return this.matches(':focus-within') || someDeep(this.renderRoot, inUseElement);
  }

  /** The room's message count when the view knows all of it; views with a room report theirs. */
  get messageCount(): number | undefined {
    return undefined;
  }

  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    return this.#inShell ? this : super.createRenderRoot();
  }
}
