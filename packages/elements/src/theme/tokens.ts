import { css, unsafeCSS, type CSSResult, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { emojiFontStack, registerEmojiFont } from './emoji-font.ts';

/** The theme a host asks for: `auto` follows the page's `color-scheme`, then `prefers-color-scheme`. */
export type ThemeName = 'light' | 'dark' | 'auto';

/**
 * Colour tokens of the built-in themes. Every pair used for text meets WCAG 2.2 AA (4.5:1) on the
 * surfaces it is drawn on: `text`/`text-muted`/`accent`/`danger` on `surface`, `surface-2` and
 * `accent-subtle` and `mention-subtle`; `on-accent` on `accent`. `mention` (the bar of a message that
 * mentions the reader) keeps 3:1 against `surface`, as non-text contrast asks.
 */
export const lightColors = {
  surface: '#ffffff',
  'surface-2': '#f1f3f6',
  'accent-subtle': '#dde9fb',
  'mention-subtle': '#fff3cd',
  mention: '#b7791f',
  text: '#1b1f24',
  'text-muted': '#555e68',
  border: '#8c959f',
  'border-subtle': '#d0d7de',
  accent: '#0a58ca',
  'on-accent': '#ffffff',
  danger: '#b42318',
  focus: '#0a58ca',
} as const;

export const darkColors: Record<keyof typeof lightColors, string> = {
  surface: '#16191d',
  'surface-2': '#22272e',
  'accent-subtle': '#1c2d44',
  'mention-subtle': '#3b3117',
  mention: '#e3b341',
  text: '#e6edf3',
  'text-muted': '#a8b1bc',
  border: '#6e7781',
  'border-subtle': '#373e47',
  accent: '#6cb0ff',
  'on-accent': '#0d1117',
  danger: '#ff8e86',
  focus: '#6cb0ff',
};

/** Non-colour tokens, shared by both themes. */
export const scaleTokens = {
  'font-family': "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  'font-size': '0.9375rem',
  'font-size-s': '0.8125rem',
  'line-height': '1.4',
  'radius-s': '0.25rem',
  'radius-m': '0.5rem',
  'radius-l': '1rem',
  'space-xs': '0.125rem',
  'space-s': '0.375rem',
  'space-m': '0.75rem',
  'space-l': '1.25rem',
} as const;

function colorDeclarations(colors: Readonly<Record<string, string>>): string {
  return Object.entries(colors)
    .map(([name, value]) => `--_color-${name}: var(--omni-color-${name}, ${value});`)
    .join('\n');
}

const light = unsafeCSS(colorDeclarations(lightColors));
const dark = unsafeCSS(colorDeclarations(darkColors));
const scale = unsafeCSS(
  Object.entries(scaleTokens)
    .map(([name, value]) => `--_${name}: var(--omni-${name}, ${value});`)
    .join('\n'),
);

/**
 * The global `--omni-*` design tokens with their light and dark defaults. A host page overrides any
 * of them on the element or an ancestor; components read them only through private `--_*` names.
 * `theme="dark"` picks the dark set; `theme="auto"` picks it from `prefers-color-scheme`, and
 * {@link ThemeController} refines that with the page's own `color-scheme` (exposed as `:state(dark)`).
 */
export const tokens: CSSResult = css`
  :host {
    color-scheme: light;
    ${light}
    ${scale}
    /* Kept for components written before the scale had sizes. */
    --_radius: var(--_radius-m);
    /* Big emoji and the emoji picker: the system's colour emoji, else the font we ship (emoji-font.ts). */
    --_font-family-emoji: var(--omni-font-family-emoji, ${unsafeCSS(emojiFontStack)});
  }

  :host([theme='dark']),
  :host([theme='auto']:state(dark)) {
    color-scheme: dark;
    ${dark}
  }

  @media (prefers-color-scheme: dark) {
    :host([theme='auto']:not(:state(light))) {
      color-scheme: dark;
      ${dark}
    }
  }

  @media (prefers-reduced-motion: reduce) {
    :host *,
    :host *::before,
    :host *::after {
      transition-duration: 0s !important;
      animation-duration: 0s !important;
      scroll-behavior: auto !important;
    }
  }
`;

/**
 * Resolves `theme="auto"` for an element: the page's `color-scheme` where it names one scheme,
 * otherwise `prefers-color-scheme`. Sets the custom state `dark` or `light` on the host.
 */
export class ThemeController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #internals: ElementInternals;
  readonly #theme: () => ThemeName;
  /** The element the page sees (a view's shell), whose surroundings `auto` reads; the host itself by default. */
  readonly #themed: HTMLElement | undefined;
  readonly #media = matchMedia('(prefers-color-scheme: dark)');
  #observer: MutationObserver | undefined;
  readonly #onChange = (): void => this.#resolve();
  /** The scheme in use now. */
  resolved: 'light' | 'dark' = 'light';

  constructor(host: ReactiveControllerHost & HTMLElement, internals: ElementInternals, theme: () => ThemeName, themed?: HTMLElement) {
    this.#host = host;
    this.#internals = internals;
    this.#theme = theme;
    this.#themed = themed;
    host.addController(this);
  }

  hostConnected(): void {
    registerEmojiFont();
    this.#media.addEventListener('change', this.#onChange);
    // A page switching its scheme usually toggles a class or attribute on <html> or <body>.
    this.#observer = new MutationObserver(this.#onChange);
    const options = { attributes: true, attributeFilter: ['class', 'style', 'data-theme', 'data-color-scheme'] };
    this.#observer.observe(document.documentElement, options);
    this.#observer.observe(document.body, options);
  }

  hostDisconnected(): void {
    this.#media.removeEventListener('change', this.#onChange);
    this.#observer?.disconnect();
  }

  hostUpdated(): void {
    this.#resolve();
  }

  #resolve(): void {
    const theme = this.#theme();
    let resolved: 'light' | 'dark';
    if (theme === 'auto') {
      const themed = this.#themed ?? this.#host;
      const root = themed.getRootNode();
      const parent = themed.parentElement ?? (root instanceof ShadowRoot ? root.host : null);
      const scheme = parent ? getComputedStyle(parent).colorScheme : 'normal';
      const words = scheme.split(/\s+/);
      if (words.includes('only') || words.length === 1) {
        resolved = words.includes('dark') ? 'dark' : words.includes('light') ? 'light' : this.#media.matches ? 'dark' : 'light';
      } else {
        resolved = this.#media.matches ? 'dark' : 'light';
      }
    } else {
      resolved = theme === 'dark' ? 'dark' : 'light';
    }
    const states = this.#internals.states;
    states.delete(resolved === 'dark' ? 'light' : 'dark');
    states.add(resolved);
    if (resolved !== this.resolved) {
      this.resolved = resolved;
      this.#host.requestUpdate();
    }
  }
}
