/**
 * What `<omni-room>` shows before the engine has its room (docs/engine.md, "Before the engine: the light read"): for a member
 * whose session is stored, the room's latest messages from the light read (`lightReadRoom`, plain `fetch`
 * with the stored access token), read-only while the engine chunk loads and syncs, then the engine's own
 * snapshot once it shows the messages, through the same template and tile keys, so no tile is re-mounted.
 * An encrypted room, a room the member may not read, a failed request, or anything the light read does not
 * expect shows nothing from it: the view is the engine's, as without a light read. No DOM, no engine.
 */
import type { RoomEncryption } from '../crypto/prepare-ahead.ts';
import { parseHomeserverInput, resolveHomeserver } from '../session/homeserver.ts';
import { engineStarted } from '../session/registry.ts';
import type { SessionView, SessionViewState } from '../session/session-view.ts';
import { lightReadRoom, placedRoomRead, storedReadCredentials } from '../sync/light-read.ts';
import { engineShows, lightReadSettled, lightReadStarted, lightRoomSnapshot, sessionDropsLight } from '../sync/light-view.ts';
import type { RoomSnapshot, Unsubscribe } from '../types.ts';

export interface RoomLightViewInput {
  /** The `homeserver` attribute: a base URL or a server name. */
  readonly homeserver: string;
  /** The `room` attribute: `#alias:server` or `!roomid:server`. */
  readonly room: string;
}

export interface RoomLightViewOptions {
  /** Resolves once the view has rendered the light read's messages (the page's light reads settle after it). */
  readonly painted?: () => Promise<unknown>;
}

/** The view model of one room view over its session view, with the light read shown until the engine takes over. */
export class RoomLightView {
  readonly #session: SessionView;
  readonly #painted: () => Promise<unknown>;
  readonly #listeners = new Set<() => void>();
  #input: RoomLightViewInput = { homeserver: '', room: '' };
  /** The homeserver and room the light read was started for; undefined while none should run. */
  #key: string | undefined;
  /** What the light read found, shown until the engine's own snapshot of the room is ready. */
  #light: RoomSnapshot | undefined;
  /** The engine showed the room (or the session left no place for the light read): it is not shown again. */
  #handedOver = false;

  constructor(session: SessionView, options: RoomLightViewOptions = {}) {
    this.#session = session;
    this.#painted = options.painted ?? (() => Promise.resolve());
    session.subscribe(() => this.#sync());
  }

  subscribe(listener: () => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The homeserver and room to show; the view calls this before each render with its attributes. */
  setInput(input: RoomLightViewInput): void {
    this.#input = input;
    this.#sync();
  }

  /** The state to render: the light read's room while the engine has not shown it, otherwise the session view's. */
  get state(): SessionViewState {
    const state = this.#session.state;
    const light = this.#lightSnapshot(state);
    return light ? { kind: 'room', snapshot: light } : state;
  }

  /** Whether `state` is the light read's (read-only) room. */
  get light(): boolean {
    return this.#lightSnapshot(this.#session.state) !== undefined;
  }

  #lightSnapshot(state: SessionViewState): RoomSnapshot | undefined {
    if (!this.#light || this.#handedOver) return undefined;
    if (state.kind === 'room') return engineShows(state.snapshot, this.#light) ? undefined : this.#light;
    return state.kind === 'connecting' ? this.#light : undefined;
  }

  /** Follows the input (a new room starts a light read) and the session (the hand-over). */
  #sync(): void {
    const { homeserver, room } = this.#input;
    const key = homeserver && room ? `${homeserver}\n${room}` : undefined;
    if (key !== this.#key) {
      this.#key = key;
      this.#light = undefined;
      this.#handedOver = false;
      if (key !== undefined) void this.#read(key, homeserver, room);
    }
    const state = this.#session.state;
    // Signed out, expired, in another tab, failed: the engine's view stays, the light read's does not come back.
    if (sessionDropsLight(state) || state.kind === 'signed-out') this.#handedOver = true;
    if (state.kind === 'room' && engineShows(state.snapshot, this.#light)) this.#handedOver = true;
  }

  /** Reads the room's latest messages with the stored session's token; shows them if the room is plain and has some. */
  async #read(key: string, homeserver: string, room: string): Promise<void> {
    lightReadStarted();
    try {
      // A base URL is used as it is (the session view verifies it in parallel); a server name is discovered.
      const input = parseHomeserverInput(homeserver);
      const url = input.kind === 'url' ? input.url : await resolveHomeserver(homeserver);
      // The page's engine is loading or running: it shows the room, a light read would only add requests. The crypto
      // wasm of a room seen encrypted is prepared meanwhile (the view exists: its element is near the viewport).
      if (engineStarted(url)) {
        prepareCryptoAhead(url, room, 'unknown');
        return;
      }
      const credentials = await storedReadCredentials(url);
      // The read the loader started as it mounted this view: none for a room far from the viewport, which the engine shows.
      const placed = placedRoomRead(homeserver, room);
      if (!credentials || !this.#wanted(key) || engineStarted(url)) return;
      const result = await (placed?.read ?? lightReadRoom(url, room, credentials));
      if (result?.status === 'encrypted' && this.#wanted(key)) prepareCryptoAhead(url, room, 'encrypted');
      if (!result || !this.#wanted(key) || result.status !== 'ready' || result.items.length === 0) return;
      this.#light = lightRoomSnapshot(result);
      this.#changed();
      // A view below the fold lays out no tile: the engine does not wait for its paint.
      if ((await placed?.onScreen) !== false) await this.#painted();
    } catch {
      // The engine shows the room, or says why it cannot.
    } finally {
      lightReadSettled(undefined);
    }
  }

  /** Whether the light read for `key` is still wanted: the room is the same and the engine has not taken over. */
  #wanted(key: string): boolean {
    return key === this.#key && !this.#handedOver;
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

/** The crypto wasm of a member's encrypted room near the viewport (crypto/prepare-ahead.ts, loaded only then). */
function prepareCryptoAhead(homeserverUrl: string, room: string, encryption: RoomEncryption): void {
  import('../crypto/prepare-ahead.ts').then((ahead) => ahead.prepareCryptoForRoom(homeserverUrl, room, encryption)).catch(() => undefined);
}
