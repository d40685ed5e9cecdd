import { OmniRoom } from './omni-room.ts';

OmniRoom.define('omni-room');

declare global {
  interface HTMLElementTagNameMap {
    'omni-room': OmniRoom;
  }
}
