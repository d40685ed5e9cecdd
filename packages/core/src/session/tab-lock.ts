/**
 * One tab drives an account's engine (sync loop, and later the crypto store); other tabs of the
 * same site wait. Built on Web Locks, which the browser releases when a tab closes, so a waiting
 * tab takes over on its own. A member can also move the chat to the tab they are looking at:
 * that tab asks the owner to stop, then takes the lock (stealing it if the owner does not answer).
 */

export interface EngineLease {
  /** Resolves when this tab must stop driving the engine (another tab took over). */
  readonly revoked: Promise<void>;
  /** Gives the engine up, e.g. on sign-out. */
  release(): void;
}

interface Message {
  type: 'take-over' | 'released';
  from: string;
}

const HAND_OVER_TIMEOUT_MS = 3000;
const tabId = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : String(Math.random());

function locksAvailable(): boolean {
  return typeof navigator !== 'undefined' && 'locks' in navigator && typeof BroadcastChannel !== 'undefined';
}

/**
 * Coordinates the engine for one account across this origin's tabs. `onRevoked` runs when another
 * tab takes the engine; the caller must then stop its client before the returned promise resolves.
 */
export class EngineLock {
  readonly #name: string;
  readonly #channel: BroadcastChannel | undefined;
  #stop: ((reason: 'revoked' | 'released') => void) | undefined;
  #onTakeOverRequest: (() => Promise<void>) | undefined;

  constructor(key: string) {
    this.#name = `omni-engine:${key}`;
    if (locksAvailable()) {
      this.#channel = new BroadcastChannel(this.#name);
      this.#channel.onmessage = (event: MessageEvent<Message>) => void this.#onMessage(event.data);
    }
  }

  /** Tries to become the owner now. Returns undefined when another tab owns the engine. */
  tryAcquire(): Promise<EngineLease | undefined> {
    return this.#request({ ifAvailable: true });
  }

  /** Waits until no other tab owns the engine (e.g. the owner tab closes), then owns it. */
  waitForTurn(signal: AbortSignal): Promise<EngineLease | undefined> {
    return this.#request({ signal });
  }

  /** Asks the owner tab to stop, then takes the engine even if it does not answer in time. */
  async takeOver(): Promise<EngineLease> {
    if (!this.#channel) return this.#unlockedLease();
    const free = await this.#request({ ifAvailable: true });
    if (free) return free;
    const released = new Promise<void>((resolve) => {
      const listener = (event: MessageEvent<Message>): void => {
        if (event.data.type === 'released') {
          this.#channel?.removeEventListener('message', listener);
          resolve();
        }
      };
      this.#channel?.addEventListener('message', listener);
      setTimeout(resolve, HAND_OVER_TIMEOUT_MS);
    });
    this.#channel.postMessage({ type: 'take-over', from: tabId } satisfies Message);
    await released;
    const lease = await this.#request({ steal: true });
    if (!lease) throw new Error('The engine lock could not be taken.');
    return lease;
  }

  /** Called when another tab asks for the engine; it must stop the engine, then the lease is released. */
  set onTakeOverRequest(handler: (() => Promise<void>) | undefined) {
    this.#onTakeOverRequest = handler;
  }

  close(): void {
    this.#channel?.close();
  }

  async #onMessage(message: Message): Promise<void> {
    if (message.type !== 'take-over' || message.from === tabId || !this.#stop) return;
    await this.#onTakeOverRequest?.();
    this.#stop('revoked');
    this.#channel?.postMessage({ type: 'released', from: tabId } satisfies Message);
  }

  #unlockedLease(): EngineLease {
    // Without Web Locks (very old browsers) each tab runs its own engine, as plain clients do.
    return { revoked: new Promise(() => undefined), release: () => undefined };
  }

  #request(options: LockOptions): Promise<EngineLease | undefined> {
    if (!locksAvailable()) return Promise.resolve(this.#unlockedLease());
    return new Promise((resolve, reject) => {
      let revoke: () => void = () => undefined;
      const revoked = new Promise<void>((r) => (revoke = r));
      navigator.locks
        .request(this.#name, options, (lock) => {
          if (!lock) {
            resolve(undefined);
            return undefined;
          }
          return new Promise<void>((release) => {
            this.#stop = (reason) => {
              this.#stop = undefined;
              if (reason === 'revoked') revoke();
              release();
            };
            resolve({ revoked, release: () => this.#stop?.('released') });
          });
        })
        .catch((error: unknown) => {
          // A stolen lock rejects the holder's request: another tab took the engine.
          if (error instanceof DOMException && error.name === 'AbortError') {
            if (this.#stop) {
              this.#stop = undefined;
              revoke();
            } else {
              resolve(undefined);
            }
            return;
          }
          reject(error instanceof Error ? error : new Error('Web Locks request failed'));
        });
    });
  }
}
