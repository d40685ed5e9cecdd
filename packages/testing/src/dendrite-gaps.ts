/**
 * What Dendrite v0.13.8 lacks that a test depends on, with the reason in Dendrite: the one list behind
 * every skip on Dendrite and the compatibility table in docs/homeservers.md. Pure data (no Node imports),
 * so browser tests read it too.
 */
export const DENDRITE_GAPS = {
  loginToken:
    'Dendrite has no admin puppet login (`/_synapse/admin/v1/users/{id}/login`) and no `POST /login/get_token` (MSC3882), so a site backend cannot mint a one-time login token',
  tokenExpiry: 'Dendrite’s access tokens never expire and it issues no refresh tokens, so expiry, refresh and soft logout cannot happen',
  terms: 'Dendrite has no consent tracking (`m.login.terms` at registration)',
  roomCreationPolicy:
    'Dendrite has no spam-checker modules and no room-creation rate limit, so it never refuses or throttles `/createRoom`',
  eventsPeeking:
    'Dendrite answers `GET /events?room_id=` (peeking into a world-readable room) at once with no events and no `end` token, so a reader from outside follows by paging `/messages` forwards instead of one long-poll',
  createRoomAliasRace:
    'Dendrite’s `/createRoom` with a `room_alias_name` is not atomic: when two members create the same alias at once, the one refused with M_ROOM_IN_USE is still left joined to the room it made (empty, never shown: the alias names the other)',
  linkPreviews:
    'Dendrite has no URL preview API (`/_matrix/client/v1/media/preview_url` and `/_matrix/media/v3/preview_url` are unknown to it), so links get no preview card',
} as const;

export type DendriteGap = keyof typeof DENDRITE_GAPS;

/**
 * For a test that depends on `gap`: the reason to skip it (`Skipped on Dendrite: …`, shown in the test's
 * output) when `implementation` is Dendrite, `false` on Synapse.
 */
export function dendriteSkip(gap: DendriteGap, implementation: string | undefined): string | false {
  return implementation === 'dendrite' ? `Skipped on Dendrite: ${DENDRITE_GAPS[gap]}` : false;
}
