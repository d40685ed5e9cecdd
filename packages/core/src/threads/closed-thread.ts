/** A thread that cannot be opened (its room is not there yet, or is read from outside): says why, does nothing. */
import { OmniError, type ThreadHandle } from '../types.ts';

export function closedThread(rootId: string, message: string): ThreadHandle {
  const error = new OmniError('unknown-room', message);
  return {
    snapshot: {
      rootId,
      status: 'error',
      items: [],
      hasMoreBefore: false,
      paginating: false,
      unreadCount: 0,
      error: { code: error.code, message },
    },
    subscribe: () => () => undefined,
    send: () => Promise.reject(error),
    paginateBackwards: () => Promise.resolve(false),
    markRead: () => undefined,
    release: () => undefined,
  };
}
