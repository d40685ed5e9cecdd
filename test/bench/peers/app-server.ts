/**
 * The side-by-side benchmark's static server: the production build served from loopback, with every response it
 * sends logged (when, what, how many bytes). Counting at the server sees what the browser fetched for the page,
 * its dedicated, shared and service workers alike, and never counts a response a service worker answered from
 * its own cache as a transfer.
 */
import { serveStatic, type SentFile } from '../static.ts';

export type Sent = SentFile;

export interface AppServer {
  origin: string;
  /** Responses sent since the last `clearLog()`. */
  log(): readonly Sent[];
  clearLog(): void;
  close(): Promise<void>;
}

export async function serveApp(dir: string): Promise<AppServer> {
  let sent: Sent[] = [];
  const server = await serveStatic(dir, (file) => sent.push(file));
  return {
    origin: server.origin,
    log: () => sent,
    clearLog: () => {
      sent = [];
    },
    close: () => server.close(),
  };
}
