/**
 * The site's notification hook: for each member the companion signs in, it registers an HTTP pusher on the
 * homeserver (as that member, through the application service) whose gateway is the companion itself
 * (`POST /_matrix/push/v1/notify`, the Matrix push gateway API). The homeserver then evaluates the member's push
 * rules and posts each notification there; the companion forwards it to the site's URL as a small JSON body,
 * signed like the companion's other calls to the site (`x-omni-*` headers, verify with `SiteVerifier`), so the
 * site sends its own e-mail or push digests. Text is forwarded only for unencrypted messages.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Homeserver } from './homeserver.ts';
import { signSiteRequest } from './site-auth.ts';

export const PUSH_GATEWAY_PATH = '/_matrix/push/v1/notify';
/** The pusher's `app_id`: one pusher per member for the site. */
export const PUSHER_APP_ID = 'org.omnisocial.site';
const BODY_MAX_BYTES = 64 * 1024;
const TEXT_MAX = 1_000;

export interface PushConfig {
  /** The site's URL that receives notifications. */
  readonly url: string;
  /** Where the homeserver reaches the companion's push gateway (default: the site API's address). */
  readonly gatewayUrl?: string;
  readonly timeoutMs: number;
}

/** What the site receives for each notification. */
export interface SiteNotification {
  readonly userId: string;
  readonly roomId: string | undefined;
  readonly eventId: string | undefined;
  readonly sender: string | undefined;
  readonly senderName: string | undefined;
  readonly roomName: string | undefined;
  /** Unread notifications of the member, all rooms (the homeserver's badge count). */
  readonly unread: number | undefined;
  /** The member's push rules highlight it: a mention, `@room`. */
  readonly highlight: boolean;
  /** The message's text, for unencrypted messages only. */
  readonly text?: string;
}

type Json = Record<string, unknown>;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const obj = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});

/** The site's notification for one device entry of a push gateway request. */
export function siteNotification(notification: Json, device: Json): SiteNotification {
  const content = obj(notification['content']);
  const body = notification['type'] === 'm.room.message' ? str(content['body']) : undefined;
  return {
    userId: str(device['pushkey']) ?? '',
    roomId: str(notification['room_id']),
    eventId: str(notification['event_id']),
    sender: str(notification['sender']),
    senderName: str(notification['sender_display_name']),
    roomName: str(notification['room_name']),
    unread: typeof obj(notification['counts'])['unread'] === 'number' ? (obj(notification['counts'])['unread'] as number) : undefined,
    highlight: obj(device['tweaks'])['highlight'] === true,
    ...(body !== undefined ? { text: body.slice(0, TEXT_MAX) } : {}),
  };
}

export class SitePusher {
  readonly #config: PushConfig;
  readonly #homeserver: Homeserver;
  readonly #secret: string;
  readonly #gateway: string;
  readonly #registered = new Set<string>();
  readonly stats = { forwarded: 0, failed: 0 };

  constructor(options: { config: PushConfig; homeserver: Homeserver; secret: string; siteApiUrl: string }) {
    this.#config = options.config;
    this.#homeserver = options.homeserver;
    this.#secret = options.secret;
    this.#gateway = options.config.gatewayUrl ?? `${options.siteApiUrl}${PUSH_GATEWAY_PATH}`;
  }

  /** Registers the member's pusher (once per member and companion run; the homeserver keeps it across runs). */
  async register(userId: string): Promise<void> {
    if (this.#registered.has(userId)) return;
    await this.#homeserver.request('POST', '/_matrix/client/v3/pushers/set', {
      as: userId,
      body: {
        kind: 'http',
        app_id: PUSHER_APP_ID,
        pushkey: userId,
        app_display_name: 'Site notifications',
        device_display_name: 'Site',
        lang: 'en',
        data: { url: this.#gateway },
      },
    });
    this.#registered.add(userId);
  }

  /** Answers the homeserver's `POST /_matrix/push/v1/notify`, forwarding each device's notification to the site. */
  handle(request: IncomingMessage, response: ServerResponse): void {
    const reply = (status: number, body: unknown): void => {
      if (response.headersSent) return;
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'POST') {
      reply(405, { errcode: 'M_UNRECOGNIZED', error: 'Use POST.' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_MAX_BYTES) {
        reply(413, { errcode: 'M_TOO_LARGE', error: 'The notification is too large.' });
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => {
      let notification: Json;
      try {
        notification = obj(obj(JSON.parse(Buffer.concat(chunks).toString('utf8')))['notification']);
      } catch {
        reply(400, { errcode: 'M_NOT_JSON', error: 'The body is not JSON.' });
        return;
      }
      const devices = Array.isArray(notification['devices']) ? (notification['devices'] as unknown[]).map(obj) : [];
      void Promise.all(devices.map((device) => this.#forward(siteNotification(notification, device)))).then((rejected) =>
        reply(200, { rejected: rejected.filter((key): key is string => key !== undefined) }),
      );
    });
  }

  /** Posts one notification to the site; resolves to the pushkey when the site no longer wants this member's (410). */
  async #forward(notification: SiteNotification): Promise<string | undefined> {
    const body = JSON.stringify(notification);
    const url = new URL(this.#config.url);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { ...signSiteRequest(this.#secret, 'POST', url.pathname + url.search, body), 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.#config.timeoutMs),
      });
      if (response.status === 410) return notification.userId;
      if (!response.ok) throw new Error(`HTTP ${String(response.status)}`);
      this.stats.forwarded += 1;
    } catch (error) {
      this.stats.failed += 1;
      console.error(`[omni-companion] the site's notification hook failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return undefined;
  }
}
