/**
 * Two Synapses federating over loopback with TLS, started by one call and stopped with it.
 *
 * Each server is named `localhost:<federation port>`: an explicit port makes other servers connect to exactly
 * that host and port (no `.well-known`, no SRV lookup), and `localhost` resolves everywhere without touching
 * /etc/hosts. The federation listener is a second, TLS-only listener with a certificate signed by a CA made
 * for this start; each server trusts that CA for outbound federation (`federation_custom_ca_list`) while
 * certificate verification stays on. Clients keep using the plain-HTTP client listener on its own port.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCertificateAuthority, issueServerCertificate, type CertificateAuthority } from './federation-certs.ts';
import { startSite, type Site, type SiteOptions } from './companion.ts';
import { startSynapse, type Homeserver, type StartSynapseOptions } from './synapse.ts';
import { freePort } from './synapse-process.ts';

export { createCertificateAuthority, issueServerCertificate } from './federation-certs.ts';
export type { CertificateAuthority, ServerCertificate } from './federation-certs.ts';

/** What `startFederation()` may set on both servers (their names, ports and TLS are its own). */
export type FederatedServerOptions = Omit<StartSynapseOptions, 'serverName' | 'port' | 'federationTls' | 'snapshot' | 'bench'>;

export interface Federation {
  /** Server A (`localhost:<port>`). */
  a: Homeserver;
  /** Server B (`localhost:<port>`), a different server name on the same machine. */
  b: Homeserver;
  /** The throwaway CA both servers trust for federation. */
  ca: CertificateAuthority;
  /** Server A's site companion, when `siteA` asked for one (`a` is then its homeserver). */
  siteA?: Site;
  /** Milliseconds from the call to both servers answering clients. */
  startupMs: number;
  /** Stops both servers (by their PIDs) and deletes the certificates. */
  stop(): Promise<void>;
}

export interface FederationOptions {
  /**
   * Name server B `127.0.0.1:<port>` (an IP literal, which its certificate also covers) instead of
   * `localhost:<port>`. Server ACLs (`m.room.server_acl`) match names without their port, so a test of an ACL
   * against B needs B's host to differ from A's.
   */
  ipLiteralB?: boolean;
  /** Run server A as a site with its companion (`startSite()`), configured so (posts, moderation…). */
  siteA?: Omit<SiteOptions, 'serverName' | 'port' | 'federationTls' | 'snapshot' | 'bench'>;
}

interface Started {
  homeserver: Homeserver;
  site?: Site;
  stop(): Promise<void>;
}

export async function startFederation(options: FederatedServerOptions & FederationOptions = {}): Promise<Federation> {
  const { ipLiteralB = false, siteA, ...serverOptions } = options;
  const started = Date.now();
  const certDir = await mkdtemp(path.join(tmpdir(), 'omni-federation-'));
  try {
    const ca = await createCertificateAuthority(certDir, 'federation');
    const start = async (name: string, host: string, site?: FederationOptions['siteA']): Promise<Started> => {
      const { certificate, privateKey } = await issueServerCertificate(ca, certDir, name);
      const port = await freePort();
      const own = {
        serverName: `${host}:${String(port)}`,
        federationTls: { port, certificate, privateKey, caFile: ca.certificate },
      };
      if (site) {
        // Federating servers are Synapses (their certificates and federation settings are Synapse's).
        const started = await startSite({ ...serverOptions, ...site, ...own, implementation: 'synapse' });
        return { homeserver: started.homeserver, site: started, stop: () => started.stop() };
      }
      const homeserver = await startSynapse({ ...serverOptions, ...own });
      return { homeserver, stop: () => homeserver.stop() };
    };
    // Both at once: a Synapse start is mostly Python importing, which the second core can do meanwhile.
    const [a, b] = await Promise.allSettled([start('a', 'localhost', siteA), start('b', ipLiteralB ? '127.0.0.1' : 'localhost')]);
    if (a.status === 'rejected' || b.status === 'rejected') {
      await Promise.all([a, b].map((r) => (r.status === 'fulfilled' ? r.value.stop() : Promise.resolve())));
      throw a.status === 'rejected' ? a.reason : (b as PromiseRejectedResult).reason;
    }
    let stopping: Promise<void> | undefined;
    return {
      a: a.value.homeserver,
      b: b.value.homeserver,
      ...(a.value.site ? { siteA: a.value.site } : {}),
      ca,
      startupMs: Date.now() - started,
      stop: () => (stopping ??= Promise.all([a.value.stop(), b.value.stop()]).then(() => rm(certDir, { recursive: true, force: true }))),
    };
  } catch (error) {
    await rm(certDir, { recursive: true, force: true });
    throw error;
  }
}
