/**
 * When what the member types tells the room they are typing: on the first keystroke, and no more once
 * they stop for a few seconds, empty the composer or send. The room model spaces out the requests
 * themselves (it tells the server again only when the server's own timeout nears).
 */

/** Without a keystroke for this long, the member is no longer typing. */
export const TYPING_IDLE_MS = 4000;

export class TypingNotifier {
  readonly #send: (typing: boolean) => void;
  #typing = false;
  #idle: ReturnType<typeof setTimeout> | undefined;

  /** `send` tells the room (`RoomHandle.setTyping`). */
  constructor(send: (typing: boolean) => void) {
    this.#send = send;
  }

  get typing(): boolean {
    return this.#typing;
  }

  /** A keystroke that left text in the composer. */
  typed(): void {
    if (!this.#typing) {
      this.#typing = true;
      this.#send(true);
    }
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.stop(), TYPING_IDLE_MS);
  }

  /** The member stopped typing: the composer emptied, a message sent, the view gone. */
  stop(): void {
    clearTimeout(this.#idle);
    this.#idle = undefined;
    if (!this.#typing) return;
    this.#typing = false;
    this.#send(false);
  }
}
