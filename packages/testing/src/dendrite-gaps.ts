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
  adminUserLookup:
    'Dendrite has no user admin API (`/_synapse/admin/v2/users/{id}`), so the companion cannot tell a guest or a new account from a member: its abuse controls (first messages held for approval, per-minute and link limits) restrict nobody',
  createRoomExclusiveAlias:
    'Dendrite does not hold `/createRoom`’s `room_alias_name` to an application service’s exclusive alias namespace (only `PUT /directory/room`), so a member can take the alias of a post whose room does not exist yet (the element then shows that discussion as linked elsewhere, never its messages)',
  eventReportAdmin:
    'Dendrite’s event-report admin API answers HTTP 500 where Synapse answers 404 for a report that is gone (`sql: no rows in result set`), and answered 500 to the list of reports after a flood of 300 (measured; the cause in Dendrite is not traced), so acting twice on a report, or a queue of hundreds of reports, fails with 502 instead of a clear answer',
  redactionPush:
    'Dendrite did not push a redaction in the policy room to the application service (measured: none reached the companion within 30 s), so a rule lifted by redacting its event is not applied; lifting with an empty rule (what the site API, Mjolnir and Draupnir do) works',
  aliasQueryUnreachable:
    'Dendrite answers an alias look-up with HTTP 500 (not 404) when the application service that owns the alias cannot be reached, so with the companion down the element fails on that answer instead of saying the discussion is not available right now and asking again',
} as const;

export type DendriteGap = keyof typeof DENDRITE_GAPS;

/**
 * For a test that depends on `gap`: the reason to skip it (`Skipped on Dendrite: …`, shown in the test's
 * output) when `implementation` is Dendrite, `false` on Synapse.
 */
export function dendriteSkip(gap: DendriteGap, implementation: string | undefined): string | false {
  return implementation === 'dendrite' ? `Skipped on Dendrite: ${DENDRITE_GAPS[gap]}` : false;
}
