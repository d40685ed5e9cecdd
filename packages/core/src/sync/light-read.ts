/**
 * The light read path (DESIGN.md "Loading"): the latest messages of an open, world-readable post,
 * read with a guest token and plain `fetch` before the engine chunk (matrix-js-sdk) has arrived:
 * `GET /directory/room/{alias}`, the post binding, and one `GET /messages`. Nothing here imports the
 * engine; the items have the keys the engine's timeline gives the same events (their event ids, and
 * `day-YYYY-MM-DD` separators), so the view hands over to the engine without re-mounting tiles.
 *
 * Everything read is untrusted: fields are type-checked one by one and a malformed message becomes a
 * placeholder, as in the main timeline.
 */
import { callHomeserver } from '../session/client-api.ts';
import { parseHomeserverInput, resolveHomeserver } from '../session/homeserver.ts';
import { POST_BINDING_EVENT, postRoomAlias, verifyBinding, type PostRoomTarget } from '../posts/posts.ts';
import { guestAccount, memberSignInsSettled, sessionStatus } from '../session/registry.ts';
import { sessionStore } from '../session/session-store.ts';
import { BIDI, LOOKS_LIKE_USER_ID, nameKey, sanitiseName, stripReplyFallback } from '../timeline/text-rules.ts';
import {
  membershipChange,
  membershipSummary,
  SetupRun,
  stateText,
  type MemberNames,
  type MembershipChange,
} from '../timeline/timeline-rules.ts';
import { OmniError } from '../types.ts';
import type {
  DaySeparatorItem,
  MemberInfo,
  MembershipSummary,
  MessageItem,
  MessageKind,
  NoticeItem,
  PlaceholderItem,
  ReactionGroup,
  TimelineItem,
} from '../timeline/timeline-types.ts';

/** How many of the latest events are read. */
export const LIGHT_READ_LIMIT = 30;
/** Same as the main timeline's grouping window. */
const GROUPING_WINDOW_MS = 5 * 60_000;
const MALFORMED_TEXT = 'This message could not be displayed.';
const ATTACHMENT_TEXT = 'Loading the attachment…';

/**
 * What the light read found: `ready` with the latest items (oldest first), `absent` when nobody wrote
 * about the post yet, `mismatch` when the alias points to a room bound to another post (nothing shown).
 */
export type LightReadResult =
  | { readonly status: 'ready'; readonly roomId: string; readonly alias: string; readonly items: readonly TimelineItem[] }
  | { readonly status: 'absent'; readonly alias: string }
  | { readonly status: 'mismatch'; readonly roomId: string; readonly alias: string };

export interface LightReadOptions {
  /** A guest (or member) access token that may read world-readable rooms. */
  readonly accessToken: string;
  /** The user id the token belongs to: its server name is the alias's, and its messages are `own`. */
  readonly userId: string;
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
}

/**
 * The guest token the light read uses: the stored guest session when there is one, otherwise the
 * page's guest account (made now, and taken by the guest sign-in later, so no second guest is made).
 * Undefined when a member's session is stored: the engine shows what a member sees.
 */
export async function lightReadCredentials(homeserverUrl: string): Promise<{ accessToken: string; userId: string } | undefined> {
  // A member's page signing its member in: their session shows the post, no guest is made for it.
  await memberSignInsSettled();
  const found = await (await sessionStore()).load(homeserverUrl);
  // A member who just signed out: their stored session is being removed, the visitor reads as a guest.
  const stored = found && !found.guest && sessionStatus(homeserverUrl)?.kind === 'signed-out' ? undefined : found;
  if (stored) return stored.guest && !stored.expired ? { accessToken: stored.accessToken, userId: stored.userId } : undefined;
  const { accessToken, userId } = await guestAccount(homeserverUrl);
  return { accessToken, userId };
}

/** How long a read started ahead of its view is kept for it. */
const AHEAD_TTL_MS = 30_000;
/**
 * Reads under way, by homeserver, alias and token: one started ahead (`view: false`) is taken by the first
 * view that asks; one a view started is joined by a read ahead that comes later, instead of a second read.
 */
const reads = new Map<string, { read: Promise<LightReadResult>; view: boolean }>();

function aliasOf(post: PostRoomTarget, userId: string): string {
  return postRoomAlias(post.id, {
    serverName: userId.slice(userId.indexOf(':') + 1),
    ...(post.aliasTemplate ? { template: post.aliasTemplate } : {}),
  });
}

/**
 * Starts an open post's light read ahead of its view. The loader calls this as an `<omni-chat open>` nears
 * the viewport while the views chunk is still on its way, so the guest account, the alias and the messages
 * are fetched during the chunk's download instead of after it. The view then makes the same calls
 * (`lightReadCredentials`, `lightRead`): the guest account is the page's one (registry.ts), and `lightRead`
 * takes the read already under way instead of starting another. Nothing is read when a member's session is
 * stored: the engine shows what a member sees. Never rejects.
 */
export function readAhead(homeserver: string, post: PostRoomTarget): void {
  void (async () => {
    const input = parseHomeserverInput(homeserver);
    const url = input.kind === 'url' ? input.url : await resolveHomeserver(homeserver);
    const credentials = await lightReadCredentials(url);
    if (!credentials) return;
    const key = `${url}\n${aliasOf(post, credentials.userId)}\n${credentials.accessToken}`;
    if (reads.has(key)) return;
    const read = readNow(url, post, credentials);
    read.catch(() => undefined);
    reads.set(key, { read, view: false });
    setTimeout(() => {
      if (reads.get(key)?.read === read) reads.delete(key);
    }, AHEAD_TTL_MS);
  })().catch(() => undefined);
}

/** Reads the latest messages of an open post's room. Rejects when the homeserver refuses or cannot be reached. */
export function lightRead(homeserverUrl: string, post: PostRoomTarget, options: LightReadOptions): Promise<LightReadResult> {
  if (options.fetch) return readNow(homeserverUrl, post, options);
  const key = `${homeserverUrl}\n${aliasOf(post, options.userId)}\n${options.accessToken}`;
  const under = reads.get(key);
  if (under && !under.view) {
    under.view = true;
    return under.read;
  }
  const read = readNow(homeserverUrl, post, options);
  if (!under) {
    reads.set(key, { read, view: true });
    const forget = (): void => {
      if (reads.get(key)?.read === read) reads.delete(key);
    };
    read.then(forget, forget);
  }
  return read;
}

async function readNow(homeserverUrl: string, post: PostRoomTarget, options: LightReadOptions): Promise<LightReadResult> {
  const { userId } = options;
  const alias = aliasOf(post, userId);
  const call = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    options.signal?.throwIfAborted();
    const fetchImpl = options.fetch ?? fetch;
    return callHomeserver(homeserverUrl, 'GET', path, undefined, (input, init) =>
      fetchImpl(input, {
        ...init,
        headers: { Authorization: `Bearer ${options.accessToken}` },
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
  };
  const directory = await call(`/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`);
  if (directory.status === 404) return { status: 'absent', alias };
  const roomId = directory.body['room_id'];
  if (directory.status !== 200 || typeof roomId !== 'string') throw refused(directory);
  const room = encodeURIComponent(roomId);
  const filter = encodeURIComponent(JSON.stringify({ lazy_load_members: true }));
  // The binding and the messages are read at once: the messages are dropped unless the binding names the post.
  const [binding, messages] = await Promise.all([
    call(`/_matrix/client/v3/rooms/${room}/state/${encodeURIComponent(POST_BINDING_EVENT)}/`),
    call(`/_matrix/client/v3/rooms/${room}/messages?dir=b&limit=${String(LIGHT_READ_LIMIT)}&filter=${filter}`),
  ]);
  if (binding.status !== 200 && binding.status !== 404) throw refused(binding);
  if (verifyBinding(binding.status === 200 ? binding.body : undefined, post.id) !== 'verified') {
    return { status: 'mismatch', roomId, alias };
  }
  if (messages.status !== 200) throw refused(messages);
  const chunk = Array.isArray(messages.body['chunk']) ? (messages.body['chunk'] as unknown[]) : [];
  const state = Array.isArray(messages.body['state']) ? (messages.body['state'] as unknown[]) : [];
  return { status: 'ready', roomId, alias, items: lightTimeline([...chunk].reverse(), state, userId) };
}

function refused(response: { status: number; body: Record<string, unknown> }): OmniError {
  const reason = typeof response.body['error'] === 'string' ? response.body['error'] : `HTTP ${String(response.status)}`;
  return new OmniError(response.status === 403 ? 'forbidden' : 'unknown', `The discussion cannot be read: ${reason}.`);
}

// ---------------------------------------------------------------------------------------------
// The mapper: plain events (oldest first) → timeline items, the way the main timeline shows them.

type Json = Readonly<Record<string, unknown>>;

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

const MSGTYPES: ReadonlyMap<string, MessageKind> = new Map([
  ['m.text', 'text'],
  ['m.emote', 'emote'],
  ['m.notice', 'notice'],
]);
const ATTACHMENTS: ReadonlySet<string> = new Set(['m.image', 'm.file', 'm.audio', 'm.video']);

export { stripReplyFallback };

interface Member {
  membership: string | undefined;
  raw: string | undefined;
  avatarMxc: string | undefined;
}

/** Display names from member state, disambiguated with the user id where they could impersonate someone. */
function memberDirectory(events: readonly Json[]): MemberNames & { get(userId: string): MemberInfo } {
  const members = new Map<string, Member>();
  for (const event of events) {
    const userId = asString(event['state_key']);
    if (event['type'] !== 'm.room.member' || userId === undefined) continue;
    const content = asObject(event['content']) ?? {};
    const avatar = asString(content['avatar_url']);
    members.set(userId, {
      membership: asString(content['membership']),
      raw: asString(content['displayname']),
      avatarMxc: avatar?.startsWith('mxc://') ? avatar : undefined,
    });
  }
  const counts = new Map<string, number>();
  for (const member of members.values()) {
    if ((member.membership !== 'join' && member.membership !== 'invite') || member.raw === undefined) continue;
    const key = nameKey(sanitiseName(member.raw));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const infos = new Map<string, MemberInfo>();
  const shown = (userId: string, raw: string | undefined): string => {
    const name = raw === undefined ? '' : sanitiseName(raw);
    if (name === '' || name === userId) return userId;
    const ambiguous =
      (counts.get(nameKey(name)) ?? 0) > 1 || LOOKS_LIKE_USER_ID.test(name) || (raw !== undefined && raw.replace(BIDI, '') !== raw);
    return ambiguous ? `${name} (${userId})` : name;
  };
  const get = (userId: string): MemberInfo => {
    const known = infos.get(userId);
    if (known) return known;
    const member = members.get(userId);
    const info: MemberInfo = {
      userId,
      displayName: shown(userId, member?.raw),
      ...(member?.avatarMxc ? { avatarMxc: member.avatarMxc } : {}),
    };
    infos.set(userId, info);
    return info;
  };
  return {
    get,
    name: (userId) => get(userId).displayName,
    nameFrom: (userId, raw) => (raw === undefined ? get(userId).displayName : shown(userId, raw)),
  };
}

interface Edit {
  readonly eventId: string;
  readonly ts: number;
  readonly content: Json;
}

function dayKey(midnight: Date): string {
  const m = String(midnight.getMonth() + 1).padStart(2, '0');
  const d = String(midnight.getDate()).padStart(2, '0');
  return `day-${String(midnight.getFullYear())}-${m}-${d}`;
}

/** A message's text content, or undefined when malformed (no string body or msgtype). */
function textContent(content: Json, stripFallback: boolean): { msgtype: MessageKind; body: string; formattedBody?: string } | undefined {
  const body = asString(content['body']);
  const msgtype = asString(content['msgtype']);
  if (body === undefined || msgtype === undefined) return undefined;
  const formatted = content['format'] === 'org.matrix.custom.html' ? asString(content['formatted_body']) : undefined;
  return {
    // The spec asks clients to show the body of message types they do not know.
    msgtype: MSGTYPES.get(msgtype) ?? 'text',
    body: stripFallback ? stripReplyFallback(body) : body,
    ...(formatted !== undefined ? { formattedBody: formatted } : {}),
  };
}

/**
 * Timeline items for events in timeline order (oldest first) and the member state that came with
 * them: text, notice and emote messages (after edits, with reactions and reply previews), day
 * separators, placeholders for malformed messages and for attachments, which the engine shows, and
 * state changes by the rules the engine applies (timeline-rules.ts): set-up hidden, consecutive
 * membership changes summed up in one line.
 */
export function lightTimeline(events: readonly unknown[], state: readonly unknown[], ownUserId: string): TimelineItem[] {
  const timeline = events.map(asObject).filter((event): event is Json => event !== undefined);
  const names = memberDirectory([...state.map(asObject).filter((event): event is Json => event !== undefined), ...timeline]);

  // Pass 1: edits and reactions, which change other events rather than showing themselves.
  const edits = new Map<string, Edit>();
  const reactions = new Map<string, Map<string, Set<string>>>();
  const hidden = new Set<Json>();
  const senders = new Map<string, string>();
  for (const event of timeline) {
    const id = asString(event['event_id']);
    const sender = asString(event['sender']);
    if (id && sender) senders.set(id, sender);
  }
  const isLater = (edit: Edit, than: Edit | undefined): boolean =>
    !than || edit.ts > than.ts || (edit.ts === than.ts && edit.eventId > than.eventId);
  const offerEdit = (targetId: string, edit: Edit, sender: string | undefined): void => {
    // Only the original sender's valid edits count.
    if (sender === undefined || senders.get(targetId) !== sender || !textContent(edit.content, false)) return;
    if (isLater(edit, edits.get(targetId))) edits.set(targetId, edit);
  };
  for (const event of timeline) {
    const content = asObject(event['content']) ?? {};
    const relates = asObject(content['m.relates_to']);
    const target = asString(relates?.['event_id']);
    if (event['type'] === 'm.room.message' && relates?.['rel_type'] === 'm.replace') {
      hidden.add(event);
      const newContent = asObject(content['m.new_content']);
      const eventId = asString(event['event_id']);
      const ts = event['origin_server_ts'];
      if (target && newContent && eventId && typeof ts === 'number')
        offerEdit(target, { eventId, ts, content: newContent }, asString(event['sender']));
    } else if (event['type'] === 'm.reaction') {
      const key = asString(relates?.['key']);
      const sender = asString(event['sender']);
      if (relates?.['rel_type'] !== 'm.annotation' || !target || key === undefined || !sender) continue;
      let byKey = reactions.get(target);
      if (!byKey) reactions.set(target, (byKey = new Map<string, Set<string>>()));
      let who = byKey.get(key);
      if (!who) byKey.set(key, (who = new Set<string>()));
      who.add(sender);
    }
  }
  // Edits the server bundled with their original (`unsigned.m.relations.m.replace`).
  for (const event of timeline) {
    const id = asString(event['event_id']);
    const bundled = asObject(asObject(asObject(event['unsigned'])?.['m.relations'])?.['m.replace']);
    const eventId = asString(bundled?.['event_id']);
    const ts = bundled?.['origin_server_ts'];
    const newContent = asObject(asObject(bundled?.['content'])?.['m.new_content']);
    if (id && eventId && typeof ts === 'number' && newContent)
      offerEdit(id, { eventId, ts, content: newContent }, asString(bundled?.['sender']));
  }

  // Pass 2: items.
  const items: TimelineItem[] = [];
  let dayEnd = -Infinity;
  let dayStart = Infinity;
  let last: MessageItem | undefined;
  let lastWasMessage = false;
  const byId = new Map<string, MessageItem>();
  const setup = new SetupRun();
  // Consecutive membership changes waiting to become one notice: any other item ends them.
  let run: { eventId: string; timestamp: number; changes: MembershipChange[]; eventIds: string[] } | undefined;
  const endRun = (): void => {
    if (!run) return;
    const { eventId, timestamp, changes, eventIds } = run;
    run = undefined;
    const only = changes.length === 1 ? changes[0] : undefined;
    if (only) items.push({ kind: 'notice', key: eventId, eventId, timestamp, text: only.text } satisfies NoticeItem);
    else {
      const summary: MembershipSummary = {
        lines: changes.map((c) => c.text),
        names: [...new Set(changes.filter((c) => !c.anonymous).map((c) => c.name))],
        eventIds,
      };
      items.push({ kind: 'notice', key: eventId, eventId, timestamp, text: membershipSummary(changes), summary } satisfies NoticeItem);
    }
    lastWasMessage = false;
  };
  const dayBreak = (ts: number): void => {
    if (ts >= dayStart && ts < dayEnd) return;
    endRun();
    const date = new Date(ts);
    const midnight = new Date(date.getFullYear(), date.getMonth(), date.getDate());
    dayStart = midnight.getTime();
    dayEnd = new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1).getTime();
    items.push({ kind: 'day', key: dayKey(midnight), timestamp: dayStart } satisfies DaySeparatorItem);
    lastWasMessage = false;
  };
  for (const event of timeline) {
    const type = asString(event['type']) ?? '';
    const stateKey = asString(event['state_key']);
    const from = asString(event['sender']) ?? '';
    const unsigned = asObject(event['unsigned']);
    const stateContent = stateKey === undefined ? undefined : (asObject(event['content']) ?? {});
    const setUp = setup.take(
      type,
      from,
      stateKey,
      asString(stateContent?.['membership']),
      unsigned?.['replaces_state'] !== undefined || unsigned?.['prev_content'] !== undefined,
    );
    const eventId = asString(event['event_id']);
    const ts = event['origin_server_ts'];
    if (!eventId || typeof ts !== 'number' || !Number.isFinite(ts)) continue;
    if (stateContent !== undefined && stateKey !== undefined) {
      // A deleted room change has nothing left to say (a membership keeps its `membership`).
      if (setUp || (unsigned?.['redacted_because'] !== undefined && type !== 'm.room.member')) continue;
      const change = { type, sender: from, stateKey, content: stateContent, prevContent: asObject(unsigned?.['prev_content']) };
      if (type === 'm.room.member') {
        const joined = membershipChange(change, names);
        if (joined === null) continue;
        dayBreak(ts);
        if (joined === undefined) {
          endRun();
          items.push({ kind: 'placeholder', key: eventId, eventId, timestamp: ts, text: MALFORMED_TEXT } satisfies PlaceholderItem);
          lastWasMessage = false;
        } else if (run) {
          run.changes.push(joined);
          run.eventIds.push(eventId);
        } else run = { eventId, timestamp: ts, changes: [joined], eventIds: [eventId] };
        continue;
      }
      const text = stateText(change, names);
      if (text === null) continue;
      dayBreak(ts);
      endRun();
      items.push(
        text === undefined
          ? ({ kind: 'placeholder', key: eventId, eventId, timestamp: ts, text: MALFORMED_TEXT } satisfies PlaceholderItem)
          : ({ kind: 'notice', key: eventId, eventId, timestamp: ts, text } satisfies NoticeItem),
      );
      lastWasMessage = false;
      continue;
    }
    if (type !== 'm.room.message' || hidden.has(event)) continue;
    const senderId = asString(event['sender']);
    dayBreak(ts);
    endRun();
    const original = asObject(event['content']) ?? {};
    const redacted = asObject(event['unsigned'])?.['redacted_because'] !== undefined;
    const msgtype = asString(original['msgtype']);
    if (!redacted && (senderId === undefined || (msgtype !== undefined && ATTACHMENTS.has(msgtype)) || !textContent(original, false))) {
      const text = msgtype !== undefined && ATTACHMENTS.has(msgtype) && senderId !== undefined ? ATTACHMENT_TEXT : MALFORMED_TEXT;
      items.push({ kind: 'placeholder', key: eventId, eventId, timestamp: ts, text } satisfies PlaceholderItem);
      lastWasMessage = false;
      continue;
    }
    const sender = names.get(senderId ?? '');
    const edit = redacted ? undefined : edits.get(eventId);
    const replyTo = redacted ? undefined : asString(asObject(asObject(original['m.relates_to'])?.['m.in_reply_to'])?.['event_id']);
    const content = redacted
      ? { msgtype: 'text' as const, body: '' }
      : (textContent(edit ? edit.content : original, !edit && replyTo !== undefined) ?? { msgtype: 'text' as const, body: '' });
    const byKey = redacted ? undefined : reactions.get(eventId);
    const groups: ReactionGroup[] = [];
    for (const [key, who] of byKey ?? []) {
      groups.push({ key, count: who.size, senders: [...who].map((userId) => names.get(userId).displayName) });
    }
    const repliedTo = replyTo === undefined ? undefined : byId.get(replyTo);
    const item: MessageItem = {
      kind: 'message',
      key: eventId,
      eventId,
      sender,
      own: senderId === ownUserId,
      timestamp: ts,
      msgtype: content.msgtype,
      body: content.body,
      ...(content.formattedBody !== undefined ? { formattedBody: content.formattedBody } : {}),
      edited: edit !== undefined,
      redacted,
      ...(replyTo !== undefined
        ? {
            replyTo: repliedTo
              ? { eventId: replyTo, sender: repliedTo.sender, body: repliedTo.body, ...(repliedTo.redacted ? { redacted: true } : {}) }
              : { eventId: replyTo },
          }
        : {}),
      reactions: groups,
      status: 'sent',
      continuation:
        lastWasMessage &&
        last !== undefined &&
        last.sender.userId === sender.userId &&
        ts - last.timestamp >= 0 &&
        ts - last.timestamp < GROUPING_WINDOW_MS,
      readBy: [],
    };
    items.push(item);
    byId.set(eventId, item);
    last = item;
    lastWasMessage = true;
  }
  endRun();
  return items;
}
