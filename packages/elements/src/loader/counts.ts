/**
 * Comment counts for a feed, asked of the site's companion in batches: every `<omni-count>` that asks within
 * the same short window (the elements of a page connect in one task) joins one request,
 * `GET <companion>/_omni/v1/posts/counts?post=a&post=b…`, split only past the companion's limit of posts per
 * request. No engine, no homeserver: the companion counts (packages/server/src/counts.ts).
 */

export const COUNTS_PATH = '/_omni/v1/posts/counts';
/** The companion answers at most this many posts per request. */
const MAX_PER_REQUEST = 100;
/** The companion recounts at most this many posts per request (`fresh`). */
const MAX_FRESH_PER_REQUEST = 5;
/** How long asks are collected before the request leaves (the elements parsed in the same moment). */
const BATCH_WINDOW_MS = 8;

interface Waiting {
  readonly fresh: boolean;
  readonly resolve: (count: number) => void;
  readonly reject: (error: unknown) => void;
}

interface Batch {
  readonly asks: Map<string, Waiting[]>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const batches = new Map<string, Batch>();
/** Requests the page sent, for the bench and tests. */
export const countRequests = { sent: 0 };

/** The companion's base URL without a trailing slash, or undefined when it is not an http(s) URL. */
export function companionBase(value: string | null): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value, document.baseURI);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return url.href.replace(/\/+$/u, '');
  } catch {
    return undefined;
  }
}

/** The count of `post`'s top-level messages; `fresh` asks the companion to recount it now. */
export function requestCount(companion: string, post: string, fresh = false): Promise<number> {
  let batch = batches.get(companion);
  if (!batch) {
    batch = { asks: new Map(), timer: undefined };
    batches.set(companion, batch);
  }
  const waiting = batch.asks.get(post) ?? [];
  batch.asks.set(post, waiting);
  const answer = new Promise<number>((resolve, reject) => waiting.push({ fresh, resolve, reject }));
  batch.timer ??= setTimeout(() => {
    batches.delete(companion);
    void send(companion, batch.asks);
  }, BATCH_WINDOW_MS);
  return answer;
}

async function send(companion: string, asks: Map<string, Waiting[]>): Promise<void> {
  const posts = [...asks.keys()];
  const fresh = posts.filter((post) => asks.get(post)?.some((ask) => ask.fresh));
  const requests: Promise<void>[] = [];
  for (let start = 0; start < posts.length; start += MAX_PER_REQUEST) {
    const slice = posts.slice(start, start + MAX_PER_REQUEST);
    const recount = fresh.filter((post) => slice.includes(post)).slice(0, MAX_FRESH_PER_REQUEST);
    requests.push(fetchSlice(companion, slice, recount, asks));
  }
  await Promise.all(requests);
}

async function fetchSlice(
  companion: string,
  posts: readonly string[],
  fresh: readonly string[],
  asks: Map<string, Waiting[]>,
): Promise<void> {
  const url = new URL(companion + COUNTS_PATH);
  for (const post of posts) url.searchParams.append('post', post);
  for (const post of fresh) url.searchParams.append('fresh', post);
  try {
    countRequests.sent += 1;
    const response = await fetch(url, { credentials: 'omit', ...(fresh.length > 0 ? { cache: 'no-store' as const } : {}) });
    if (!response.ok) throw new Error(`The companion answered HTTP ${String(response.status)}.`);
    const body = (await response.json()) as { counts?: Record<string, unknown> };
    for (const post of posts) {
      const count = body.counts?.[post];
      for (const ask of asks.get(post) ?? []) {
        if (typeof count === 'number' && Number.isInteger(count) && count >= 0) ask.resolve(count);
        else ask.reject(new Error('The companion did not count this post.'));
      }
    }
  } catch (error) {
    for (const post of posts) for (const ask of asks.get(post) ?? []) ask.reject(error);
  }
}
