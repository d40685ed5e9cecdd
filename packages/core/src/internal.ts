/**
 * What the project's own tests reach for beyond the public index: the request builder of posts and the
 * outbox's storage. Not public API: published as `@omnisocial/core/internal` so that
 * tests import core through its exports rather than its file layout (the attachment upload is here for its benchmark). Nothing here loads the engine, so a test
 * of the light read may import it; the engine's own steps are `@omnisocial/core/internal/engine`,
 * and the rules of direct conversations (`m.direct`, the room a conversation creates) `@omnisocial/core/internal/dm`.
 */
export { outboxStorage } from './outbox/outbox.ts';
export { POST_BINDING_EVENT, postRoomAlias, postRoomCreateRequest } from './posts/posts.ts';
export { uploadAttachment } from './media/attachment.ts';
export { encryptAttachment } from './media/encrypt.ts';
export { attachmentContent } from './media/attachment-content.ts';
export { uploadMedia } from './media/upload.ts';
export { LIGHT_READ_CONN_ID } from './sync/light-read.ts';
export { sessionsMayBeStored } from './session/session-store.ts';
