/**
 * What the chat under a post shows (docs/posts.md), worked out without a DOM: the light read of an open
 * post painted before the engine chunk arrives and handed over to the engine's own snapshot once that has
 * something to show, the guest session an open post's visitor reads with (asked for once, after the light
 * read), the members-only sign-in a visitor of an encrypted post gets, and the visitor's view coming back
 * when the member signs out. `<omni-chat>` renders `snapshot` and sends `showSignIn()`.
 */
import { parseHomeserverInput, resolveHomeserver } from '../session/homeserver.ts';
import { signIn } from '../session/registry.ts';
import type { SessionView, SessionViewState } from '../session/session-view.ts';
import { lightRead, lightReadCredentials } from '../sync/light-read.ts';
import {
  absentLightSnapshot,
  engineShows,
  lightReadSettled,
  lightReadStarted,
  lightRoomSnapshot,
  sessionDropsLight,
} from '../sync/light-view.ts';
import type { OmniErrorInfo, RoomSnapshot, Unsubscribe } from '../types.ts';
import type { PostRoomTarget } from './posts.ts';

export type PostViewSnapshot =
  /** No post id set. */
  | { readonly kind: 'no-post' }
  /** The session or the room is still loading. */
  | { readonly kind: 'loading' }
  /**
   * A visitor cannot read this discussion, only its members: a sign-in form that offers no guest access.
   * `roomRefused`: the room itself turned the guest away (an open post whose room was made members-only).
   */
  | { readonly kind: 'members-only'; readonly roomRefused: boolean; readonly revoked: boolean }
  /** Before a room: an error, signed out, expired, open in another tab. */
  | { readonly kind: 'session'; readonly state: Exclude<SessionViewState, { kind: 'room' }> }
  /** The room cannot be shown. */
  | { readonly kind: 'error'; readonly error: OmniErrorInfo }
  /** The post's alias points to a room bound elsewhere. */
  | { readonly kind: 'mismatch'; readonly message: string | undefined }
  /**
   * The discussion (`light`: the light read's, read-only). `guest`: a visitor reads (or writes) as a guest;
   * `startPrompt`: a guest on a post nobody wrote about yet, asked to sign in to start it.
   */
  | {
      readonly kind: 'room';
      readonly snapshot: RoomSnapshot;
      readonly guest: boolean;
      readonly light: boolean;
      readonly showSignIn: boolean;
      readonly startPrompt: boolean;
    };

export interface PostViewInput {
  /** The `homeserver` attribute: a base URL or a server name. */
  readonly homeserver: string;
  /** The post; undefined while no post id is set. */
  readonly target: PostRoomTarget | undefined;
}

export interface PostViewOptions {
  /** Resolves once the view has rendered the light read's messages, so the engine loads only after they paint. */
  readonly painted?: () => Promise<unknown>;
}

/** The view model of one post's chat, over the session view of its room. */
export class PostView {
  readonly #session: SessionView;
  readonly #painted: () => Promise<unknown>;
  readonly #listeners = new Set<() => void>();
  #input: PostViewInput = { homeserver: '', target: undefined };
  #showSignIn = false;
  #guestFailed = false;
  /** What the light read found, shown until the engine's own snapshot of the room is ready. */
  #light: RoomSnapshot | undefined;
  /** The homeserver a guest sign-in was attempted on, so an open post asks only once. */
  #guestTried: string | undefined;
  /** The homeserver and post the light read was started for; undefined while none should run. */
  #lightKey: string | undefined;
  /** The light read for `#lightKey` has painted or given up: the guest engine may load now. */
  #lightSettled = true;
  /** The engine showed the room: the light read's items are not shown again for this post. */
  #handedOver = false;
  /** Times the member signed out while this view was shown: each starts the visitor's light read again. */
  #signOuts = 0;
  /** Whether the last state seen was a member's (not a guest's) open room. */
  #memberShown = false;

  constructor(session: SessionView, options: PostViewOptions = {}) {
    this.#session = session;
    this.#painted = options.painted ?? (() => Promise.resolve());
    session.subscribe(() => this.#sync());
  }

  subscribe(listener: () => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The post and homeserver to show; the view calls this before each render with its attributes. */
  setInput(input: PostViewInput): void {
    this.#input = input;
    this.#sync();
  }

  /** A guest asks for the sign-in form (the prompt's **Sign in**). */
  showSignIn(): void {
    if (this.#showSignIn) return;
    this.#showSignIn = true;
    this.#changed();
  }

  get snapshot(): PostViewSnapshot {
    const { target } = this.#input;
    if (!target) return { kind: 'no-post' };
    const open = target.open === true;
    const state = this.#session.state;
    const light = this.#lightSnapshot(state);
    if (light) return this.#room(light, true);
    if (state.kind === 'signed-out' && open && !this.#guestFailed) return { kind: 'loading' };
    // Guests cannot read a members-only discussion: "Continue as guest" would change nothing, so it is not offered.
    if (!open && (state.kind === 'signed-out' || (state.kind === 'room' && this.#session.guest))) {
      return this.#membersOnly(false);
    }
    if (state.kind !== 'room') return { kind: 'session', state };
    return this.#room(state.snapshot, false);
  }

  #room(snapshot: RoomSnapshot, light: boolean): PostViewSnapshot {
    const guest = light || this.#session.guest;
    switch (snapshot.status) {
      case 'loading':
        return { kind: 'loading' };
      case 'error':
        // A guest on a post whose room only members may read is asked to sign in, not shown a failure.
        if (guest && snapshot.error?.code === 'forbidden') return this.#membersOnly(true);
        return { kind: 'error', error: snapshot.error ?? { code: 'unknown', message: 'No reason given.' } };
      case 'mismatch':
        return { kind: 'mismatch', message: snapshot.error?.message };
      default:
        break;
    }
    const showSignIn = guest && this.#showSignIn;
    // One notice that says what to do, not an empty state, a disabled composer and a guest line that repeat it.
    const startPrompt = guest && !showSignIn && snapshot.status === 'absent' && snapshot.items.length === 0 && !snapshot.canSend;
    return { kind: 'room', snapshot, guest, light, showSignIn, startPrompt };
  }

  #membersOnly(roomRefused: boolean): PostViewSnapshot {
    const state = this.#session.state;
    return { kind: 'members-only', roomRefused, revoked: state.kind === 'signed-out' && state.revoked };
  }

  /** The light read's snapshot while the engine has not shown the room yet. */
  #lightSnapshot(state: SessionViewState): RoomSnapshot | undefined {
    if (!this.#light || this.#handedOver) return undefined;
    if (sessionDropsLight(state)) return undefined;
    if (state.kind === 'signed-out' && this.#guestFailed) return undefined;
    if (state.kind === 'room' && engineShows(state.snapshot, this.#light)) return undefined;
    return this.#light;
  }

  /** Follows the session and the input: sign-outs, the light read to run, the hand-over, the guest sign-in. */
  #sync(): void {
    const state = this.#session.state;
    if (state.kind === 'room') this.#memberShown = !this.#session.guest;
    else if (state.kind === 'signed-out' && this.#memberShown) {
      // Signed out: the visitor's view comes back at once from the light read, and a guest session after it.
      this.#memberShown = false;
      this.#signOuts += 1;
      this.#guestTried = undefined;
      this.#guestFailed = false;
      this.#showSignIn = false;
    }
    this.#startLightRead();
    if (state.kind === 'room' && this.#light && engineShows(state.snapshot, this.#light)) this.#handedOver = true;
    this.#signInGuest(state);
  }

  #startLightRead(): void {
    const { homeserver, target } = this.#input;
    const key = target?.open && homeserver ? `${homeserver}\n${JSON.stringify(target)}\n${String(this.#signOuts)}` : undefined;
    if (key === this.#lightKey) return;
    this.#lightKey = key;
    this.#lightSettled = key === undefined;
    this.#handedOver = false;
    this.#light = undefined;
    if (key !== undefined && target) void this.#readLight(key, homeserver, target);
  }

  /** Visitors read open posts as guests, without being asked, once the light read has painted (or given up). */
  #signInGuest(state: SessionViewState): void {
    const url = this.#session.homeserverUrl;
    if (state.kind !== 'signed-out' || !this.#input.target?.open || !url || this.#guestTried === url || !this.#lightSettled) return;
    this.#guestTried = url;
    signIn({ homeserver: url, guest: true }).catch(() => {
      this.#guestFailed = true;
      this.#changed();
    });
  }

  /**
   * The light read path (docs/posts.md): a visitor without a member session sees an open post's latest
   * messages from one `/messages` request, before the engine chunk has arrived.
   */
  async #readLight(key: string, homeserver: string, target: PostRoomTarget): Promise<void> {
    lightReadStarted();
    try {
      // A base URL is used as it is (the session view verifies it in parallel); a server name is discovered.
      const input = parseHomeserverInput(homeserver);
      const url = input.kind === 'url' ? input.url : await resolveHomeserver(homeserver);
      const credentials = await lightReadCredentials(url);
      if (!credentials || key !== this.#lightKey) return;
      const result = await lightRead(url, target, credentials);
      if (key !== this.#lightKey || this.#handedOver || result.status === 'mismatch') return;
      this.#light = result.status === 'ready' ? lightRoomSnapshot(result) : absentLightSnapshot(result.alias);
      this.#changed();
      await this.#painted();
    } catch {
      // The engine shows the discussion, or says why it cannot.
    } finally {
      lightReadSettled(key === this.#lightKey && !this.#lightSettled ? () => this.#settleLight(key) : undefined);
    }
  }

  #settleLight(key: string): void {
    if (key !== this.#lightKey) return;
    this.#lightSettled = true;
    this.#signInGuest(this.#session.state);
    this.#changed();
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
