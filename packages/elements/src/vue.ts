/**
 * Vue 3 typings for `<omni-room>`, `<omni-chat>` and `<omni-dm>`: importing this module's types (`import type {}
 * from '@omnisocial/chat/vue'`) adds the three tags to Vue's `GlobalComponents`, so `vue-tsc` checks their props
 * and `@omni-*` handlers in templates. Vue renders custom elements natively (it sets a prop as a property when the
 * element has one), so there is nothing to run: the entry is declarations only, and the site still imports
 * `@omnisocial/chat` to define the elements. Vue's compiler must be told the tags are custom elements
 * (`isCustomElement`), see docs/embedding.md.
 */
import type { EmitFn, HTMLAttributes, PublicProps } from 'vue';
import type { OmniChat, OmniDm, OmniRoom } from './loader/elements.ts';
import type { OmniShell } from './loader/shell.ts';
import type { OmniDmCreatedEvent, OmniErrorEvent, OmniRoomCreatedEvent, OmniSessionChangeEvent, OmniUnreadChangeEvent } from './events.ts';

/** The attributes every element reads that are not properties (see the attribute table in docs/embedding.md). */
export interface OmniShellAttributes {
  /** `lazy` (default): load as the element nears the viewport or is touched; `eager`: at once. */
  loading?: 'lazy' | 'eager';
  /** `inline` (default) or `launcher`: a chat button that opens the conversation in a panel. */
  presentation?: 'inline' | 'launcher';
  /** `auto` (default): collapse back to the facade when far from the viewport; `never`: stay mounted. */
  collapse?: 'auto' | 'never';
}

/** The events every element fires. */
export interface OmniEvents {
  'omni-error': OmniErrorEvent;
  'omni-session-change': OmniSessionChangeEvent;
  'omni-unread-change': OmniUnreadChangeEvent;
}

/** An element's own properties: what it declares beyond the shell they share (`room`, `theme`, `open`…). */
type OwnProperties<Element extends OmniShell> = Partial<Pick<Element, Exclude<keyof Element, keyof OmniShell>>>;

/**
 * The type Vue's templates see for a custom element: the element itself (for template refs), its own properties
 * and attributes as props, and its events as emits (`@omni-unread-change` receives an `OmniUnreadChangeEvent`).
 */
export type OmniVueElement<Element extends OmniShell, Events extends object> = new () => Element & {
  /** For template type-checking only: the props a template may set. */
  $props: HTMLAttributes & OwnProperties<Element> & OmniShellAttributes & PublicProps;
  /** For template type-checking only: the events a template may listen to. */
  $emit: EmitFn<{ [Name in keyof Events]: (event: Events[Name]) => void }>;
};

declare module 'vue' {
  interface GlobalComponents {
    'omni-room': OmniVueElement<OmniRoom, OmniEvents>;
    'omni-chat': OmniVueElement<OmniChat, OmniEvents & { 'omni-room-created': OmniRoomCreatedEvent }>;
    'omni-dm': OmniVueElement<OmniDm, OmniEvents & { 'omni-dm-created': OmniDmCreatedEvent }>;
  }
}
