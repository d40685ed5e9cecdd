/**
 * What the elements' loader calls on core from the page (its sign-in API and the read-ahead of an open post or of a member's room),
 * apart from core's index: the index also carries Markdown's parser and the HTML sanitiser, which a page
 * needs only once a member writes or a formatted message arrives. Not public API (`@omnisocial/core/internal/page-api`).
 */
export { expectSignIn, signInForElements as signIn, signOut } from './registry.ts';
export { getLoginFlows } from './login-flows.ts';
export { completeSsoSignIn } from './sso.ts';
export { readAhead, readRoomAhead } from '../sync/light-read.ts';
