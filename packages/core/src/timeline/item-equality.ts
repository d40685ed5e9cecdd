/**
 * Whether an item built now equals the previous build's: equal items are reused, so an unchanged tile
 * receives the very same object and does not re-render. Pure.
 */
import type {
  MemberInfo,
  MembershipSummary,
  MessageItem,
  NoticeLine,
  ReactionGroup,
  ReplyPreview,
  TimelineItem,
} from './timeline-types.ts';

/** Lines are small plain data built in one order: equal lines serialise the same. */
function sameLine(a: NoticeLine | undefined, b: NoticeLine | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b));
}

export function sameMembers(a: readonly MemberInfo[], b: readonly MemberInfo[]): boolean {
  return a.length === b.length && a.every((m, i) => m === b[i]);
}

export function sameReactions(a: readonly ReactionGroup[], b: readonly ReactionGroup[]): boolean {
  return (
    a.length === b.length &&
    a.every((r, i) => {
      const s = b[i];
      return (
        s !== undefined &&
        r.key === s.key &&
        r.count === s.count &&
        r.ownEventId === s.ownEventId &&
        r.senders.length === s.senders.length &&
        r.senders.every((n, j) => n === s.senders[j])
      );
    })
  );
}

export function sameReply(a: ReplyPreview | undefined, b: ReplyPreview | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.eventId === b.eventId && a.sender === b.sender && a.body === b.body);
}

function sameMessage(a: MessageItem, b: MessageItem): boolean {
  return (
    a.key === b.key &&
    a.eventId === b.eventId &&
    a.sender === b.sender &&
    a.own === b.own &&
    a.timestamp === b.timestamp &&
    a.msgtype === b.msgtype &&
    a.body === b.body &&
    a.formattedBody === b.formattedBody &&
    a.edited === b.edited &&
    a.redacted === b.redacted &&
    a.media === b.media &&
    a.upload === b.upload &&
    a.status === b.status &&
    a.held === b.held &&
    a.undecryptable === b.undecryptable &&
    a.continuation === b.continuation &&
    sameReply(a.replyTo, b.replyTo) &&
    sameReactions(a.reactions, b.reactions) &&
    sameMembers(a.readBy, b.readBy)
  );
}

function sameSummary(a: MembershipSummary | undefined, b: MembershipSummary | undefined): boolean {
  return (
    a === b ||
    (a !== undefined &&
      b !== undefined &&
      a.eventIds.length === b.eventIds.length &&
      a.eventIds.every((id, i) => id === b.eventIds[i]) &&
      a.lines.every((line, i) => sameLine(line, b.lines[i])))
  );
}

export function sameItem(a: TimelineItem, b: TimelineItem): boolean {
  if (a.kind === 'message') return b.kind === 'message' && sameMessage(a, b);
  if (a.kind === 'notice')
    return (
      b.kind === 'notice' &&
      a.eventId === b.eventId &&
      sameLine(a.line, b.line) &&
      a.timestamp === b.timestamp &&
      sameSummary(a.summary, b.summary)
    );
  if (a.kind === 'placeholder') return b.kind === a.kind && a.eventId === b.eventId && a.reason === b.reason && a.timestamp === b.timestamp;
  if (a.kind === 'day') return b.kind === 'day' && a.timestamp === b.timestamp;
  return b.kind === a.kind;
}
