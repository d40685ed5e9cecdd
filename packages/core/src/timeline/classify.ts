/**
 * The pipeline's first pass: what each event is (a message, a notice, a placeholder, an unreadable
 * message, or nothing of its own), the relations that change other events (edits, reactions), where
 * each event and the read marker are, and what is unread. Pure: plain events in.
 */
import { asNumber, asObject, asString } from './json.ts';
import { isAttachmentType, type Edit } from './message-content.ts';
import { SetupRun } from './timeline-rules.ts';
import { editFromEvent, factsOf, replacesState, unsignedOf, type EventFacts } from './event-facts.ts';
import type { PipelineCache, TimelineEvent, TimelineOptions } from './timeline-input.ts';
import { ThreadIndex } from './threads.ts';

/** How an event is shown (numbers, to sit in a typed array). */
export const Kind = { Hidden: 0, Message: 1, Notice: 2, Placeholder: 3, Undecryptable: 4, Attachment: 5 } as const;

/** Per target, per key, per sender: the reaction event (one per member and key counts). */
export type Reactions = Map<string, Map<string, Map<string, string>>>;

/** The first pass's findings, read by the second. */
export class Classification {
  readonly kinds: Uint8Array;
  readonly byId = new Map<string, number>();
  /** Edit candidates per target event id. */
  readonly edits = new Map<string, Edit[]>();
  readonly reactions: Reactions = new Map();
  /** Thread replies and their roots. */
  readonly threads = new ThreadIndex();
  /** Each sender's latest shown event: they read what they sent. */
  readonly lastSent = new Map<string, number>();
  markerIndex = -1;
  /** Messages from others after the read marker. */
  unread = 0;
  /** Others' messages since the member's own latest message or join: unread when there is no marker. */
  sinceOwn = 0;
  readonly #setup = new SetupRun();
  readonly #options: TimelineOptions;
  readonly #facts: PipelineCache['facts'];
  /** The event being classified is a thread reply: it is unread in its thread, not in the main timeline. */
  #inThread = false;

  constructor(count: number, options: TimelineOptions, facts: PipelineCache['facts']) {
    this.kinds = new Uint8Array(count);
    this.#options = options;
    this.#facts = facts;
  }

  add(event: TimelineEvent, index: number): void {
    const { json } = event;
    const facts = factsOf(json, this.#facts);
    const sender = asString(json['sender']) ?? '';
    const stateKey = asString(json['state_key']);
    const setUp = this.#setup.take(
      facts.type,
      sender,
      stateKey,
      asString(facts.content['membership']),
      stateKey !== undefined && replacesState(json),
    );
    const id = asString(json['event_id']);
    // Without an id or a time an event cannot be placed, answered or keyed: it is not shown.
    if (id === undefined || asNumber(json['origin_server_ts']) === undefined) return;
    this.byId.set(id, index);
    this.#inThread = facts.threadRoot !== undefined && stateKey === undefined;
    const kind = this.#heldFromReader(id, sender) ? Kind.Hidden : this.#kindOf(event, facts, id, sender, stateKey, setUp);
    if (this.#inThread && kind !== Kind.Hidden) this.threads.note(index, facts.threadRoot as string);
    if (stateKey === this.#options.ownUserId && facts.type === 'm.room.member' && this.#joinedNow(facts, json)) this.sinceOwn = 0;
    this.kinds[index] = kind;
    if (kind !== Kind.Hidden && sender) this.lastSent.set(sender, index);
    // Set after counting, so the marker's own event is not unread.
    if (id === this.#options.readMarker) this.markerIndex = index;
  }

  /** A message held for a moderator is its author's (and moderators') alone until released: hidden, and not unread. */
  #heldFromReader(id: string, sender: string): boolean {
    const { held, showHeld, ownUserId } = this.#options;
    return showHeld !== true && sender !== ownUserId && held?.has(id) === true;
  }

  #kindOf(event: TimelineEvent, facts: EventFacts, id: string, sender: string, stateKey: string | undefined, setUp: boolean): number {
    const { type, redacted, relation, wellFormed } = facts;
    if (event.undecryptable) {
      // Edits and reactions name their relation in the clear: one that cannot be read is not a message of its own.
      if (relation.relType === 'm.replace' || relation.relType === 'm.annotation') return Kind.Hidden;
      this.#countMessage(sender, false);
      return Kind.Undecryptable;
    }
    if (type === 'm.room.message') {
      if (relation.relType === 'm.replace' && relation.eventId !== undefined) {
        // An edit is never a tile of its own: it changes its target, or nothing if invalid.
        this.#addEdit(relation.eventId, editFromEvent(event.json, facts.content));
        return Kind.Hidden;
      }
      if (!redacted && (!wellFormed || sender === '')) return Kind.Placeholder;
      if (redacted) return Kind.Message;
      this.#countMessage(sender, true);
      return this.#options.attachmentPlaceholders === true && isAttachmentType(asString(facts.content['msgtype']))
        ? Kind.Attachment
        : Kind.Message;
    }
    if (type === 'm.reaction') {
      if (relation.relType === 'm.annotation' && relation.eventId !== undefined && relation.key !== undefined) {
        this.#addReaction(relation.eventId, relation.key, sender, id);
      }
      return Kind.Hidden;
    }
    // Encrypted and deleted: what is left is a deleted message.
    if (type === 'm.room.encrypted') return redacted ? Kind.Message : Kind.Placeholder;
    // A deleted room change has nothing left to say (a membership keeps its `membership`).
    if (stateKey !== undefined && type !== 'm.room.redaction' && !setUp && !(redacted && type !== 'm.room.member')) return Kind.Notice;
    return Kind.Hidden;
  }

  /** A message from `sender`: unread when from someone else; the member's own resets what is unread without a marker. */
  #countMessage(sender: string, ownResets: boolean): void {
    if (this.#inThread) return;
    if (sender === this.#options.ownUserId) {
      if (ownResets) this.sinceOwn = 0;
      return;
    }
    this.sinceOwn += 1;
    if (this.markerIndex !== -1) this.unread += 1;
  }

  #joinedNow(facts: EventFacts, json: TimelineEvent['json']): boolean {
    return facts.content['membership'] === 'join' && asObject(unsignedOf(json)?.['prev_content'])?.['membership'] !== 'join';
  }

  #addEdit(targetId: string, edit: Edit | undefined): void {
    if (!edit) return;
    const list = this.edits.get(targetId);
    if (list) list.push(edit);
    else this.edits.set(targetId, [edit]);
  }

  #addReaction(targetId: string, key: string, sender: string, id: string): void {
    let byKey = this.reactions.get(targetId);
    if (!byKey) this.reactions.set(targetId, (byKey = new Map<string, Map<string, string>>()));
    let bySender = byKey.get(key);
    if (!bySender) byKey.set(key, (bySender = new Map<string, string>()));
    // One reaction per member and key counts, whatever a client sent twice.
    if (!bySender.has(sender)) bySender.set(sender, id);
  }
}

/** The first pass over the events, oldest first. */
export function classify(events: readonly TimelineEvent[], options: TimelineOptions, cache: PipelineCache): Classification {
  const classification = new Classification(events.length, options, cache.facts);
  for (let i = 0; i < events.length; i++) classification.add(events[i] as TimelineEvent, i);
  classification.threads.resolve(classification, Kind.Hidden, options);
  return classification;
}
