import { randomUUID } from 'node:crypto';

export interface MatrixEvent {
  event_id: string;
  type: string;
  sender: string;
  origin_server_ts: number;
  content: Record<string, unknown>;
  state_key?: string;
  unsigned?: Record<string, unknown>;
}

/** A user's credentials in a form that survives JSON (e.g. crossing from Node into a browser test). */
export interface TestUser {
  userId: string;
  accessToken: string;
  deviceId: string;
  username: string;
  password: string;
  /** Base URL of the user's homeserver. */
  homeserver: string;
}

export interface CreateRoomOptions {
  /** Alias localpart; the room gets `#<alias>:<server>`. */
  alias?: string;
  name?: string;
  topic?: string;
  encrypted?: boolean;
  visibility?: 'public' | 'private';
  preset?: 'private_chat' | 'public_chat' | 'trusted_private_chat';
  invite?: string[];
  worldReadable?: boolean;
  guestAccess?: boolean;
  initialState?: Array<{ type: string; state_key?: string; content: Record<string, unknown> }>;
}

export class MatrixError extends Error {
  errcode: string;
  status: number;
  constructor(message: string, errcode: string, status: number) {
    super(message);
    this.name = 'MatrixError';
    this.errcode = errcode;
    this.status = status;
  }
}

/** One JSON request to a Matrix API; non-2xx answers become a MatrixError. */
export async function matrixFetch<T>(method: string, url: string, init: { body?: unknown; accessToken?: string } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  if (init.accessToken) headers['Authorization'] = `Bearer ${init.accessToken}`;
  const response = await fetch(url, {
    method,
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const error = (json ?? {}) as { errcode?: string; error?: string };
    const errcode = error.errcode ?? 'M_UNKNOWN';
    const path = new URL(url).pathname;
    throw new MatrixError(
      `${method} ${path} failed: ${response.status} ${errcode}: ${error.error ?? text.slice(0, 200)}`,
      errcode,
      response.status,
    );
  }
  return json as T;
}

const e = encodeURIComponent;

/** A scripted Matrix client for one user, speaking the client-server API with plain fetch. */
export class Peer implements TestUser {
  userId: string;
  accessToken: string;
  deviceId: string;
  username: string;
  password: string;
  homeserver: string;

  constructor(user: TestUser) {
    this.userId = user.userId;
    this.accessToken = user.accessToken;
    this.deviceId = user.deviceId;
    this.username = user.username;
    this.password = user.password;
    this.homeserver = user.homeserver;
  }

  static fromJSON(user: TestUser): Peer {
    return new Peer(user);
  }

  static async login(homeserver: string, username: string, password: string): Promise<Peer> {
    const session = await matrixFetch<{ user_id: string; access_token: string; device_id: string }>(
      'POST',
      `${homeserver}/_matrix/client/v3/login`,
      { body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: username }, password } },
    );
    return new Peer({
      userId: session.user_id,
      accessToken: session.access_token,
      deviceId: session.device_id,
      username,
      password,
      homeserver,
    });
  }

  static async guest(homeserver: string): Promise<Peer> {
    const session = await matrixFetch<{ user_id: string; access_token: string; device_id: string }>(
      'POST',
      `${homeserver}/_matrix/client/v3/register?kind=guest`,
      { body: {} },
    );
    return new Peer({
      userId: session.user_id,
      accessToken: session.access_token,
      deviceId: session.device_id,
      username: localpart(session.user_id),
      password: '',
      homeserver,
    });
  }

  toJSON(): TestUser {
    return {
      userId: this.userId,
      accessToken: this.accessToken,
      deviceId: this.deviceId,
      username: this.username,
      password: this.password,
      homeserver: this.homeserver,
    };
  }

  /** The server part of this user's ID, which names rooms and aliases created here. */
  get serverName(): string {
    return this.userId.slice(this.userId.indexOf(':') + 1);
  }

  /** An authenticated call to any client-server endpoint; `path` starts at `/_matrix/…`. */
  request<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    return matrixFetch<T>(method, `${this.homeserver}${path}`, { body, accessToken: this.accessToken });
  }

  async createRoom(options: CreateRoomOptions = {}): Promise<{ roomId: string; alias?: string }> {
    const initialState = [...(options.initialState ?? [])];
    if (options.encrypted) {
      initialState.push({ type: 'm.room.encryption', content: { algorithm: 'm.megolm.v1.aes-sha2' } });
    }
    if (options.worldReadable) {
      initialState.push({ type: 'm.room.history_visibility', content: { history_visibility: 'world_readable' } });
    }
    if (options.guestAccess) {
      initialState.push({ type: 'm.room.guest_access', content: { guest_access: 'can_join' } });
    }
    const body: Record<string, unknown> = {
      initial_state: initialState.map((event) => ({ ...event, state_key: event.state_key ?? '' })),
    };
    if (options.alias !== undefined) body['room_alias_name'] = options.alias;
    if (options.name !== undefined) body['name'] = options.name;
    if (options.topic !== undefined) body['topic'] = options.topic;
    if (options.visibility !== undefined) body['visibility'] = options.visibility;
    if (options.preset !== undefined) body['preset'] = options.preset;
    if (options.invite !== undefined) body['invite'] = options.invite;

    const { room_id: roomId } = await this.request<{ room_id: string }>('POST', '/_matrix/client/v3/createRoom', body);
    return options.alias === undefined ? { roomId } : { roomId, alias: `#${options.alias}:${this.serverName}` };
  }

  async joinRoom(roomIdOrAlias: string): Promise<string> {
    const { room_id } = await this.request<{ room_id: string }>('POST', `/_matrix/client/v3/join/${e(roomIdOrAlias)}`, {});
    return room_id;
  }

  async invite(roomId: string, userId: string): Promise<void> {
    await this.request('POST', `/_matrix/client/v3/rooms/${e(roomId)}/invite`, { user_id: userId });
  }

  sendMessage(roomId: string, body: string, options: { formattedBody?: string; msgtype?: string } = {}): Promise<string> {
    const content: Record<string, unknown> = { msgtype: options.msgtype ?? 'm.text', body };
    if (options.formattedBody !== undefined) {
      content['format'] = 'org.matrix.custom.html';
      content['formatted_body'] = options.formattedBody;
    }
    return this.sendEvent(roomId, 'm.room.message', content);
  }

  async sendEvent(roomId: string, type: string, content: Record<string, unknown>, txnId = randomUUID()): Promise<string> {
    const { event_id } = await this.request<{ event_id: string }>(
      'PUT',
      `/_matrix/client/v3/rooms/${e(roomId)}/send/${e(type)}/${e(txnId)}`,
      content,
    );
    return event_id;
  }

  async redact(roomId: string, eventId: string, reason?: string): Promise<string> {
    const { event_id } = await this.request<{ event_id: string }>(
      'PUT',
      `/_matrix/client/v3/rooms/${e(roomId)}/redact/${e(eventId)}/${e(randomUUID())}`,
      reason ? { reason } : {},
    );
    return event_id;
  }

  async setTyping(roomId: string, typing: boolean, timeoutMs = 30_000): Promise<void> {
    await this.request(
      'PUT',
      `/_matrix/client/v3/rooms/${e(roomId)}/typing/${e(this.userId)}`,
      typing ? { typing, timeout: timeoutMs } : { typing },
    );
  }

  async sendState(roomId: string, type: string, stateKey: string, content: Record<string, unknown>): Promise<string> {
    const { event_id } = await this.request<{ event_id: string }>(
      'PUT',
      `/_matrix/client/v3/rooms/${e(roomId)}/state/${e(type)}/${e(stateKey)}`,
      content,
    );
    return event_id;
  }

  /**
   * Room timeline events in chronological order. `dir: 'b'` (default) gives the latest `limit`
   * events; `dir: 'f'` the earliest.
   */
  async roomMessages(roomId: string, options: { limit?: number; dir?: 'b' | 'f' } = {}): Promise<MatrixEvent[]> {
    const dir = options.dir ?? 'b';
    const query = new URLSearchParams({ dir, limit: String(options.limit ?? 50) });
    const read = (q: URLSearchParams) =>
      this.request<{ chunk: MatrixEvent[] }>('GET', `/_matrix/client/v3/rooms/${e(roomId)}/messages?${q}`);
    if (dir === 'f') {
      // Paging forwards from the room's start without `from` (Matrix 1.3) is refused by Dendrite 0.13.8;
      // the latest page backwards, reversed, holds the same events for a room within `limit`.
      const forwards = await read(query).catch((error: unknown) => {
        if (error instanceof MatrixError && error.errcode === 'M_INVALID_PARAM') return undefined;
        throw error;
      });
      if (forwards) return forwards.chunk;
      query.set('dir', 'b');
    }
    return (await read(query)).chunk.reverse();
  }

  /** Polls the latest events of a room until one matches, as a real client would eventually see it. */
  async waitForMessage(roomId: string, predicate: (event: MatrixEvent) => boolean, timeoutMs = 10_000): Promise<MatrixEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = (await this.roomMessages(roomId, { limit: 100 })).find(predicate);
      if (match) return match;
      if (Date.now() >= deadline) {
        throw new Error(`${this.userId}: no matching event in ${roomId} within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async resolveAlias(alias: string): Promise<string> {
    const { room_id } = await this.request<{ room_id: string }>('GET', `/_matrix/client/v3/directory/room/${e(alias)}`);
    return room_id;
  }

  async setDisplayName(name: string): Promise<void> {
    await this.request('PUT', `/_matrix/client/v3/profile/${e(this.userId)}/displayname`, { displayname: name });
  }

  /**
   * Uploads bytes to the media repository (`POST /_matrix/media/v3/upload`) and returns their
   * `mxc://` URI. Bytes may be a plain number array, so browser tests can pass them as JSON.
   */
  async upload(bytes: Uint8Array | readonly number[], contentType: string, filename?: string): Promise<string> {
    const query = filename === undefined ? '' : `?filename=${e(filename)}`;
    const response = await fetch(`${this.homeserver}/_matrix/media/v3/upload${query}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.accessToken}`, 'Content-Type': contentType },
      body: Uint8Array.from(bytes),
    });
    const json = (await response.json()) as { content_uri?: string; errcode?: string; error?: string };
    if (!response.ok || json.content_uri === undefined) {
      throw new MatrixError(
        `upload failed: ${response.status} ${json.errcode ?? ''}: ${json.error ?? ''}`,
        json.errcode ?? 'M_UNKNOWN',
        response.status,
      );
    }
    return json.content_uri;
  }

  async setAvatarUrl(mxc: string): Promise<void> {
    await this.request('PUT', `/_matrix/client/v3/profile/${e(this.userId)}/avatar_url`, { avatar_url: mxc });
  }

  whoami(): Promise<{ user_id: string; device_id?: string; is_guest?: boolean }> {
    return this.request('GET', '/_matrix/client/v3/account/whoami');
  }
}

function localpart(userId: string): string {
  return userId.slice(1, userId.indexOf(':'));
}
