/**
 * What the project's own tests reach for beyond the public index: the request builders of posts and
 * conversations, the engine's sign-in steps and the outbox's storage. Not public API: published as
 * `@omnisocial/core/internal` so that tests import core through its exports rather than its file layout.
 */
export { directRoomCreateRequest } from './dm/dm.ts';
export { outboxStorage } from './outbox/outbox.ts';
export { POST_BINDING_EVENT, postRoomAlias, postRoomCreateRequest } from './posts/posts.ts';
export { EngineSession, login, startSession } from './session/engine.ts';
