/**
 * The views chunk: the full Lit views the loader's shells mount, with everything they need (Lit, the
 * engine behind `@omnisocial/core`'s lazy boundary, the renderers). Loaded with a dynamic import when
 * the first element nears the viewport or is touched; never part of the loader.
 */
import type { ViewFactories } from './loader/contract.ts';
import { OmniRoomView } from './components/room/omni-room.ts';
import './components/room/define.ts';

export const views: ViewFactories = {
  room: OmniRoomView.factory(),
};
