/** The outbox's waits between attempts. */

/**
 * Waits `ms`. A wakeable wait also ends when the browser comes back online or when the function handed to
 * `setWake` is called (a member's retry); `setWake` is given `undefined` once the wait is over.
 */
export function sleep(ms: number, wakeable: boolean, setWake: (wake: (() => void) | undefined) => void): Promise<void> {
  const canListen = 'addEventListener' in globalThis;
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    const online = (): void => done();
    function done(): void {
      clearTimeout(timer);
      if (canListen) globalThis.removeEventListener('online', online);
      resolve();
    }
    if (wakeable) {
      setWake(done);
      if (canListen) globalThis.addEventListener('online', online);
    }
  }).finally(() => {
    setWake(undefined);
  });
}
