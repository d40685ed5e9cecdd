import { OmniThread } from './omni-thread.ts';

OmniThread.define('omni-thread');

declare global {
  interface HTMLElementTagNameMap {
    'omni-thread': OmniThread;
  }
}
