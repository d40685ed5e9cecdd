/**
 * Which media API the homeserver serves, read from its `/versions` at run time: authenticated media
 * (`/_matrix/client/v1/media`, Matrix 1.11 or the stable MSC3916 flag, which Dendrite 0.13.8 advertises
 * beside spec versions only up to 1.2) where it says so, the older unauthenticated `/_matrix/media/v3`
 * otherwise. Decided by what the server advertises, never by its name.
 */

export interface MediaApi {
  /** The URL prefix of `download/` and `thumbnail/`, without a trailing slash. */
  readonly base: string;
  readonly authenticated: boolean;
}

/** Stable flag for authenticated media before a server advertises Matrix 1.11. */
export const AUTHENTICATED_MEDIA_FEATURE = 'org.matrix.msc3916.stable';

/** Whether a `/versions` body advertises authenticated media. */
export function advertisesAuthenticatedMedia(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { versions, unstable_features: features } = body as { versions?: unknown; unstable_features?: unknown };
  if (typeof features === 'object' && features !== null && (features as Record<string, unknown>)[AUTHENTICATED_MEDIA_FEATURE] === true) {
    return true;
  }
  if (!Array.isArray(versions)) return false;
  return versions.some((version) => {
    const match = typeof version === 'string' ? /^v1\.(\d+)$/u.exec(version) : null;
    return match !== null && Number(match[1]) >= 11;
  });
}

/**
 * The media API of `baseUrl`, from its `/versions` body (`versions`, typically js-sdk's cached
 * `getVersions()`, so no request is added). Without it, or when it fails, authenticated media is assumed,
 * which every homeserver of the last releases serves.
 */
export async function mediaApi(baseUrl: string, versions: (() => Promise<unknown>) | undefined): Promise<MediaApi> {
  const authenticated: MediaApi = { base: `${baseUrl}/_matrix/client/v1/media`, authenticated: true };
  if (unreachable.has(baseUrl)) return { base: legacyMediaBase(baseUrl), authenticated: false };
  if (!versions) return authenticated;
  let body: unknown;
  try {
    body = await versions();
  } catch {
    return authenticated;
  }
  if (advertisesAuthenticatedMedia(body)) return authenticated;
  if (!warned.has(baseUrl)) {
    warned.add(baseUrl);
    // Degraded, and said so once: such a server serves the bytes to anyone, without the member's token.
    legacyNote(baseUrl, 'no authenticated media advertised');
  }
  return { base: legacyMediaBase(baseUrl), authenticated: false };
}

const warned = new Set<string>();
/** Homeservers whose authenticated media this page could not reach while their older media API answered. */
const unreachable = new Set<string>();

export function legacyMediaBase(baseUrl: string): string {
  return `${baseUrl}/_matrix/media/v3`;
}

/**
 * Notes that `baseUrl`'s authenticated media failed as a network error while its older media API served the
 * same media: the page then uses the older API for that homeserver, and says so once.
 */
export function authenticatedMediaUnreachable(baseUrl: string): void {
  if (unreachable.has(baseUrl)) return;
  unreachable.add(baseUrl);
  legacyNote(baseUrl, 'authenticated media unreachable (CORS preflight refused?)');
}

function legacyNote(baseUrl: string, why: string): void {
  console.info(`omni: ${baseUrl}: ${why}, media through /_matrix/media/v3`);
}
