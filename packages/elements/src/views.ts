/**
 * The views chunk: the full Lit views the loader's shells mount, with everything they need (Lit, the
 * engine behind `@omnisocial/core`'s lazy boundary, the renderers). Loaded with a dynamic import when
 * the first element nears the viewport or is touched, or while `signIn()` waits for the homeserver; never
 * part of the loader.
 */
import type { ViewFactories } from './loader/contract.ts';
import { OmniChatView } from './components/chat/omni-chat.ts';
import './components/chat/define.ts';
import { OmniDmView } from './components/dm/omni-dm.ts';
import './components/dm/define.ts';
import { OmniRoomView } from './components/room/omni-room.ts';
import { prepareMessageTiles } from './components/message-tile/message-tile.ts';
import { preparePermission } from './controllers/notifications.ts';
import { prepareFormats } from './i18n/format.ts';
import './components/room/define.ts';

/** The launcher's panel (`presentation="launcher"`), needed only once a launcher is opened. */
export { createPanel, panelSheet, toLatest } from './loader/panel.ts';

// Idle time before the first render (the homeserver checking a password, a room's messages on their way): what
// every room's first render needs once per page is made then, not in that render.
const prepare = (): void => {
  prepareFormats();
  prepareMessageTiles();
  preparePermission();
};
if ('requestIdleCallback' in globalThis) requestIdleCallback(prepare);
else setTimeout(prepare);

export const views: ViewFactories = {
  room: OmniRoomView.factory(),
  chat: OmniChatView.factory(),
  dm: OmniDmView.factory(),
};
