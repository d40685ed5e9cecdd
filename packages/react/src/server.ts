'use client';
/**
 * `@omnisocial/react` on a server (every export condition but `browser`): the components of index.ts, which a
 * browser gets alone. There, importing `@omnisocial/chat` defines nothing, and each component writes its element with
 * the facade inside as a declarative shadow root (`serverShadowContent`), so the server's HTML already shows the
 * facade at its final size; in a browser they are index.ts's components.
 */
import * as React from 'react';
import { attributesFromProperties, serverShadowContent, type OmniTag } from '@omnisocial/chat';
import * as components from './index.ts';

/**
 * On the server (no `window`), the element as React writes it: its props as attributes and its facade in a declarative
 * shadow root before its children. In the browser, the `@lit/react` component: the parser has already turned the
 * `<template>` into the shadow root, so the element's children match what hydration expects.
 */
function serverRendered<C extends React.ComponentType<never>>(tag: OmniTag, component: C): C {
  if (typeof window !== 'undefined') return component;
  const server = (props: Readonly<Record<string, unknown>>): React.ReactElement => {
    const { children, className, style } = props as { children?: React.ReactNode; className?: string; style?: React.CSSProperties };
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(attributesFromProperties(tag, props)))
      if (value !== false && value !== null && value !== undefined) attributes[name] = value === true ? '' : String(value);
    const template = React.createElement('template', {
      shadowrootmode: 'open',
      shadowrootdelegatesfocus: '',
      dangerouslySetInnerHTML: { __html: serverShadowContent(tag, attributes) },
    });
    return React.createElement(tag, { ...attributes, className, style }, template, children);
  };
  return server as unknown as C;
}

/** `<omni-room>`: a community chat room. */
export const OmniRoom = serverRendered('omni-room', components.OmniRoom);

/** `<omni-chat>`: the chat under a post. */
export const OmniChat = serverRendered('omni-chat', components.OmniChat);

/** `<omni-dm>`: a private, encrypted conversation with one member. */
export const OmniDm = serverRendered('omni-dm', components.OmniDm);

export { signIn, signOut, expectSignIn, completeSsoSignIn, getLoginFlows, OmniError } from '@omnisocial/chat';
