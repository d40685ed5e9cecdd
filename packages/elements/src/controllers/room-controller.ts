import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { SessionView, type SessionViewState, type SessionViewTarget } from '@omnisocial/core';

export type RoomViewState = SessionViewState;
export type RoomTarget = SessionViewTarget;

/**
 * Binds an element to core's {@link SessionView} of its room: starts it while the host is connected,
 * checks the target before every render (attributes set before or after connection are both picked up),
 * renders again on every new state, and passes the browser's `online` event on.
 */
export class RoomController implements ReactiveController {
  readonly view: SessionView;
  readonly #host: ReactiveControllerHost;
  #unsubscribe: (() => void) | undefined;

  constructor(host: ReactiveControllerHost, target: () => RoomTarget) {
    this.#host = host;
    this.view = new SessionView(target);
    host.addController(this);
  }

  hostConnected(): void {
    this.#unsubscribe = this.view.subscribe(() => this.#host.requestUpdate());
    this.view.start();
    window.addEventListener('online', this.#onOnline);
  }

  hostUpdate(): void {
    this.view.update();
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this.#onOnline);
    this.view.stop();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  readonly #onOnline = (): void => {
    this.view.online();
  };
}
