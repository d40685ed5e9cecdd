/**
 * `layout="comments"` on `<omni-chat>`: the discussion's top-level messages as comments, each with
 * its author (no grouping), ordered oldest first, newest first or by reactions; a comment's thread holds
 * its replies. Only the order and grouping change: the items are the room's.
 */
import { html, type TemplateResult } from 'lit';
import { msg } from '@lit/localize';
import type { MessageItem, TimelineItem } from '@omnisocial/core';

export type CommentSort = 'oldest' | 'newest' | 'reactions';

const SORTS: readonly CommentSort[] = ['oldest', 'newest', 'reactions'];

export function isCommentSort(value: string): value is CommentSort {
  return (SORTS as readonly string[]).includes(value);
}

function sortLabel(sort: CommentSort): string {
  if (sort === 'oldest') return msg('Oldest first');
  if (sort === 'newest') return msg('Newest first');
  return msg('Most reactions');
}

const reactionCount = (message: MessageItem): number => message.reactions.reduce((sum, reaction) => sum + reaction.count, 0);

/** Each message shown whole (a comment names its author), the same object while the message is. */
const standalone = new WeakMap<MessageItem, MessageItem>();
function asComment(message: MessageItem): MessageItem {
  if (!message.continuation) return message;
  let comment = standalone.get(message);
  if (!comment) standalone.set(message, (comment = { ...message, continuation: false }));
  return comment;
}

const sorted = new WeakMap<readonly TimelineItem[], Map<CommentSort, readonly TimelineItem[]>>();

/** The comments in `sort` order: messages only (no days, notices or "new messages" line). */
export function commentItems(items: readonly TimelineItem[], sort: CommentSort): readonly TimelineItem[] {
  let bySort = sorted.get(items);
  const known = bySort?.get(sort);
  if (known) return known;
  const comments = items.filter((item): item is MessageItem => item.kind === 'message').map(asComment);
  // The log keeps the latest at its end: "newest first" puts the newest at its top, so it reads top-down.
  if (sort === 'newest') comments.sort((a, b) => b.timestamp - a.timestamp);
  else if (sort === 'reactions') comments.sort((a, b) => reactionCount(b) - reactionCount(a) || a.timestamp - b.timestamp);
  if (!bySort) sorted.set(items, (bySort = new Map<CommentSort, readonly TimelineItem[]>()));
  bySort.set(sort, comments);
  return comments;
}

/** The sort control above the comments. */
export function renderCommentSort(sort: CommentSort, onChange: (sort: CommentSort) => void): TemplateResult {
  return html`<label class="comment-sort" part="comment-sort"
    >${msg('Sort comments')}
    <select
      @change=${(event: Event) => {
        const value = (event.target as HTMLSelectElement).value;
        if (isCommentSort(value)) onChange(value);
      }}
    >
      ${SORTS.map((option) => html`<option value=${option} ?selected=${option === sort}>${sortLabel(option)}</option>`)}
    </select></label
  >`;
}
