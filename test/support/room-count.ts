/** How many rooms a site's homeserver holds, to show that something created none. */
import type { Site } from '@omnisocial/testing';

/**
 * Every room on the server as its admin lists them (Synapse), or on Dendrite, which has no room admin API
 * (`/_synapse/admin/v1/rooms`), the rooms the companion's bot is in: the only rooms a post alias can create.
 */
export async function roomCount(site: Site): Promise<number> {
  if (site.homeserver.implementation === 'dendrite') {
    const response = await fetch(`${site.homeserver.baseUrl}/_matrix/client/v3/joined_rooms`, {
      headers: { authorization: `Bearer ${site.companion.registration.as_token}` },
    });
    if (!response.ok) throw new Error(`GET /joined_rooms for the bot failed: ${String(response.status)}`);
    return ((await response.json()) as { joined_rooms: string[] }).joined_rooms.length;
  }
  const admin = await site.homeserver.registerUser({ admin: true });
  return (await admin.request<{ total_rooms: number }>('GET', '/_synapse/admin/v1/rooms?limit=1')).total_rooms;
}
