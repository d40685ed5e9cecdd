import { OmniRoomView } from './omni-room.ts';

/** The room view's internal tag; the page uses `<omni-room>`, the loader's shell, which mounts it. */
OmniRoomView.define('omni-room-view');

declare global {
  interface HTMLElementTagNameMap {
    'omni-room-view': OmniRoomView;
  }
}
