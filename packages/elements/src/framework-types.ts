/**
 * What the framework typings (vue.ts, svelte.ts) say about each tag: its properties, the attributes it reads that
 * are not properties, and the events it fires.
 */
import type { OmniShell } from './loader/shell.ts';
import type {
  OmniDmCreatedEvent,
  OmniErrorEvent,
  OmniMessagesChangeEvent,
  OmniRoomCreatedEvent,
  OmniSessionChangeEvent,
  OmniUnreadChangeEvent,
} from './events.ts';

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
  'omni-messages-change': OmniMessagesChangeEvent;
}

/** `<omni-chat>`'s events. */
export interface OmniChatEvents extends OmniEvents {
  'omni-room-created': OmniRoomCreatedEvent;
}

/** `<omni-dm>`'s events. */
export interface OmniDmEvents extends OmniEvents {
  'omni-dm-created': OmniDmCreatedEvent;
}

/** An element's own properties, all optional: what it declares beyond the shell they share (`room`, `theme`, `open`…). */
export type OwnProperties<Element extends OmniShell> = Partial<Pick<Element, Exclude<keyof Element, keyof OmniShell>>>;
