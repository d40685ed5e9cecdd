/**
 * The event content the outbox sends for a composed message (new, reply or edit, with `m.mentions`),
 * its local echo, and the size the homeserver will accept.
 */
import type { MemberInfo, MessageItem } from '../timeline/timeline-types.ts';
import { OmniError, type OutgoingMessage } from '../types.ts';

export type { OutgoingMessage } from '../types.ts';

/** A message sent as typed: what `RoomHandle.send(string)` means (Markdown and commands are the composer's). */
export function plainMessage(text: string): OutgoingMessage {
  return { msgtype: 'm.text', body: text.trim(), mentionedUserIds: [] };
}

type Content = Record<string, unknown>;

/**
 * The spec's content of a message. `m.mentions` is always there, empty when nobody is mentioned:
 * without it, receivers fall back to matching names in the body and ping people nobody meant to.
 */
function baseContent(message: OutgoingMessage, mentionedUserIds: readonly string[]): Content {
  return {
    msgtype: message.msgtype,
    body: message.body,
    ...(message.formattedBody !== undefined ? { format: 'org.matrix.custom.html', formatted_body: message.formattedBody } : {}),
    'm.mentions': mentionedUserIds.length > 0 ? { user_ids: [...mentionedUserIds] } : {},
  };
}

/** The event content of a new message, optionally a reply (`m.in_reply_to`, no fallback: the spec dropped it). */
export function messageContent(message: OutgoingMessage, options: { readonly replyTo?: string } = {}): Content {
  const content = baseContent(message, message.mentionedUserIds);
  if (options.replyTo) content['m.relates_to'] = { 'm.in_reply_to': { event_id: options.replyTo } };
  return content;
}

/**
 * The event content of an edit (`m.replace`). `m.new_content` carries the whole new message with all
 * its mentions; the outer content mentions only members the original did not, so an edit pings nobody twice.
 */
export function editContent(eventId: string, message: OutgoingMessage, alreadyMentioned: readonly string[] = []): Content {
  const before = new Set(alreadyMentioned);
  const outer = baseContent(
    {
      ...message,
      body: `* ${message.body}`,
      ...(message.formattedBody !== undefined ? { formattedBody: `* ${message.formattedBody}` } : {}),
    },
    message.mentionedUserIds.filter((id) => !before.has(id)),
  );
  return {
    ...outer,
    'm.new_content': baseContent(message, message.mentionedUserIds),
    'm.relates_to': { rel_type: 'm.replace', event_id: eventId },
  };
}

/** Synapse refuses an event whose canonical JSON exceeds 65,536 bytes (`M_TOO_LARGE`, HTTP 413). */
export const MAX_EVENT_BYTES = 65_536;

/**
 * What the envelope around the content can take at most in the event the server stores: ids of the
 * event, room and sender, `prev_events`/`auth_events`, hashes, signatures.
 */
const ENVELOPE_BYTES = 2_048;
/** Megolm's own fields around its ciphertext, and the room id and type encrypted with the content. */
const ENCRYPTION_BYTES = 1_024;

/** The size of event content as the homeserver counts it: UTF-8 bytes of its JSON. */
export function contentBytes(content: Readonly<Record<string, unknown>>): number {
  return new TextEncoder().encode(JSON.stringify(content)).length;
}

/**
 * The largest content that fits in an event. In an encrypted room the content travels as base64
 * ciphertext (4 bytes for every 3), so less of it fits.
 */
export function maxContentBytes(encrypted: boolean): number {
  const plain = MAX_EVENT_BYTES - ENVELOPE_BYTES;
  return encrypted ? Math.floor(((plain - ENCRYPTION_BYTES) * 3) / 4) : plain;
}

/** What the member is told when a message is too large for the homeserver. */
export const TOO_LARGE_TEXT = 'This message is too large to send. Shorten it, or split it into several messages.';

/** The refusal of content that would not fit in an event, or undefined when it fits. */
export function sizeRefusal(content: Readonly<Record<string, unknown>>, encrypted: boolean): OmniError | undefined {
  const bytes = contentBytes(content);
  const max = maxContentBytes(encrypted);
  if (bytes <= max) return undefined;
  return new OmniError('too-large', `${TOO_LARGE_TEXT} (${bytes.toLocaleString('en')} of at most ${max.toLocaleString('en')} bytes)`);
}

/** The local echo of a message being sent: shown at once, formatted as the receivers will see it. */
export function echoOf(message: OutgoingMessage, key: string, sender: MemberInfo): MessageItem {
  return {
    kind: 'message',
    key,
    sender,
    own: true,
    timestamp: Date.now(),
    msgtype: message.msgtype === 'm.emote' ? 'emote' : 'text',
    body: message.body,
    ...(message.formattedBody !== undefined ? { formattedBody: message.formattedBody } : {}),
    edited: false,
    redacted: false,
    reactions: [],
    status: 'sending',
    continuation: false,
    readBy: [],
  };
}

/**
 * The local echo of a message as sent: `echoOf`, a reply's quote (`replyTo`) and a thread reply's root
 * (`threadRoot`, which shows it in its thread rather than the main timeline). The engine's outbox and the page of
 * a worker engine (worker/proxy.ts) both draw it with this.
 */
export function messageEcho(
  message: OutgoingMessage,
  key: string,
  sender: MemberInfo,
  where: { readonly replyTo?: string | undefined; readonly threadRoot?: string | undefined } = {},
): MessageItem {
  return {
    ...echoOf(message, key, sender),
    ...(where.threadRoot !== undefined ? { threadRoot: where.threadRoot } : {}),
    ...(where.replyTo ? { replyTo: { eventId: where.replyTo } } : {}),
  };
}
