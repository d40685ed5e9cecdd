/**
 * What went wrong, classified: why a room could not be opened (`roomError`), why a room could not be
 * looked up or created (`describeFailure`, for post rooms and DMs) and how a failed send is treated
 * (`classifySendFailure`, for the outbox). The homeserver's wording never reaches a member: each outcome
 * has a stable code the elements word themselves.
 */
import { HTTPError, MatrixError } from 'matrix-js-sdk';
import { TOO_LARGE_TEXT } from '../format/content.ts';
import type { SendFailure } from '../outbox/outbox.ts';
import { OmniError, type OmniErrorInfo } from '../types.ts';

/** The longest wait honoured from a `Retry-After` before retrying a refused creation on our own. */
const RATE_LIMIT_MAX_WAIT_MS = 60_000;

/**
 * Turns why a room could not be opened into an error the element can explain. The message is for
 * developers (`omni-error`); what a member reads is chosen by `code`, so server wording never shows.
 */
export function roomError(error: unknown, target: string, guest = false): OmniError {
  if (error instanceof OmniError) return error;
  const shape = answerOf(error);
  if (shape === undefined) {
    return new OmniError('network', `The room ${target} could not be loaded; check the connection.`, { cause: error });
  }
  const reason = shape.reason ? `: ${shape.reason}` : '';
  // Synapse refuses a guest's join with a plain M_FORBIDDEN ("Guest access not allowed"); other
  // homeservers use M_GUEST_ACCESS_FORBIDDEN. Either way, a member's account would be let in.
  if (shape.errcode === 'M_GUEST_ACCESS_FORBIDDEN' || (guest && shape.httpStatus === 403)) {
    return new OmniError('guest-forbidden', `Guests cannot join ${target}${reason}; sign in with an account.`, { cause: error });
  }
  if (shape.httpStatus === 429 || shape.errcode === 'M_LIMIT_EXCEEDED') {
    return new OmniError('rate-limited', `The homeserver is rate-limiting requests for ${target}.`, { cause: error });
  }
  // An unknown alias is M_NOT_FOUND; an unknown room id is a 404 with M_UNKNOWN ("No known servers").
  if (shape.errcode === 'M_NOT_FOUND' || shape.httpStatus === 404) {
    return new OmniError('unknown-room', `The room ${target} does not exist${reason}.`, { cause: error });
  }
  if (shape.errcode === 'M_FORBIDDEN' || shape.httpStatus === 403) {
    return new OmniError('forbidden', `You cannot join ${target}${reason}.`, { cause: error });
  }
  // A gateway in front of a homeserver that is down or restarting answers 502/503/504.
  if (shape.httpStatus !== undefined && shape.httpStatus >= 500) {
    return new OmniError('network', `The homeserver failed to load ${target} (HTTP ${shape.httpStatus}).`, { cause: error });
  }
  return new OmniError('unknown', `${target}${reason || `: ${shape.errcode ?? 'unexpected answer'}`}`, { cause: error });
}

/** The parts of a homeserver's answer that classify it; undefined when no answer came (network). */
function answerOf(error: unknown): { errcode?: string; httpStatus?: number; reason?: string } | undefined {
  if (error instanceof MatrixError) {
    const reason = typeof error.data.error === 'string' ? error.data.error : undefined;
    return {
      errcode: error.errcode,
      ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}),
      ...(reason ? { reason } : {}),
    };
  }
  if (error instanceof HTTPError) return error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {};
  return undefined;
}

/** Network trouble waits for the connection; 429 waits as told; 5xx retries; other refusals fail. */
export function classifySendFailure(error: unknown): SendFailure {
  if (error instanceof MatrixError || error instanceof HTTPError) {
    const status = error.httpStatus ?? 0;
    if (status === 429 || (error instanceof MatrixError && error.errcode === 'M_LIMIT_EXCEEDED')) {
      let waitMs: number | null;
      try {
        waitMs = error.getRetryAfterMs();
      } catch {
        waitMs = null;
      }
      return { kind: 'rate-limited', waitMs: Math.max(0, waitMs ?? 5_000) };
    }
    if (status === 413 || (error instanceof MatrixError && error.errcode === 'M_TOO_LARGE')) {
      return { kind: 'rejected', message: TOO_LARGE_TEXT, retryable: false };
    }
    if (status >= 500 || status === 408 || status === 0) return { kind: 'server' };
    const message = error instanceof MatrixError ? (error.data.error ?? error.message) : error.message;
    return { kind: 'rejected', message };
  }
  return { kind: 'network' };
}

/** What the session's MatrixClient rejects with, read by shape. */
export interface MatrixErrorShape {
  errcode?: string;
  httpStatus?: number;
  data?: { error?: string; retry_after_ms?: number };
  getRetryAfterMs?: () => number | null;
}

export function errorShape(error: unknown): MatrixErrorShape {
  return typeof error === 'object' && error !== null ? error : {};
}

/** How long a rate limit asks to wait, within 1 s and `RATE_LIMIT_MAX_WAIT_MS`. */
export function retryAfterMs(error: MatrixErrorShape): number {
  let wait: number | null | undefined;
  try {
    wait = error.getRetryAfterMs?.();
  } catch {
    wait = undefined;
  }
  return Math.min(RATE_LIMIT_MAX_WAIT_MS, Math.max(1_000, wait ?? error.data?.retry_after_ms ?? 5_000));
}

/**
 * What the member reads when the room could not be looked up or created. `busy` and `refused` word a
 * rate limit (with the seconds it lasts) and a refusal (with the server's reason, in parentheses, or '').
 */
export function describeFailure(
  error: unknown,
  words: { busy: (seconds: number) => string; refused: (reason: string) => string },
): OmniErrorInfo {
  const shape = errorShape(error);
  const reason = shape.data?.error;
  if (shape.httpStatus === 429 || shape.errcode === 'M_LIMIT_EXCEEDED') {
    return { code: 'rate-limited', message: words.busy(Math.ceil(retryAfterMs(shape) / 1000)) };
  }
  if (shape.httpStatus === 403 || shape.errcode === 'M_FORBIDDEN') {
    return { code: 'creation-refused', message: words.refused(reason ? ` (${reason})` : '') };
  }
  if (shape.errcode !== undefined) return { code: 'unknown', message: reason ?? shape.errcode };
  return { code: 'network', message: 'The homeserver cannot be reached; check the connection.' };
}
