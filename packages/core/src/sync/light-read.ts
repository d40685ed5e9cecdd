/**
 * The light read path (DESIGN.md "Loading"): the latest messages of an open, world-readable post, read
 * with a guest token, or of a plain room a member opens, read with their stored token, with plain `fetch`
 * before the engine chunk (matrix-js-sdk) has arrived: `GET /directory/room/{alias}` where an alias names
 * the room, the post binding (posts), and one `GET /messages`. Nothing here imports the
 * engine. Only the network I/O lives here: the items come from the timeline's shared rules
 * (timeline/plain-timeline.ts), with the keys the engine's timeline gives the same events (their event
 * ids, and `day-YYYY-MM-DD` separators), so the view hands over to the engine without re-mounting tiles.
 */
import { callHomeserver } from '../session/client-api.ts';
import { parseHomeserverInput, resolveHomeserver } from '../session/homeserver.ts';
import { companionFor } from '../posts/companion.ts';
import { POST_BINDING_EVENT, postRoomAlias, verifyBinding, type PostRoomTarget } from '../posts/posts.ts';
import { engineStarted, guestAccount, memberSignInsSettled, sessionStatus, signedInHere } from '../session/registry.ts';
import { lightReadSettled, lightReadStarted } from './light-reads.ts';
import { sessionStore } from '../session/session-store.ts';
import { sanitiseName, stripReplyFallback } from '../timeline/text-rules.ts';
import { seenEncrypted } from '../crypto/encrypted-rooms.ts';
import { plainTimeline } from '../timeline/plain-timeline.ts';
import { asObject, type Json } from '../timeline/json.ts';
import { creatorsPrivileged, parsePowerLevels, permissionsOf, type RoomPermissions } from '../rooms/power-levels.ts';
import { linkPreviewsOn, PLAIN_PREVIEWS_TYPE } from '../media/link-preview-setting.ts';
import { visitorThreadReads } from '../threads/visitor-reads.ts';
import { OmniError } from '../types.ts';
import { stateFromWholeRoom } from '../rooms/outside-state.ts';
import type { TimelineItem } from '../timeline/timeline-types.ts';

/** How many of the latest events are read. */
export const LIGHT_READ_LIMIT = 30;

/** The light read's items come from the pipeline every path shares (timeline/plain-timeline.ts). */
export const lightTimeline = plainTimeline;
export { stripReplyFallback };

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

/**
 * The stored session's token for a room view's light read (rooms/room-light-view.ts): a member's (or a
 * guest's) session this browser keeps for the homeserver, the one the engine is about to resume. Undefined
 * when there is none, it has expired, or it is being signed out. Never makes an account.
 */
export async function storedReadCredentials(homeserverUrl: string): Promise<{ accessToken: string; userId: string } | undefined> {
  // A sign-in of the page under way replaces the stored session: read with the one it stores.
  await memberSignInsSettled();
  const stored = await (await sessionStore()).load(homeserverUrl);
  if (!stored || stored.expired || sessionStatus(homeserverUrl)?.kind === 'signed-out') return undefined;
  return { accessToken: stored.accessToken, userId: stored.userId };
}

/**
 * What a room view's light read found: `ready` with the latest items (oldest first), the room's name and
 * topic; `encrypted` when the room is (or this browser has seen it) end-to-end encrypted: only the engine
 * can read it, nothing is shown.
 */
export type RoomLightReadResult =
  | {
      readonly status: 'ready';
      readonly roomId: string;
      readonly items: readonly TimelineItem[];
      readonly name?: string;
      readonly topic?: string;
      /** What the member may do, from the room's power levels, as the engine's snapshot has it. */
      readonly permissions: RoomPermissions;
      /** Whether the member sees link previews in the room (their room account data), as the engine's snapshot has it. */
      readonly linkPreviews: boolean;
    }
  | { readonly status: 'encrypted' };

/** Where a room's element stands as its view mounts: on screen, near the viewport, or farther. */
export type RoomPlace = 'screen' | 'near' | 'far';

/** What the loader started for a room view it mounted (`readRoomAhead`), for the view to take (`placedRoomRead`). */
export interface PlacedRoomRead {
  /** The light read; resolves undefined when none was made (the room far from the viewport, no session, the engine runs). */
  readonly read: Promise<RoomLightReadResult | undefined>;
  /** Whether the element was on screen: a view below the fold lays out no tile, the engine need not wait for its paint. */
  readonly onScreen: Promise<boolean>;
}

/**
 * The room views the loader mounts, in the order it mounts them, by their `homeserver` and `room` attributes: what it
 * started for each, which the view takes instead of reading itself (one the view never took, its mount having failed
 * or the engine having started first, goes to the room's next view within `AHEAD_TTL_MS`: its answer is as good). Each counts as a light read of the page
 * (sync/light-reads.ts) until a view takes it, it finds nothing to show, or `AHEAD_HOLD_MS` after it found messages
 * no view took: a member's engine waits for it (session/registry.ts).
 */
const placedReads = new Map<string, (PlacedRoomRead & { readonly taken: () => void })[]>();

/** How long a read ahead that found messages holds the engine back for a view that has not taken it. */
const AHEAD_HOLD_MS = 10_000;

/** How long the loader's answer of where the element stands is awaited (none comes while the page is not rendered). */
const PLACE_WAIT_MS = 2_000;

/**
 * Starts the light read of a room whose view the loader mounts (`homeserver` and `target` as its attributes give
 * them), while the views chunk is still on its way or, once it has arrived, for the view to take as it renders: the
 * view's `placedRoomRead` takes it, and makes no read of its own. Only a room on or near the viewport as its view
 * mounts (`place`: known from the browser's observation that mounted it, or still to come) is read: one farther waits for the engine (its first paint is the engine's snapshot), and the
 * engine does not wait for it beyond the browser's first look at it. Nothing is read without a stored session, or
 * once the page's engine is loading or running. Counted as one of the page's light reads from the call (a member's
 * engine waits for them, session/registry.ts) until a view takes it, it finds nothing to show, or `AHEAD_HOLD_MS`
 * after it found messages no view took. Never rejects.
 */
export function readRoomAhead(homeserver: string, target: string, place: RoomPlace | Promise<RoomPlace> = 'screen'): void {
  // Counted from now, before anything is awaited: an engine about to start waits for it.
  lightReadStarted();
  let held = true;
  const done = (): void => {
    if (!held) return;
    held = false;
    lightReadSettled(undefined);
  };
  const placed =
    typeof place === 'string'
      ? Promise.resolve(place)
      : Promise.race([place, new Promise<RoomPlace>((resolve) => setTimeout(() => resolve('far'), PLACE_WAIT_MS))]);
  // With the place known, the homeserver given as a URL and the member just signed in on this page, the request
  // leaves in this very task, before the view's first render takes the main thread.
  const read = (async (): Promise<RoomLightReadResult | undefined> => {
    if ((typeof place === 'string' ? place : await placed) === 'far') return undefined;
    const input = parseHomeserverInput(homeserver);
    const url = input.kind === 'url' ? input.url : await resolveHomeserver(homeserver);
    // The page's engine is loading or running: it shows the room.
    const credentials = engineStarted(url) ? undefined : (signedInHere(url) ?? (await storedReadCredentials(url)));
    if (!credentials || engineStarted(url)) return undefined;
    return lightReadRoom(url, target, credentials);
  })();
  const key = `${homeserver}\n${target}`;
  const entry = { read, onScreen: placed.then((where) => where === 'screen'), taken: done };
  placedReads.set(key, [...(placedReads.get(key) ?? []), entry]);
  // One no view took (its mount failed) is dropped in time: a later view of the room reads afresh.
  setTimeout(() => {
    const left = (placedReads.get(key) ?? []).filter((other) => other !== entry);
    if (left.length > 0) placedReads.set(key, left);
    else placedReads.delete(key);
  }, AHEAD_TTL_MS);
  read.then((result) => {
    // Messages to show: held until the view takes them. Nothing to show (far from the viewport, encrypted, not a
    // member, failed): the engine need not wait for a view to take it.
    if (result?.status === 'ready' && result.items.length > 0) setTimeout(done, AHEAD_HOLD_MS);
    else done();
  }, done);
}

/**
 * What the loader started for a room view it mounted (`readRoomAhead`, by the view's `homeserver` and `room`
 * attributes), the first one no view has taken. Undefined when the loader started none: a view it did not mount
 * reads the room itself.
 */
export function placedRoomRead(homeserver: string, target: string): PlacedRoomRead | undefined {
  const key = `${homeserver}\n${target}`;
  const [placed, ...rest] = placedReads.get(key) ?? [];
  if (rest.length > 0) placedReads.set(key, rest);
  else placedReads.delete(key);
  placed?.taken();
  return placed;
}

/**
 * Reads the latest messages of the room `target` (`#alias:server` or `!roomid:server`) as the member the
 * token belongs to: the alias resolved, then the room in one simplified sliding sync request
 * (`readRoomBySlidingSync`) where the homeserver offers it, or else at once `/messages`, the member's own
 * membership, the room's state and the member's room account data (`readRoomByRequests`). An encrypted room
 * is left to the engine. Rejects when the member is not joined (never was, left, banned, invited:
 * `forbidden`), the homeserver cannot be reached or answers anything unexpected.
 */
export async function lightReadRoom(homeserverUrl: string, target: string, options: LightReadOptions): Promise<RoomLightReadResult> {
  const { userId } = options;
  if (seenEncrypted(userId, target)) return { status: 'encrypted' };
  const call = reader(homeserverUrl, options);
  let roomId = target;
  if (target.startsWith('#')) {
    const directory = await call(`/_matrix/client/v3/directory/room/${encodeURIComponent(target)}`);
    const found = directory.body['room_id'];
    if (directory.status !== 200 || typeof found !== 'string') throw refused(directory);
    roomId = found;
  } else if (!target.startsWith('!')) {
    throw new OmniError('bad-room', `"${target}" is not a room address; use #alias:server or !roomid:server.`);
  }
  if (seenEncrypted(userId, roomId)) return { status: 'encrypted' };
  const sliding = withoutSlidingSync.has(homeserverUrl) ? undefined : await readRoomBySlidingSync(homeserverUrl, roomId, options);
  if (sliding === undefined) withoutSlidingSync.add(homeserverUrl);
  return roomResult(roomId, userId, sliding ?? (await readRoomByRequests(call, roomId, userId)));
}

/**
 * The light read's own sliding sync connection. The engine's connection has no `conn_id` (js-sdk sends none), and
 * Synapse keeps a connection per user, device and `conn_id`: a request without `pos` restarts only its own
 * connection, so the light read's never resets the engine's long-poll.
 */
export const LIGHT_READ_CONN_ID = 'omni-light-read';

/** Simplified sliding sync (MSC4186), the endpoint the engine syncs with too (sync.ts). */
const SLIDING_SYNC_PATH = '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync';

/**
 * Homeservers (by base URL) that answered the light read's sliding sync as an unknown endpoint (Dendrite, a Synapse
 * with it switched off): their rooms are read with the separate requests for the rest of the page's life.
 */
const withoutSlidingSync = new Set<string>();

/** What a room's light read gathered, whichever way it was read, before it becomes a `RoomLightReadResult`. */
interface RoomParts {
  /** The member's own membership (`join`, `leave`, `ban`…), if the room has an `m.room.member` of theirs. */
  readonly membership: unknown;
  /** Whether the room has `m.room.encryption` state. */
  readonly encryption: boolean;
  readonly name: Json | undefined;
  readonly topic: Json | undefined;
  readonly powerLevels: Json | undefined;
  /** The `m.room.create` event (with `content` and `sender`), or its content alone where a homeserver gave only that. */
  readonly create: Json | undefined;
  /** The member's `PLAIN_PREVIEWS_TYPE` room account data, if any. */
  readonly previews: Json | undefined;
  /** The latest events, oldest first. */
  readonly timeline: readonly unknown[];
  /** The member events of the timeline's senders. */
  readonly members: readonly unknown[];
}

/**
 * The room in one sliding sync request on the light read's own connection (`LIGHT_READ_CONN_ID`), with no `pos` and
 * no long-poll: a subscription to the room with the latest `LIGHT_READ_LIMIT` events and the state the separate
 * requests read (the member's membership, the senders' members, encryption, name, topic, power levels, create), and
 * the member's account data of that room. Undefined when the homeserver does not know the endpoint.
 */
async function readRoomBySlidingSync(homeserverUrl: string, roomId: string, options: LightReadOptions): Promise<RoomParts | undefined> {
  options.signal?.throwIfAborted();
  const fetchImpl = options.fetch ?? fetch;
  const request = {
    conn_id: LIGHT_READ_CONN_ID,
    lists: {},
    room_subscriptions: {
      [roomId]: {
        timeline_limit: LIGHT_READ_LIMIT,
        required_state: [
          ['m.room.member', '$ME'],
          ['m.room.member', '$LAZY'],
          ['m.room.encryption', ''],
          ['m.room.name', ''],
          ['m.room.topic', ''],
          ['m.room.power_levels', ''],
          ['m.room.create', ''],
        ],
      },
    },
    // Room account data of this room only (the extension sends the member's global account data as well).
    extensions: { account_data: { enabled: true, lists: [], rooms: [roomId] } },
  };
  const answer = await callHomeserver(homeserverUrl, 'POST', `${SLIDING_SYNC_PATH}?timeout=0`, request, (input, init) =>
    fetchImpl(input, {
      ...init,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${options.accessToken}` },
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  );
  const unknownEndpoint =
    answer.status === 404 || answer.status === 405 || (answer.status === 400 && answer.body['errcode'] === 'M_UNRECOGNIZED');
  if (unknownEndpoint) return undefined;
  if (answer.status !== 200) throw refused(answer);
  const rooms = asObject(answer.body['rooms']);
  // A room the member never joined is left out; one they were invited to comes with its invite state only.
  const room = rooms ? asObject(rooms[roomId]) : undefined;
  const state = (room && Array.isArray(room['required_state']) ? room['required_state'] : []).flatMap((event: unknown) => {
    const found = asObject(event);
    return found ? [found] : [];
  });
  const find = (type: string, stateKey = ''): Json | undefined =>
    state.find((event) => event['type'] === type && event['state_key'] === stateKey);
  const content = (type: string): Json | undefined => asObject(find(type)?.['content']);
  const timeline = room && Array.isArray(room['timeline']) ? (room['timeline'] as unknown[]) : [];
  const senders = new Set(timeline.map((event) => asObject(event)?.['sender']));
  const accountData = asObject(asObject(asObject(answer.body['extensions'])?.['account_data'])?.['rooms'])?.[roomId];
  const previews = (Array.isArray(accountData) ? accountData : []).map(asObject).find((event) => event?.['type'] === PLAIN_PREVIEWS_TYPE);
  return {
    membership: asObject(find('m.room.member', options.userId)?.['content'])?.['membership'],
    encryption: find('m.room.encryption') !== undefined,
    name: content('m.room.name'),
    topic: content('m.room.topic'),
    powerLevels: content('m.room.power_levels'),
    create: find('m.room.create'),
    previews: asObject(previews?.['content']),
    timeline,
    // As `/messages` sends them: the members of the timeline's senders (the member's own only if they are one).
    members: state.filter((event) => event['type'] === 'm.room.member' && senders.has(event['state_key'])),
  };
}

/** The room read with separate requests at once: for a homeserver without simplified sliding sync. */
async function readRoomByRequests(
  call: (path: string) => Promise<{ status: number; body: Record<string, unknown> }>,
  roomId: string,
  userId: string,
): Promise<RoomParts> {
  const room = encodeURIComponent(roomId);
  const filter = encodeURIComponent(JSON.stringify({ lazy_load_members: true }));
  const state = (type: string): Promise<{ status: number; body: Record<string, unknown> }> =>
    call(`/_matrix/client/v3/rooms/${room}/state/${encodeURIComponent(type)}/`);
  const [messages, membership, encryption, name, topic, powerLevels, create, previews] = await Promise.all([
    call(`/_matrix/client/v3/rooms/${room}/messages?dir=b&limit=${String(LIGHT_READ_LIMIT)}&filter=${filter}`),
    call(`/_matrix/client/v3/rooms/${room}/state/m.room.member/${encodeURIComponent(userId)}`),
    state('m.room.encryption'),
    state('m.room.name'),
    state('m.room.topic'),
    state('m.room.power_levels'),
    // As an event: its sender is the creator, whom room versions 12 and later give every power.
    call(`/_matrix/client/v3/rooms/${room}/state/m.room.create/?format=event`),
    call(`/_matrix/client/v3/user/${encodeURIComponent(userId)}/rooms/${room}/account_data/${PLAIN_PREVIEWS_TYPE}`),
  ]);
  if (messages.status !== 200) throw refused(messages);
  const joined = membership.status === 200 ? membership.body['membership'] : undefined;
  // Not a member: nothing else counts (their errors neither).
  if (joined !== 'join') return { ...NOT_JOINED, membership: joined };
  if (encryption.status === 200) return { ...NOT_JOINED, membership: joined, encryption: true };
  for (const answer of [encryption, name, topic, powerLevels, previews])
    if (answer.status !== 200 && answer.status !== 404) throw refused(answer);
  if (create.status !== 200) throw refused(create);
  const found = (answer: { status: number; body: Record<string, unknown> }): Json | undefined =>
    answer.status === 200 ? answer.body : undefined;
  const chunk = Array.isArray(messages.body['chunk']) ? (messages.body['chunk'] as unknown[]) : [];
  return {
    membership: joined,
    encryption: false,
    name: found(name),
    topic: found(topic),
    powerLevels: found(powerLevels),
    create: create.body,
    previews: found(previews),
    timeline: [...chunk].reverse(),
    members: Array.isArray(messages.body['state']) ? (messages.body['state'] as unknown[]) : [],
  };
}

const NOT_JOINED: RoomParts = {
  membership: undefined,
  encryption: false,
  name: undefined,
  topic: undefined,
  powerLevels: undefined,
  create: undefined,
  previews: undefined,
  timeline: [],
  members: [],
};

/** The room view's light read from what was gathered, however it was read. */
function roomResult(roomId: string, userId: string, parts: RoomParts): RoomLightReadResult {
  // A member who left still reads the history up to their leave, and a world-readable room anyone's: only a
  // member's view is shown (the engine joins, or says why it cannot).
  if (parts.membership !== 'join') throw new OmniError('forbidden', 'The member is not in the room.');
  if (parts.encryption) return { status: 'encrypted' };
  if (!parts.create) throw new OmniError('unknown', "The room's creation is not known.");
  // A homeserver that ignores `format=event` answers with the content alone.
  const createEvent = asObject(parts.create['content']);
  const createContent = createEvent ?? parts.create;
  const version = typeof createContent['room_version'] === 'string' ? createContent['room_version'] : '1';
  const creator = createEvent ? parts.create['sender'] : createContent['creator'];
  // Where creators hold every power the creator must be known, as the engine knows it: otherwise the engine shows the room.
  if (typeof creator !== 'string' && creatorsPrivileged(version)) throw new OmniError('unknown', "The room's creator is not known.");
  const additional = createContent['additional_creators'];
  const levels = parsePowerLevels(parts.powerLevels, {
    creator: typeof creator === 'string' ? creator : undefined,
    roomVersion: version,
    additionalCreators: Array.isArray(additional) ? additional : [],
  });
  const encrypted = parts.timeline.some((event) => {
    const type = asObject(event)?.['type'];
    return type === 'm.room.encrypted' || type === 'm.room.encryption';
  });
  if (encrypted) return { status: 'encrypted' };
  const text = (content: Json | undefined, key: string): string | undefined => {
    const value = content?.[key];
    return typeof value === 'string' ? value : undefined;
  };
  const roomName = text(parts.name, 'name');
  const roomTopic = text(parts.topic, 'topic');
  return {
    status: 'ready',
    roomId,
    items: lightTimeline(parts.timeline, parts.members, userId),
    ...(roomName ? { name: sanitiseName(roomName) } : {}),
    ...(roomTopic ? { topic: roomTopic } : {}),
    permissions: permissionsOf(levels, userId),
    linkPreviews: linkPreviewsOn(false, (type) => (type === PLAIN_PREVIEWS_TYPE ? parts.previews : undefined)),
  };
}

/** GET requests to the homeserver with the light read's token (and signal, and `fetch`). */
function reader(
  homeserverUrl: string,
  options: LightReadOptions,
): (path: string) => Promise<{ status: number; body: Record<string, unknown> }> {
  return async (path) => {
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
  const call = reader(homeserverUrl, options);
  // The companion, if any, is asked beside the alias: with one, a binding counts only when its bot sent it.
  const companion = companionFor(homeserverUrl, post, options.fetch ?? fetch).catch(() => undefined);
  const directory = await call(`/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`);
  if (directory.status === 404) return { status: 'absent', alias };
  const roomId = directory.body['room_id'];
  if (directory.status !== 200 || typeof roomId !== 'string') throw refused(directory);
  const room = encodeURIComponent(roomId);
  const filter = encodeURIComponent(JSON.stringify({ lazy_load_members: true }));
  // The binding and the messages are read at once: the messages are dropped unless the binding names the post.
  const [asked, messages] = await Promise.all([
    call(`/_matrix/client/v3/rooms/${room}/state/${encodeURIComponent(POST_BINDING_EVENT)}/?format=event`),
    call(`/_matrix/client/v3/rooms/${room}/messages?dir=b&limit=${String(LIGHT_READ_LIMIT)}&filter=${filter}`),
  ]);
  const binding = asked.status === 403 ? await bindingFromWholeState(asked, room, options, homeserverUrl) : asked;
  if (binding.status !== 200 && binding.status !== 404) throw refused(binding);
  // `format=event` gives the whole event; a homeserver that ignores it answers the content alone.
  const event = binding.status === 200 && 'content' in binding.body ? binding.body : undefined;
  const content = event ? event['content'] : binding.status === 200 ? binding.body : undefined;
  const bot = (await companion)?.bot;
  if (verifyBinding(content, post.id) !== 'verified' || (bot !== undefined && event?.['sender'] !== bot)) {
    return { status: 'mismatch', roomId, alias };
  }
  if (messages.status !== 200) throw refused(messages);
  const chunk = Array.isArray(messages.body['chunk']) ? (messages.body['chunk'] as unknown[]) : [];
  const state = Array.isArray(messages.body['state']) ? (messages.body['state'] as unknown[]) : [];
  return { status: 'ready', roomId, alias, items: lightTimeline([...chunk].reverse(), state, userId, 'text', visitorThreadReads(roomId)) };
}

/** A refused binding read checked against the room's whole state (rooms/outside-state.ts), as a single read's answer. */
async function bindingFromWholeState(
  refusal: { status: number; body: Record<string, unknown> },
  room: string,
  options: LightReadOptions,
  homeserverUrl: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const fetchImpl = options.fetch ?? fetch;
  const readAll = async (): Promise<unknown> => {
    const response = await fetchImpl(`${homeserverUrl}/_matrix/client/v3/rooms/${room}/state`, {
      headers: { Authorization: `Bearer ${options.accessToken}` },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!response.ok) throw new Error(`HTTP ${String(response.status)}`);
    return response.json();
  };
  const whole = await stateFromWholeRoom(readAll, POST_BINDING_EVENT);
  if (whole.status === 'found') return { status: 200, body: { ...whole.event } };
  return whole.status === 'absent' ? { status: 404, body: {} } : refusal;
}

function refused(response: { status: number; body: Record<string, unknown> }): OmniError {
  const reason = typeof response.body['error'] === 'string' ? response.body['error'] : `HTTP ${String(response.status)}`;
  return new OmniError(response.status === 403 ? 'forbidden' : 'unknown', `The discussion cannot be read: ${reason}.`);
}
