import { msg, str } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import type { RoomSnapshot } from '@omnisocial/core';

/**
 * The unread messages that mention the member, oldest first: those after the read marker, or, when the marker is
 * not among the loaded messages, the latest as many as the push rules count unread highlights.
 */
export function unreadMentions(snapshot: RoomSnapshot): string[] {
  const marker = snapshot.items.findIndex((item) => item.kind === 'read-marker');
  const ids: string[] = [];
  for (const item of snapshot.items.slice(marker + 1)) {
    if (item.kind === 'message' && item.mentionsMe === true && item.eventId !== undefined) ids.push(item.eventId);
  }
  if (marker !== -1) return ids;
  const highlights = snapshot.notificationCounts?.highlights ?? 0;
  return highlights > 0 ? ids.slice(-highlights) : [];
}

/**
 * The header's **Next mention** button: while messages after the read marker mention the member, each press
 * brings the next one into view (loading older history if needed), then starts over from the first.
 */
export class MentionJump {
  readonly #jump: (eventId: string) => void;
  #last: string | undefined;

  constructor(jump: (eventId: string) => void) {
    this.#jump = jump;
  }

  render(snapshot: RoomSnapshot): TemplateResult | typeof nothing {
    const mentions = unreadMentions(snapshot);
    if (mentions.length === 0) return nothing;
    const count = mentions.length;
    return html`<button type="button" class="members-button" part="mention-jump" @click=${() => this.#next(mentions)}>
      ${msg(str`Next mention (${count})`, { id: 'mention-jump' })}
    </button>`;
  }

  #next(mentions: readonly string[]): void {
    const after = this.#last === undefined ? -1 : mentions.indexOf(this.#last);
    const next = mentions[after + 1] ?? mentions[0];
    if (next === undefined) return;
    this.#last = next;
    this.#jump(next);
  }
}
