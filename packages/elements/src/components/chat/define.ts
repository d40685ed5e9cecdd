import { OmniChat } from './omni-chat.ts';

OmniChat.define('omni-chat');

declare global {
  interface HTMLElementTagNameMap {
    'omni-chat': OmniChat;
  }
}
