/**
 * The three components as the browser runs them: `@lit/react` wrappers of the custom elements, so properties are set
 * as properties (booleans such as `open` included) and each `omni-*` event is an `on…` prop receiving its typed event.
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
