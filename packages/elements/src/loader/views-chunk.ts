/** The views chunk, fetched once for the whole page, and what the loader does while it downloads. */
import { placeOf } from './activation.ts';
import { loadedPageCore, pageCore } from './page-owner.ts';

export type ViewsChunk = typeof import('../views.ts');
let viewsChunk: Promise<ViewsChunk> | undefined;
let viewsArrived = false;

/** The views chunk (Lit, the engine boundary, the renderers, the launcher's panel), fetched once for the whole page. */
export function loadViews(): Promise<ViewsChunk> {
  viewsChunk ??= import('../views.ts').then(
    (chunk) => {
      viewsArrived = true;
      return chunk;
    },
    (error: unknown) => {
      viewsChunk = undefined;
      throw error;
    },
  );
  return viewsChunk;
}

/**
 * An open post's latest messages, read while the views chunk downloads rather than after it (core's
 * `readAhead`, which the view's own light read then takes over). Once the views have arrived, the view
 * starts its read at once and nothing is gained.
 */
export function readAhead(element: Element): void {
  const homeserver = element.getAttribute('homeserver');
  const post = element.getAttribute('post');
  if (viewsArrived || !homeserver || !post || !element.hasAttribute('open')) return;
  const aliasTemplate = element.getAttribute('alias-template');
  const companionBot = element.getAttribute('companion-bot');
  import('@omnisocial/core/internal/page-api')
    .then((core) =>
      core.readAhead(homeserver, {
        id: post,
        open: true,
        ...(aliasTemplate ? { aliasTemplate } : {}),
        ...(companionBot ? { companionBot } : {}),
      }),
    )
    .catch(() => undefined);
}

/**
 * A member's room, read while the views chunk downloads (core's `readRoomAhead`, which the view's own light read
 * then takes), or once the views have arrived, for the view to take as it renders. Only a room on or near the viewport
 * as its view mounts is read: one farther waits for the engine, which does not wait for it, and its view makes no
 * read of its own either. Nothing is read without a stored session. With core loaded already (the page signed its
 * member in), the read is counted in this very task: a member's engine just signed in starts unless a light read
 * has by then.
 */
export function readRoomAhead(element: Element): void {
  const homeserver = element.getAttribute('homeserver');
  const room = element.getAttribute('room');
  if (!homeserver || !room) return;
  const place = placeOf(element);
  const core = loadedPageCore();
  if (core) core.readRoomAhead(homeserver, room, place);
  else
    pageCore()
      .then((loaded) => loaded.readRoomAhead(homeserver, room, place))
      .catch(() => undefined);
}
