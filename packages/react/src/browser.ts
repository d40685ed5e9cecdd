'use client';
/**
 * `@omnisocial/react` in the browser (the `browser` export condition): the components alone, without the server's
 * rendering of the facade (index.ts), which a page never runs. Importing it defines the elements.
 */
export { OmniChat, OmniDm, OmniRoom } from './components.ts';
export { signIn, signOut, expectSignIn, completeSsoSignIn, getLoginFlows, OmniError } from '@omnisocial/chat';
