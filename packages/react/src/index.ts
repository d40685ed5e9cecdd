'use client';
/**
 * OmniSocial Chat for React 19: `<OmniRoom>`, `<OmniChat>` and `<OmniDm>` wrap the custom elements through
 * `@lit/react`, so properties are set as properties (booleans such as `open` included) and each `omni-*` event is an
 * `on…` prop receiving its typed event. Importing this module imports `@omnisocial/chat`, which defines the elements.
 * This is the module browsers get (the `browser` export condition); a server gets server.ts, which renders the
 * facade too. `'use client'`: the components use React's hooks, so a Next.js server component renders them as
 * client components.
 */
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import {
  OmniChat as OmniChatElement,
  OmniDm as OmniDmElement,
  OmniRoom as OmniRoomElement,
  type OmniDmCreatedEvent,
  type OmniErrorEvent,
  type OmniRoomCreatedEvent,
  type OmniSessionChangeEvent,
  type OmniUnreadChangeEvent,
} from '@omnisocial/chat';

const events = {
  onOmniError: 'omni-error' as EventName<OmniErrorEvent>,
  onOmniSessionChange: 'omni-session-change' as EventName<OmniSessionChangeEvent>,
  onOmniUnreadChange: 'omni-unread-change' as EventName<OmniUnreadChangeEvent>,
};

/** `<omni-room>`: a community chat room. */
export const OmniRoom = createComponent({ tagName: 'omni-room', elementClass: OmniRoomElement, react: React, events });

/** `<omni-chat>`: the chat under a post. */
export const OmniChat = createComponent({
  tagName: 'omni-chat',
  elementClass: OmniChatElement,
  react: React,
  events: { ...events, onOmniRoomCreated: 'omni-room-created' as EventName<OmniRoomCreatedEvent> },
});

/** `<omni-dm>`: a private, encrypted conversation with one member. */
export const OmniDm = createComponent({
  tagName: 'omni-dm',
  elementClass: OmniDmElement,
  react: React,
  events: { ...events, onOmniDmCreated: 'omni-dm-created' as EventName<OmniDmCreatedEvent> },
});

export { signIn, signOut, expectSignIn, completeSsoSignIn, getLoginFlows, OmniError } from '@omnisocial/chat';
