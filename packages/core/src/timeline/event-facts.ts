/**
 * Reading one event's JSON for the pipeline: its relation (edit, reaction, reply), whether it was
 * deleted, whether it is a well-formed message, and its content after edits. Each read is cached by the
 * content object it came from, so a rebuild of an unchanged timeline reads nothing twice. Pure.
 */
import { asNumber, asObject, asString, type Json } from './json.ts';
import { parseMessageContent, type Edit, type MessageContent } from './message-content.ts';
import type { StateChange } from './timeline-rules.ts';

export interface Relation {
  readonly relType: string | undefined;
  readonly eventId: string | undefined;
  readonly key: string | undefined;
  readonly inReplyTo: string | undefined;
  /** A thread reply's `m.in_reply_to` is only there for clients without threads (`is_falling_back`): not a reply to quote. */
  readonly fallingBack: boolean;
}

const NO_RELATION: Relation = { relType: undefined, eventId: undefined, key: undefined, inReplyTo: undefined, fallingBack: false };

function relationOf(content: Json): Relation {
  const relates = asObject(content['m.relates_to']);
  if (!relates) return NO_RELATION;
  return {
    relType: asString(relates['rel_type']),
    eventId: asString(relates['event_id']),
    key: asString(relates['key']),
    inReplyTo: asString(asObject(relates['m.in_reply_to'])?.['event_id']),
    fallingBack: relates['is_falling_back'] === true,
  };
}

function threadRootOf(content: Json): string | undefined {
  const relates = asObject(content['m.relates_to']);
  return relates?.['rel_type'] === 'm.thread' ? asString(relates['event_id']) : undefined;
}

/** What classifying an event needs of it, read once per content (and again only when its type or deletion changes). */
export interface EventFacts {
  readonly content: Json;
  readonly type: string;
  readonly redacted: boolean;
  readonly relation: Relation;
  /** A string `body` and `msgtype`. */
  readonly wellFormed: boolean;
  /**
   * A thread reply's root (`rel_type: m.thread`), read from the wire content (in the clear in encrypted
   * rooms) and kept for a deleted reply whose content still names it, so it stays in its thread.
   */
  readonly threadRoot: string | undefined;
}

export function unsignedOf(json: Json): Json | undefined {
  return asObject(json['unsigned']);
}

export function factsOf(json: Json, cache: WeakMap<object, EventFacts>): EventFacts {
  const content = asObject(json['content']) ?? {};
  const type = asString(json['type']) ?? '';
  const redacted = Boolean(unsignedOf(json)?.['redacted_because']);
  const known = cache.get(content);
  if (known && known.type === type && known.redacted === redacted) return known;
  const facts: EventFacts = {
    content,
    type,
    redacted,
    relation: redacted ? NO_RELATION : relationOf(content),
    wellFormed: typeof content['body'] === 'string' && typeof content['msgtype'] === 'string',
    threadRoot: threadRootOf(content),
  };
  cache.set(content, facts);
  return facts;
}

/** A message's content as shown: after its winning edit, without its reply fallback; empty when deleted. */
export interface ParsedEntry {
  readonly type: string;
  readonly redacted: boolean;
  readonly editId: string | undefined;
  /** Undefined: malformed. */
  readonly content: MessageContent | undefined;
}

export function parsedContent(facts: EventFacts, best: Edit | undefined, cache: WeakMap<object, ParsedEntry>): ParsedEntry {
  const { type, redacted, content: original, relation } = facts;
  const editId = best?.eventId;
  const cached = cache.get(original);
  if (cached && cached.type === type && cached.redacted === redacted && cached.editId === editId) return cached;
  let content: MessageContent | undefined;
  if (redacted) content = { msgtype: 'text', body: '' };
  else if (best) content = parseMessageContent(best.newContent, false);
  else content = parseMessageContent(original, relation.inReplyTo !== undefined);
  const entry: ParsedEntry = { type, redacted, editId, content };
  cache.set(original, entry);
  return entry;
}

/** An edit event as a candidate for its target. */
export function editFromEvent(json: Json, content: Json): Edit | undefined {
  const newContent = asObject(content['m.new_content']);
  const eventId = asString(json['event_id']);
  const sender = asString(json['sender']);
  const ts = asNumber(json['origin_server_ts']);
  if (!newContent || !eventId || !sender || ts === undefined) return undefined;
  return { eventId, sender, ts, newContent };
}

/** A state event as the shared rules read it. */
export function stateChange(json: Json, content: Json): StateChange {
  return {
    type: asString(json['type']) ?? '',
    sender: asString(json['sender']) ?? '',
    stateKey: asString(json['state_key']) ?? '',
    content,
    prevContent: asObject(unsignedOf(json)?.['prev_content']),
  };
}

/** Whether the server says the event replaced earlier state of its kind (the first of a kind has neither field). */
export function replacesState(json: Json): boolean {
  const unsigned = unsignedOf(json);
  return unsigned?.['replaces_state'] !== undefined || unsigned?.['prev_content'] !== undefined;
}
