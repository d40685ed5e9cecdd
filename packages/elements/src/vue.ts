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
import type { OmniChatEvents, OmniDmEvents, OmniEvents, OmniShellAttributes, OwnProperties } from './framework-types.ts';

export type { OmniChatEvents, OmniDmEvents, OmniEvents, OmniShellAttributes } from './framework-types.ts';

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
    'omni-chat': OmniVueElement<OmniChat, OmniChatEvents>;
    'omni-dm': OmniVueElement<OmniDm, OmniDmEvents>;
  }
}
