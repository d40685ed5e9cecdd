import { html, type TemplateResult } from 'lit';
import type { MessageItem } from '@omnisocial/core';

/**
 * Renders the content of one message: its body as text. Rich rendering (sanitised
 * `formatted_body`, links, code, spoilers, emotes, big emoji) plugs in here.
 */
export function renderMessageBody(message: MessageItem): TemplateResult {
  return html`<span class="body">${message.body}</span>`;
}
