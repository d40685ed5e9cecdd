/**
 * Emoji (SAS) verification and trust, as plain data: js-sdk's `VerificationRequest`s and `Verifier`s
 * stay in here; elements get `VerificationSnapshot`s and send answers (`accept`, `confirm`,
 * `mismatch`, `cancel`). The trust of each encrypted message is message-trust.ts's.
 *
 * Part of the engine chunk: nothing here loads the crypto wasm. Incoming requests arrive only once
 * the session's crypto runs (an encrypted room or DM was opened), in-room requests only for rooms
 * the session syncs (a mounted DM).
 */
import type { MatrixClient } from 'matrix-js-sdk';
import {
  CryptoEvent,
  VerificationPhase,
  VerificationRequestEvent,
  VerifierEvent,
  type ShowSasCallbacks,
  type VerificationRequest,
  type Verifier,
} from 'matrix-js-sdk/lib/crypto-api/index.js';
import {
  OmniError,
  type RoomHandle,
  type Unsubscribe,
  type UserTrust,
  type VerificationApi,
  type VerificationEmoji,
  type VerificationHandle,
  type VerificationSnapshot,
  type VerificationState,
} from '../types.ts';

/** What the verification service needs of the engine session. */
export interface VerificationHost {
  readonly client: MatrixClient;
  readonly info: { readonly userId: string; readonly guest?: boolean };
  ensureCrypto(): Promise<void>;
  openDirectRoom(userId: string): RoomHandle;
}

const SAS = 'm.sas.v1';
/** How long a direct conversation may take to open before `verifyUser` gives up. */
const ROOM_TIMEOUT_MS = 30_000;

let nextFlowId = 0;

/** The service behind `SessionHandle.verification`. */
export class Verifications implements VerificationApi {
  readonly #host: VerificationHost;
  #flows: readonly VerificationFlow[] = [];
  readonly #listeners = new Set<(requests: readonly VerificationHandle[]) => void>();

  constructor(host: VerificationHost) {
    this.#host = host;
    // js-sdk re-emits this from its crypto backend, so listening before crypto starts is fine.
    host.client.on(CryptoEvent.VerificationRequestReceived, (request) => {
      if (this.#flows.some((flow) => flow.wraps(request))) return;
      this.#add(new VerificationFlow(request, this.#nameOf(request.otherUserId), host.info.userId, this.#remove));
    });
    // Whom the member trusts changes after a verification (once the signatures are uploaded) or an identity change.
    host.client.on(CryptoEvent.UserTrustStatusChanged, () => this.#changed());
  }

  get requests(): readonly VerificationHandle[] {
    return this.#flows;
  }

  subscribe(listener: (requests: readonly VerificationHandle[]) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async verifyUser(userId: string): Promise<VerificationHandle> {
    const own = this.#host.info.userId;
    if (userId === own) return this.verifyOwnDevice();
    const crypto = await this.#crypto();
    // The request and its answers travel in the DM: holding it keeps that room in the scoped sync.
    const room = this.#host.openDirectRoom(userId);
    try {
      const roomId = await directRoomId(room, userId);
      const request = await crypto.requestVerificationDM(userId, roomId);
      return this.#add(new VerificationFlow(request, this.#nameOf(userId), own, this.#remove, () => room.release()));
    } catch (error) {
      room.release();
      throw error;
    }
  }

  async verifyOwnDevice(): Promise<VerificationHandle> {
    const crypto = await this.#crypto();
    const request = await crypto.requestOwnUserVerification();
    return this.#add(new VerificationFlow(request, this.#nameOf(this.#host.info.userId), this.#host.info.userId, this.#remove));
  }

  async userTrust(userId: string): Promise<UserTrust> {
    const crypto = this.#host.client.getCrypto();
    if (!crypto) return 'unverified';
    const status = await crypto.getUserVerificationStatus(userId);
    if (status.isCrossSigningVerified()) return 'verified';
    return status.wasCrossSigningVerified() ? 'identity-changed' : 'unverified';
  }

  async #crypto(): Promise<NonNullable<ReturnType<MatrixClient['getCrypto']>>> {
    if (this.#host.info.guest) throw new OmniError('forbidden', 'Guests cannot verify anyone; sign in first.');
    await this.#host.ensureCrypto();
    const crypto = this.#host.client.getCrypto();
    if (!crypto) throw new OmniError('unknown', 'Encryption is not running in this session.');
    return crypto;
  }

  #nameOf(userId: string): string {
    const name = this.#host.client.getUser(userId)?.displayName;
    return name && name.trim() ? name : userId;
  }

  #add(flow: VerificationFlow): VerificationFlow {
    this.#flows = [...this.#flows, flow];
    this.#changed();
    return flow;
  }

  readonly #remove = (flow: VerificationFlow): void => {
    this.#flows = this.#flows.filter((f) => f !== flow);
    this.#changed();
  };

  #changed(): void {
    for (const listener of this.#listeners) listener(this.#flows);
  }
}

/** The DM's room id once it is open; the DM must exist (a first message creates it). */
async function directRoomId(room: RoomHandle, userId: string): Promise<string> {
  const settled = (): string | OmniError | undefined => {
    const snapshot = room.snapshot;
    if (snapshot.status === 'ready' && snapshot.roomId) return snapshot.roomId;
    if (snapshot.status === 'error')
      return new OmniError(snapshot.error?.code ?? 'unknown', snapshot.error?.message ?? 'The conversation cannot be opened.');
    if (snapshot.status === 'absent') return new OmniError('unknown-room', `Send ${userId} a message before verifying them.`);
    return undefined;
  };
  const result = await new Promise<string | OmniError>((resolve) => {
    const now = settled();
    if (now !== undefined) {
      resolve(now);
      return;
    }
    const timer = setTimeout(() => {
      unsubscribe();
      resolve(new OmniError('network', `The conversation with ${userId} did not open; check the connection.`));
    }, ROOM_TIMEOUT_MS);
    const unsubscribe = room.subscribe(() => {
      const value = settled();
      if (value === undefined) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    });
  });
  if (result instanceof OmniError) throw result;
  return result;
}

/**
 * One verification. The side that asked starts SAS once the other side accepted; the other side
 * joins the SAS exchange when it starts. Emoji appear on both sides once the keys are exchanged.
 */
class VerificationFlow implements VerificationHandle {
  readonly #request: VerificationRequest;
  readonly #id = `verification-${++nextFlowId}`;
  readonly #otherName: string;
  readonly #listeners = new Set<(snapshot: VerificationSnapshot) => void>();
  readonly #ownUserId: string;
  readonly #onRemove: (flow: VerificationFlow) => void;
  readonly #onEnd: (() => void) | undefined;
  #verifier: Verifier | undefined;
  #sas: ShowSasCallbacks | undefined;
  #emoji: readonly VerificationEmoji[] = [];
  #starting = false;
  #confirming = false;
  /** This side said the emoji differ (js-sdk reports it as a cancellation). */
  #mismatchedHere = false;
  #ended = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #snapshot: VerificationSnapshot;

  constructor(
    request: VerificationRequest,
    otherName: string,
    ownUserId: string,
    onRemove: (flow: VerificationFlow) => void,
    onEnd?: () => void,
  ) {
    this.#request = request;
    this.#otherName = otherName;
    this.#ownUserId = ownUserId;
    this.#onRemove = onRemove;
    this.#onEnd = onEnd;
    this.#snapshot = this.#compute();
    request.on(VerificationRequestEvent.Change, this.#update);
    this.#update();
    this.#armTimeout();
  }

  wraps(request: VerificationRequest): boolean {
    return this.#request === request;
  }

  get snapshot(): VerificationSnapshot {
    return this.#snapshot;
  }

  subscribe(listener: (snapshot: VerificationSnapshot) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async accept(): Promise<void> {
    if (this.#request.phase !== VerificationPhase.Requested || this.#request.initiatedByMe) return;
    await this.#request.accept();
    this.#update();
  }

  async confirm(): Promise<void> {
    const sas = this.#sas;
    if (!sas || this.#confirming || this.#isOver()) return;
    this.#confirming = true;
    this.#update();
    await sas.confirm();
    this.#update();
  }

  mismatch(): void {
    const sas = this.#sas;
    if (!sas || this.#isOver()) return;
    this.#mismatchedHere = true;
    sas.mismatch();
    this.#update();
  }

  async cancel(): Promise<void> {
    if (this.#isOver()) return;
    await this.#request.cancel();
    this.#update();
  }

  dismiss(): void {
    if (!this.#isOver()) void this.#request.cancel().catch(() => undefined);
    this.#finish();
    this.#onRemove(this);
  }

  #isOver(): boolean {
    const phase = this.#request.phase;
    return phase === VerificationPhase.Cancelled || phase === VerificationPhase.Done;
  }

  readonly #update = (): void => {
    const request = this.#request;
    // The asking side starts SAS once the other side is ready.
    if (request.phase === VerificationPhase.Ready && request.initiatedByMe && !this.#starting) {
      this.#starting = true;
      request.startVerification(SAS).then(
        (verifier) => this.#attach(verifier),
        () => this.#update(),
      );
    }
    if (request.verifier) this.#attach(request.verifier);
    if (this.#isOver()) this.#finish();
    const next = this.#compute();
    if (sameSnapshot(next, this.#snapshot)) return;
    this.#snapshot = next;
    for (const listener of this.#listeners) listener(next);
  };

  #attach(verifier: Verifier): void {
    if (this.#verifier === verifier) return;
    this.#verifier = verifier;
    const show = (sas: ShowSasCallbacks): void => {
      this.#sas = sas;
      this.#emoji = (sas.sas.emoji ?? []).map(([emoji, name]) => ({ emoji, name }));
      this.#update();
    };
    verifier.on(VerifierEvent.ShowSas, show);
    verifier.on(VerifierEvent.Cancel, () => this.#update());
    const shown = verifier.getShowSasCallbacks();
    if (shown) show(shown);
    // Resolves when both sides confirmed, rejects on cancellation; the request's phase says which.
    verifier.verify().then(
      () => this.#update(),
      () => this.#update(),
    );
  }

  /** A request nobody answers is cancelled as timed out (js-sdk only reports the remaining time). */
  #armTimeout(): void {
    const remaining = this.#request.timeout;
    if (remaining === null || this.#isOver()) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        const phase = this.#request.phase;
        if (phase === VerificationPhase.Requested || phase === VerificationPhase.Unsent) {
          void this.#request.cancel({ code: 'm.timeout', reason: 'Verification timed out' }).then(this.#update, this.#update);
        }
      },
      Math.max(0, remaining) + 500,
    );
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#onEnd?.();
  }

  #compute(): VerificationSnapshot {
    const request = this.#request;
    const state = this.#state();
    const cancelledBy =
      state === 'cancelled' || state === 'mismatch' || state === 'timed-out'
        ? this.#mismatchedHere || request.cancellingUserId === this.#ownUserId
          ? 'me'
          : 'them'
        : undefined;
    return {
      id: this.#id,
      state,
      otherUserId: request.otherUserId,
      otherName: this.#otherName,
      ownDevice: request.isSelfVerification,
      incoming: !request.initiatedByMe,
      emoji: this.#emoji,
      ...(cancelledBy ? { cancelledBy } : {}),
    };
  }

  #state(): VerificationState {
    const request = this.#request;
    switch (request.phase) {
      case VerificationPhase.Unsent:
      case VerificationPhase.Requested:
        return 'requested';
      case VerificationPhase.Ready:
        return 'ready';
      case VerificationPhase.Started:
        if (!this.#sas) return 'ready';
        return this.#confirming ? 'confirming' : 'showing-emoji';
      case VerificationPhase.Done:
        return 'confirmed';
      case VerificationPhase.Cancelled: {
        const code = request.cancellationCode;
        if (this.#mismatchedHere || code === 'm.mismatched_sas' || code === 'm.key_mismatch') return 'mismatch';
        if (code === 'm.timeout') return 'timed-out';
        return 'cancelled';
      }
    }
  }
}

function sameSnapshot(a: VerificationSnapshot, b: VerificationSnapshot): boolean {
  return a.state === b.state && a.emoji === b.emoji && a.cancelledBy === b.cancelledBy;
}
