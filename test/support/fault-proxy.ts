/**
 * A small fault-injecting HTTP proxy on loopback, in front of a real Synapse. It forwards every
 * request (long-polls included) unchanged and, when told, fails some of them the way networks and
 * servers fail: no connection at all, a response lost after the server handled the request, 429 with
 * `Retry-After`, 5xx, or a delay. The homeserver itself stays real; only the wire is made unreliable.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Which requests a fault applies to: all of them, or those whose method and path match. */
export interface RequestMatch {
  /** HTTP method, e.g. `PUT`. */
  method?: string;
  /** A substring of the path (with query), e.g. `/send/m.room.message/`. */
  path?: string;
  /**
   * Of the sliding sync requests, only those of this connection: the body's `conn_id`, `''` for a request without
   * one (the engine's; the light read has its own). Requests of other kinds are not told apart by it.
   */
  connId?: string;
  /** Of the sliding sync requests, only those subscribing to this room. Requests of other kinds are not told apart by it. */
  room?: string;
}

/** Answer the next `count` matching requests with this status instead of forwarding them. */
export interface RespondFault extends RequestMatch {
  count: number;
  status: number;
  /** JSON body; defaults to a Matrix error for the status. */
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface DropFault extends RequestMatch {
  /** How many matching requests: forwarded to the server, then their connection is destroyed unanswered. */
  count: number;
}

export interface DelayFault extends RequestMatch {
  ms: number;
}

/** The switches; `omni:proxy-set` applies a partial of it. */
export interface FaultSettings {
  /** Refuse new connections (they are accepted and destroyed at once) and cut the open ones. */
  offline?: boolean;
  /** Forward, let the server handle it, then drop the response of the next matching requests. */
  dropResponse?: DropFault;
  /** 429 `M_LIMIT_EXCEEDED` with `Retry-After` (seconds) and `retry_after_ms` for the next `count` matching requests. */
  rateLimit?: RequestMatch & { count: number; retryAfterMs: number };
  /** 5xx (500 unless `status` says otherwise) for the next `count` matching requests, not forwarded. */
  serverError?: RequestMatch & { count: number; status?: number };
  /** Any other canned answer. */
  respond?: RespondFault;
  /** Hold matching requests this long (or until the delay is switched off) before forwarding them. */
  delay?: DelayFault;
}

/** What passed through, for assertions: one entry per request, in arrival order. */
export interface ProxyLogEntry {
  readonly method: string;
  readonly path: string;
  /** A sliding sync request's connection: its body's `conn_id`, `''` when it has none. */
  readonly connId?: string;
  /** The rooms a sliding sync request subscribes to (its `room_subscriptions`). */
  readonly rooms?: readonly string[];
  /** Milliseconds since the proxy started. */
  readonly at: number;
  /** What happened: forwarded, dropped (server handled it, client got nothing), or a status the proxy made up. */
  readonly outcome: 'forwarded' | 'dropped' | 'refused' | 'aborted' | number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give this to clients as the homeserver. */
  readonly baseUrl: string;
  readonly target: string;
  set(settings: FaultSettings): void;
  /** Clears every fault and goes online. */
  reset(): void;
  log(match?: RequestMatch): ProxyLogEntry[];
  /** Response body bytes forwarded from the server to clients since the start or the last `clearLog()`. */
  forwardedBytes(): number;
  clearLog(): void;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /**
   * Stand in for the homeserver's public address, as a reverse proxy in front of Synapse does: where
   * Synapse names its own base URL (its `public_baseurl`) to clients — `/.well-known/matrix/client` and
   * the `well_known` of a login response — the proxy's address is named instead. Without this, a client
   * that follows well-known (Hydrogen does) leaves the proxy after its first request and talks to Synapse
   * directly. Off by default: the answers pass unchanged.
   */
  publicBaseUrl?: boolean;
}

/** Paths whose answers carry the homeserver's public base URL (query string excluded). */
const NAMES_BASE_URL = /^\/\.well-known\/matrix\/client$|^\/_matrix\/client\/[^/]+\/login$/;

/** What a sliding sync request's body says of it: its connection and the rooms it subscribes to. */
interface SlidingSyncRequest {
  readonly connId: string;
  readonly rooms: readonly string[];
}

function matches(match: RequestMatch, method: string, path: string, sliding: SlidingSyncRequest | undefined): boolean {
  return (
    (match.method === undefined || match.method.toUpperCase() === method) &&
    (match.path === undefined || path.includes(match.path)) &&
    (match.connId === undefined || sliding === undefined || sliding.connId === match.connId) &&
    (match.room === undefined || sliding === undefined || sliding.rooms.includes(match.room))
  );
}

/** Simplified sliding sync (MSC4186): its requests name their connection in the body, which the proxy reads. */
const SLIDING_SYNC = /^\/_matrix\/client\/unstable\/org\.matrix\.simplified_msc3575\/sync(?:\?|$)/;

/** The whole body of a request. */
function bodyOf(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A sliding sync body's `conn_id` (`''` without one) and subscribed rooms; nothing of a body that is not JSON. */
function slidingSyncOf(body: Buffer): SlidingSyncRequest {
  let parsed: { conn_id?: unknown; room_subscriptions?: unknown } = {};
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch {
    // Not JSON: the server refuses it, the proxy records it as a request of no connection.
  }
  const subscriptions = parsed.room_subscriptions;
  return {
    connId: typeof parsed.conn_id === 'string' ? parsed.conn_id : '',
    rooms: typeof subscriptions === 'object' && subscriptions !== null ? Object.keys(subscriptions) : [],
  };
}

const ERRCODES: Record<number, string> = { 429: 'M_LIMIT_EXCEEDED', 403: 'M_FORBIDDEN', 404: 'M_NOT_FOUND', 413: 'M_TOO_LARGE' };

/** Starts a proxy on a free loopback port that forwards to `target` (e.g. a Synapse's `baseUrl`). */
export async function startFaultProxy(target: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const upstream = new URL(target);
  // Set once listening; the rewrite below only runs for requests, which arrive after that.
  let ownBaseUrl = '';
  const started = Date.now();
  let settings: FaultSettings = {};
  const entries: ProxyLogEntry[] = [];
  const sockets = new Set<Socket>();
  let bytesForwarded = 0;

  /** Takes one use of a counted fault if it matches; removes it when used up. */
  const take = <K extends 'dropResponse' | 'rateLimit' | 'serverError' | 'respond'>(
    key: K,
    method: string,
    path: string,
    sliding: SlidingSyncRequest | undefined,
  ): FaultSettings[K] | undefined => {
    const fault = settings[key];
    if (!fault || fault.count <= 0 || !matches(fault, method, path, sliding)) return undefined;
    const remaining = fault.count - 1;
    settings = { ...settings, [key]: remaining > 0 ? { ...fault, count: remaining } : undefined };
    return fault;
  };

  const record = (method: string, path: string, outcome: ProxyLogEntry['outcome'], sliding?: SlidingSyncRequest): void => {
    entries.push({ method, path, ...(sliding ? { connId: sliding.connId, rooms: sliding.rooms } : {}), at: Date.now() - started, outcome });
  };

  const answer = (res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void => {
    res.writeHead(status, {
      'content-type': 'application/json',
      // The browser must be allowed to read the made-up answer like Synapse's own.
      'access-control-allow-origin': '*',
      'access-control-allow-headers': '*',
      'access-control-expose-headers': '*',
      ...headers,
    });
    res.end(JSON.stringify(body));
  };

  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    request: { method: string; path: string; sliding: SlidingSyncRequest | undefined; body: Buffer | undefined },
    drop: boolean,
  ): void => {
    const { method, path, sliding } = request;
    const rewrite = options.publicBaseUrl === true && method !== 'OPTIONS' && NAMES_BASE_URL.test(path.split('?')[0] ?? '');
    const headers = { ...req.headers, host: upstream.host };
    // The answer is edited as text, so it must come uncompressed.
    if (rewrite) delete headers['accept-encoding'];
    const proxied = httpRequest({ hostname: upstream.hostname, port: upstream.port, method, path, headers }, (upstreamRes) => {
      if (drop) {
        // The server has handled the request; the client never learns how.
        upstreamRes.resume();
        upstreamRes.on('end', () => req.socket.destroy());
        record(method, path, 'dropped', sliding);
        return;
      }
      if (rewrite) {
        const chunks: Buffer[] = [];
        upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
        upstreamRes.on('end', () => {
          const body = Buffer.from(Buffer.concat(chunks).toString('utf8').replaceAll(upstream.origin, ownBaseUrl), 'utf8');
          // The edited body goes out whole, with its own length instead of the upstream framing.
          const edited = { ...upstreamRes.headers, 'content-length': String(body.length) };
          delete edited['transfer-encoding'];
          res.writeHead(upstreamRes.statusCode ?? 502, edited);
          bytesForwarded += body.length;
          res.end(body);
          record(method, path, 'forwarded', sliding);
        });
        return;
      }
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.on('data', (chunk: Buffer) => (bytesForwarded += chunk.length));
      upstreamRes.pipe(res);
      record(method, path, 'forwarded', sliding);
    });
    proxied.on('error', () => {
      if (!res.headersSent) answer(res, 502, { errcode: 'M_UNKNOWN', error: 'upstream unavailable' });
      else res.destroy();
    });
    // A client that gives up (an aborted long-poll) aborts the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) proxied.destroy();
    });
    if (request.body) proxied.end(request.body);
    else req.pipe(proxied);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = req.url ?? '/';
    if (settings.offline) {
      record(method, path, 'refused');
      req.socket.destroy();
      return;
    }
    const body = method === 'POST' && SLIDING_SYNC.test(path) ? await bodyOf(req) : undefined;
    const sliding = body ? slidingSyncOf(body) : undefined;
    // Preflights are never faulted: a browser would report them as a CORS failure, not the fault asked for.
    if (method !== 'OPTIONS') {
      const delay = settings.delay;
      if (delay && matches(delay, method, path, sliding)) {
        // Held while the delay lasts and is still switched on; a client that gave up meanwhile is never forwarded.
        const client = { gone: false };
        res.on('close', () => (client.gone = true));
        const until = Date.now() + delay.ms;
        while (Date.now() < until && settings.delay === delay && !client.gone) await new Promise((resolve) => setTimeout(resolve, 20));
        if (client.gone) {
          record(method, path, 'aborted', sliding);
          return;
        }
      }
      const limited = take('rateLimit', method, path, sliding);
      if (limited) {
        record(method, path, 429, sliding);
        answer(
          res,
          429,
          { errcode: 'M_LIMIT_EXCEEDED', error: 'Too many requests (fault proxy)', retry_after_ms: limited.retryAfterMs },
          { 'retry-after': String(Math.ceil(limited.retryAfterMs / 1000)) },
        );
        return;
      }
      const failed = take('serverError', method, path, sliding);
      if (failed) {
        const status = failed.status ?? 500;
        record(method, path, status, sliding);
        answer(res, status, { errcode: 'M_UNKNOWN', error: 'Internal server error (fault proxy)' });
        return;
      }
      const canned = take('respond', method, path, sliding);
      if (canned) {
        record(method, path, canned.status, sliding);
        answer(
          res,
          canned.status,
          canned.body ?? { errcode: ERRCODES[canned.status] ?? 'M_UNKNOWN', error: 'fault proxy' },
          canned.headers,
        );
        return;
      }
    }
    forward(req, res, { method, path, sliding, body }, method !== 'OPTIONS' && take('dropResponse', method, path, sliding) !== undefined);
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  server.on('connection', (socket) => {
    if (settings.offline) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Long-polls must not be cut by Node's defaults.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  ownBaseUrl = `http://127.0.0.1:${String(port)}`;

  return {
    baseUrl: ownBaseUrl,
    target,
    set(next) {
      settings = { ...settings, ...next };
      if (next.offline) for (const socket of sockets) socket.destroy();
    },
    reset() {
      settings = {};
    },
    log(match = {}) {
      return entries.filter((e) =>
        matches(match, e.method, e.path, e.connId === undefined ? undefined : { connId: e.connId, rooms: e.rooms ?? [] }),
      );
    },
    forwardedBytes: () => bytesForwarded,
    clearLog() {
      entries.length = 0;
      bytesForwarded = 0;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
