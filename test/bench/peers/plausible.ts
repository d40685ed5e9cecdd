/**
 * The side-by-side benchmark compares only figures that can be what they claim: a ratio with an input
 * that was not measured (traffic past the proxy, a client that failed, a zero) is reported as such,
 * never as a number.
 */

/**
 * Why a run's homeserver figures cannot be its traffic, or undefined when they can: every homeserver
 * request must have gone through the proxy, the login among them, and a client that painted the latest
 * message must have received at least that message's bytes.
 */
export function homeserverImplausible(figures: {
  /** Requests the browser (page or service worker) sent to Synapse's own address instead of the proxy. */
  direct: readonly string[];
  loggedInThroughProxy: boolean;
  homeserverBytes: number;
  marker: string;
}): string | undefined {
  if (figures.direct.length > 0) {
    // Counted as the browser reports them: a page request its service worker forwards appears twice.
    return `${String(figures.direct.length)} requests went to Synapse's own address, past the proxy (first: ${figures.direct[0] ?? ''})`;
  }
  if (!figures.loggedInThroughProxy) return 'the login did not pass through the proxy';
  if (figures.homeserverBytes < figures.marker.length) {
    return `${String(figures.homeserverBytes)} bytes counted, fewer than the latest message it showed`;
  }
  return undefined;
}

export type Ratio = { value: number } | { notMeasured: string };

/** ours / theirs, or why there is no such ratio. */
export function ratioOf(ours: number | undefined, theirs: number | undefined, why: { ours?: string; theirs?: string } = {}): Ratio {
  if (why.ours !== undefined) return { notMeasured: `ours: ${why.ours}` };
  if (why.theirs !== undefined) return { notMeasured: `theirs: ${why.theirs}` };
  if (ours === undefined || !Number.isFinite(ours)) return { notMeasured: 'ours has no figure' };
  if (theirs === undefined || !Number.isFinite(theirs)) return { notMeasured: 'theirs has no figure' };
  if (ours <= 0 || theirs <= 0) return { notMeasured: `${ours <= 0 ? 'ours' : 'theirs'} is 0` };
  return { value: ours / theirs };
}
