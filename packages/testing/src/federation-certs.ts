/**
 * A throwaway certificate authority for federation tests, made with Debian's `openssl`: a CA certificate,
 * and server certificates it signs for `localhost` / 127.0.0.1 (the host part of every test server name).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** Long enough for any test run, short enough that a leaked key is worthless. */
const DAYS = '2';
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export interface CertificateAuthority {
  /** The CA certificate (PEM), what a server trusting this CA lists. */
  certificate: string;
  privateKey: string;
}

export interface ServerCertificate {
  certificate: string;
  privateKey: string;
}

async function openssl(args: readonly string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`omni: openssl ${args[0] ?? ''} failed: ${stderr.trim()} (Debian's openssl package is needed)`);
  }
}

/** A new CA in `dir` (files `<name>-ca.crt`, `<name>-ca.key`). */
export async function createCertificateAuthority(dir: string, name: string): Promise<CertificateAuthority> {
  const certificate = path.join(dir, `${name}-ca.crt`);
  const privateKey = path.join(dir, `${name}-ca.key`);
  await openssl([
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    privateKey,
    '-out',
    certificate,
    '-days',
    DAYS,
    '-subj',
    `/CN=OmniSocial test CA ${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { certificate, privateKey };
}

/** A server certificate for `localhost` and 127.0.0.1 signed by `ca`, in `dir` (`<name>.crt`, `<name>.key`). */
export async function issueServerCertificate(ca: CertificateAuthority, dir: string, name: string): Promise<ServerCertificate> {
  const certificate = path.join(dir, `${name}.crt`);
  const privateKey = path.join(dir, `${name}.key`);
  const request = path.join(dir, `${name}.csr`);
  const extensions = path.join(dir, `${name}.ext`);
  await writeFile(
    extensions,
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n',
  );
  await openssl(['req', ...EC_KEY, '-keyout', privateKey, '-out', request, '-subj', '/CN=localhost']);
  await openssl([
    'x509',
    '-req',
    '-in',
    request,
    '-CA',
    ca.certificate,
    '-CAkey',
    ca.privateKey,
    '-set_serial',
    `0x${Date.now().toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`,
    '-out',
    certificate,
    '-days',
    DAYS,
    '-extfile',
    extensions,
  ]);
  return { certificate, privateKey };
}
