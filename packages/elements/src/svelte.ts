/**
 * Svelte 5 typings for `<omni-room>`, `<omni-chat>` and `<omni-dm>`: importing this module's types (`import type {}
 * from '@omnisocial/chat/svelte'`) adds the three tags to `svelte/elements`' `SvelteHTMLElements`, so
 * `svelte-check` checks their attributes and `onomni-*` handlers. Svelte sets an attribute as the element's property
 * when it has one and listens to `on…` attributes itself, so there is nothing to run: the entry is declarations
 * only, and the site still imports `@omnisocial/chat` to define the elements.
 */
import type { HTMLAttributes } from 'svelte/elements';
import type { OmniChat, OmniDm, OmniRoom } from './loader/elements.ts';
import type { OmniShell } from './loader/shell.ts';
import type { OmniChatEvents, OmniDmEvents, OmniEvents, OmniShellAttributes, OwnProperties } from './framework-types.ts';

export type { OmniChatEvents, OmniDmEvents, OmniEvents, OmniShellAttributes } from './framework-types.ts';

/** Svelte 5's event attributes: `onomni-unread-change={(event) => …}` receives an `OmniUnreadChangeEvent`. */
type EventAttributes<Element extends OmniShell, Events extends object> = {
  [Name in keyof Events & string as `on${Name}`]?: (event: Events[Name] & { currentTarget: EventTarget & Element }) => void;
};

/** The attributes a Svelte template may give a tag: the HTML ones, its properties, its own attributes, its events. */
export type OmniSvelteAttributes<Element extends OmniShell, Events extends object> = HTMLAttributes<Element> &
  OwnProperties<Element> &
  OmniShellAttributes &
  EventAttributes<Element, Events>;

declare module 'svelte/elements' {
  interface SvelteHTMLElements {
    'omni-room': OmniSvelteAttributes<OmniRoom, OmniEvents>;
    'omni-chat': OmniSvelteAttributes<OmniChat, OmniChatEvents>;
    'omni-dm': OmniSvelteAttributes<OmniDm, OmniDmEvents>;
  }
}
