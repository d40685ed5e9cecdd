import { OmniChatView } from './omni-chat.ts';

/** The post chat view's tag; the page uses `<omni-chat>`, the loader's shell, which shows it. */
OmniChatView.define('omni-chat-view');

declare global {
  interface HTMLElementTagNameMap {
    'omni-chat-view': OmniChatView;
  }
}
