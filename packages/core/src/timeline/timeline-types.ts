/**
 * The timeline as elements render it: plain, immutable, serialisable items computed once per room
 * change by the room model (grouping, edits, replies, reactions, receipts), never per tile.
 */

/** A member as shown in the timeline. */
export interface MemberInfo {
  readonly userId: string;
  /** Display name, disambiguated with the user id when two members share it. */
  readonly displayName: string;
  /** `mxc://` URL of the avatar, fetched through authenticated media when shown. */
  readonly avatarMxc?: string;
}

/** `sending`: on its way; `queued`: waiting for the connection or earlier messages; `failed`: needs retry or cancel. */
export type SendStatus = 'queued' | 'sending' | 'sent' | 'failed';

export type MessageKind = 'text' | 'emote' | 'notice' | 'image' | 'file' | 'audio' | 'video';

export interface ReactionGroup {
  /** The reaction, usually an emoji. */
  readonly key: string;
  readonly count: number;
  /** Display names of who reacted, for a tooltip / accessible description. */
  readonly senders: readonly string[];
  /** The member's own reaction event, when they reacted with this key (toggling redacts it). */
  readonly ownEventId?: string;
}

export interface ReplyPreview {
  readonly eventId: string;
  /** Undefined when the original is not loaded (yet): render "a message" with a jump link. */
  readonly sender?: MemberInfo;
  readonly body?: string;
  /** The original was deleted: render "Message deleted" in the quote. */
  readonly redacted?: boolean;
}

/** An end-to-end encrypted attachment (the spec's `EncryptedFile`): fetched as ciphertext, decrypted client-side. */
export interface EncryptedFile {
  /** `mxc://` URL of the ciphertext. */
  readonly url: string;
  /** The JSON Web Key: `k` is the base64url AES-256 key. */
  readonly key: { readonly k: string; readonly alg?: string; readonly kty?: string; readonly key_ops?: readonly string[] };
  /** Unpadded base64 of the 128-bit counter block. */
  readonly iv: string;
  /** Unpadded base64 SHA-256 of the ciphertext, checked before decrypting. */
  readonly hashes: { readonly sha256: string };
  readonly v?: string;
}

/** A smaller picture of an image or video that the sender uploaded alongside it (`info.thumbnail_*`). */
export interface MediaThumbnail {
  readonly mxc: string;
  readonly encryption?: EncryptedFile;
  readonly mimetype?: string;
  readonly width?: number;
  readonly height?: number;
}

export interface MediaInfo {
  readonly mxc: string;
  readonly name: string;
  readonly mimetype?: string;
  readonly size?: number;
  readonly width?: number;
  readonly height?: number;
  /** Present when the attachment is encrypted (`content.file`); `mxc` is then its `url`. */
  readonly encryption?: EncryptedFile;
  readonly thumbnail?: MediaThumbnail;
  /** Audio or video length in milliseconds. */
  readonly duration?: number;
  /** A blurhash of the picture (`xyz.amorgan.blurhash`), drawn in its box until it loads. */
  readonly blurhash?: string;
  /** The local echo of an image being sent: a blob URL of the member's own file, shown until the server has it. */
  readonly localUrl?: string;
}

/** How a message was deleted: by its sender, or by a moderator (someone else), with the reason they gave. */
export interface MessageDeletion {
  readonly byModerator: boolean;
  readonly reason?: string;
}

export interface MessageItem {
  readonly kind: 'message';
  /** Stable across local echo → remote echo (the transaction id's key is kept), so tiles never re-mount. */
  readonly key: string;
  readonly eventId?: string;
  readonly sender: MemberInfo;
  readonly own: boolean;
  readonly timestamp: number;
  readonly msgtype: MessageKind;
  /** Plain text of the latest version (after edits). */
  readonly body: string;
  /** `org.matrix.custom.html` of the latest version, unsanitised: render only through the sanitiser. */
  readonly formattedBody?: string;
  readonly edited: boolean;
  readonly redacted: boolean;
  /** A deleted message: who deleted it and why, from its redaction. */
  readonly deletion?: MessageDeletion;
  readonly replyTo?: ReplyPreview;
  readonly reactions: readonly ReactionGroup[];
  readonly media?: MediaInfo;
  /** An attachment being uploaded (local echo): bytes sent of the total. */
  readonly upload?: { readonly sent: number; readonly total: number };
  readonly status: SendStatus;
  /** Why it was not sent (status `failed`), in words. */
  readonly sendError?: string;
  /** `false` when sending it again cannot succeed (the server refused its size): offer no Retry, only removing it. */
  readonly retryable?: boolean;
  /** It mentions the member who reads it (`m.mentions`, or a pill to them from a client without it): highlight it. */
  readonly mentionsMe?: boolean;
  /** Held for a moderator's approval, or not approved: shown only to its author and to moderators. */
  readonly held?: 'pending' | 'rejected';
  /** Same sender as the previous message, close in time: render without repeating name and avatar. */
  readonly continuation: boolean;
  /** Members whose read receipt is on this message (latest receipt per member). */
  readonly readBy: readonly MemberInfo[];
  /** Encrypted messages only, once known: how far the sender's device and identity are trusted. */
  readonly trust?: MessageTrust;
  /**
   * Encrypted messages read with keys another member shared with this newcomer (MSC4268 history
   * sharing): that member's display name. The message's authenticity rests on their word.
   */
  readonly sharedBy?: string;
  /**
   * An encrypted message this device cannot read (yet): `body` is then empty, never content (the elements say
   * "Waiting for the keys to this message" and the like from its state). The item keeps its key when the keys
   * arrive, so the tile fills in where it is.
   */
  readonly undecryptable?: Undecryptable;
  /** A thread's root: what its thread holds so far (shown collapsed under it in the main timeline). */
  readonly thread?: ThreadSummary;
  /** A reply in a thread (`m.thread`): the root's event id. Such a message is shown in its thread, never in the main timeline. */
  readonly threadRoot?: string;
}

/**
 * A thread under its root, from the replies loaded and the server's bundled aggregation
 * (`unsigned["m.relations"]["m.thread"]`), which counts replies that are not loaded. In an encrypted
 * room the relation, sender and time of replies are in the clear: the summary needs no keys.
 */
export interface ThreadSummary {
  /** The root's event id: what `openThread()` takes. */
  readonly rootId: string;
  /** Replies in the thread (never fewer than the replies loaded). */
  readonly count: number;
  /** The latest reply's sender and time, when known. */
  readonly latest?: { readonly sender: MemberInfo; readonly timestamp: number };
  /** Who replied, the most recent first (at most five). */
  readonly participants: readonly MemberInfo[];
  /** Replies from others the member has not read (loaded replies after their thread's read point). */
  readonly unread: number;
  /** The member replied in it. */
  readonly participated: boolean;
}

/**
 * Where an unreadable encrypted message stands. `state`: `decrypting` (an attempt is running),
 * `waiting` (the keys may still arrive) or `failed` (they will not come by themselves).
 */
export interface Undecryptable {
  readonly state: 'decrypting' | 'waiting' | 'failed';
  readonly reason: UndecryptableReason;
}

/**
 * Why an encrypted message is not readable:
 * - `decrypting`: an attempt is running;
 * - `encryption-not-started`: this session has not started its encryption (yet);
 * - `sign-in-required`: a guest, who has no encryption keys: signing in as a member of the room is the way to read it;
 * - `keys-not-received`: the sender's device has not sent this device the keys (yet);
 * - `sent-before-sign-in`: sent before this device signed in, and the account has no key backup;
 * - `backup-locked`: sent before this device signed in; the key backup needs the recovery key;
 * - `backup-searching`: sent before this device signed in; the key backup is open but does not hold the keys (yet);
 * - `withheld-unverified`: the sender's device does not share keys with unverified devices, such as this one;
 * - `withheld`: the sender's device refused to share the keys for another reason;
 * - `unknown-index`: this device holds the keys only for the sender's later messages;
 * - `sent-before-joining`: sent while the member was not in the room;
 * - `untrusted-sender`: refused, because the sender's device or identity cannot be trusted;
 * - `other`: any other failure.
 */
export type UndecryptableReason =
  | 'decrypting'
  | 'encryption-not-started'
  | 'sign-in-required'
  | 'keys-not-received'
  | 'sent-before-sign-in'
  | 'backup-locked'
  | 'backup-searching'
  | 'withheld-unverified'
  | 'withheld'
  | 'unknown-index'
  | 'sent-before-joining'
  | 'untrusted-sender'
  | 'other';

/**
 * The trust of an encrypted message: `verified` (sender's identity verified), `unverified` (a device
 * its owner signed, identity not verified: the usual case, shown without a warning), `unverified-device`
 * (sent from a device its owner did not verify, or an unknown one), `identity-changed` (the sender was
 * verified and their identity changed since), `unknown` (the authenticity cannot be established).
 */
export type MessageTrust = 'verified' | 'unverified' | 'unverified-device' | 'identity-changed' | 'unknown';

/**
 * Membership and room changes, as one compact line. Consecutive membership changes are one notice ("Alice and 3
 * others joined") whose `summary` holds it as groups (no `line`) and keeps each change; the room's set-up is not
 * shown. Lines are data (who, what, old and new values): the elements word them in the reader's language.
 */
export interface NoticeItem {
  readonly kind: 'notice';
  /** The key of the first event it shows, so a summary keeps its key as changes join it. */
  readonly key: string;
  readonly eventId: string;
  readonly timestamp: number;
  /** The one change it shows ("Alice joined", "Bob changed the topic to …"); absent for a summary. */
  readonly line?: NoticeLine;
  /** Present when the line sums up more than one membership change. */
  readonly summary?: MembershipSummary;
}

/** A notice's one change: of a member, or of the room. */
export type NoticeLine = MemberLine | RoomLine;

/**
 * What one membership change says, with `member` (the member it is about, as named before the change; `null`
 * for a guest who chose no name) and `actor` (who made it, for invitations, bans and removals):
 * `joined`, `left`, `knocked` (asked to join), `rejected-invitation`, `avatar-changed`, `display-name-set`,
 * `display-name-changed` (to `newName`), `display-name-removed`, `invited`, `banned`, `unbanned`,
 * `invitation-withdrawn`, `removed`; `reason` when one was given.
 */
export interface MemberLine {
  readonly kind:
    | 'joined'
    | 'left'
    | 'knocked'
    | 'rejected-invitation'
    | 'avatar-changed'
    | 'display-name-set'
    | 'display-name-changed'
    | 'display-name-removed'
    | 'invited'
    | 'banned'
    | 'unbanned'
    | 'invitation-withdrawn'
    | 'removed';
  readonly member: string | null;
  readonly actor: string;
  /** The name the member chose (`display-name-set`, `display-name-changed`). */
  readonly newName?: string;
  readonly reason?: string;
}

/** A change of the room by `actor`: its name, topic, avatar, encryption, who may join, power levels, its replacement. */
export type RoomLine =
  | { readonly kind: 'room-renamed'; readonly actor: string; readonly name: string }
  | { readonly kind: 'topic-changed'; readonly actor: string; readonly topic: string }
  | { readonly kind: 'power-levels-changed'; readonly actor: string; readonly changes: readonly PowerLevelChange[] }
  | {
      readonly kind:
        | 'room-name-removed'
        | 'topic-removed'
        | 'room-avatar-changed'
        | 'room-avatar-removed'
        | 'encryption-enabled'
        | 'room-made-public'
        | 'room-made-invite-only'
        | 'join-rule-changed'
        | 'room-replaced';
      readonly actor: string;
    };

/** A member's power level moved: from one role to another. */
export interface PowerLevelChange {
  readonly member: string;
  readonly from: PowerRole;
  readonly to: PowerRole;
}

/** A power level as a role: `admin` (100), `moderator` (50), `default` (the room's default), else `custom` with its level. */
export interface PowerRole {
  readonly role: 'admin' | 'moderator' | 'default' | 'custom';
  readonly level: number;
}

/** One membership change, as a summary reads it. */
export type MembershipTransition =
  'joined' | 'left' | 'renamed' | 'avatar' | 'invited' | 'removed' | 'banned' | 'unbanned' | 'rejected' | 'withdrawn' | 'knocked';

/** What a member did in a summary: one change, or two in a row that read as one ("joined and left"). */
export type MembershipStepKind = MembershipTransition | 'joined-and-left' | 'left-and-rejoined' | 'invited-and-joined';

/** A step and how many times in a row it happened ("left and rejoined 3 times"). */
export interface MembershipStep {
  readonly kind: MembershipStepKind;
  readonly times: number;
}

/** Members who did the same during a run of membership changes: "Alice, Bob and 9 others joined". */
export interface MembershipGroup {
  /** What each of them did, in order ("joined, then left"). */
  readonly steps: readonly MembershipStep[];
  /** The members with a name, in order of first appearance. */
  readonly names: readonly string[];
  /** How many guests who chose no name are among them: counted, never named. */
  readonly guests: number;
}

/** The changes a membership summary stands for, for an expanded view or an accessible description. */
export interface MembershipSummary {
  /** The summary line as data, worded by the elements in the reader's language: its groups, in order. */
  readonly groups: readonly MembershipGroup[];
  /** Each change as its own line ("Alice joined", "Bob left: moving on"), oldest first. */
  readonly lines: readonly MemberLine[];
  /** Who the changes are about, each once, in order of first appearance; guests who chose no name are not listed. */
  readonly names: readonly string[];
  /** The events summed up, oldest first. */
  readonly eventIds: readonly string[];
}

/**
 * An event the client cannot render: a placeholder, never a crash. `reason`: `malformed` (broken content), or
 * `attachment-loading` (an attachment on a path that cannot fetch media, until the engine takes over).
 */
export interface PlaceholderItem {
  readonly kind: 'placeholder';
  readonly key: string;
  readonly eventId: string;
  readonly timestamp: number;
  readonly reason: 'malformed' | 'attachment-loading';
}

export interface DaySeparatorItem {
  readonly kind: 'day';
  readonly key: string;
  /** Midnight (local time) of the day that starts here. */
  readonly timestamp: number;
}

/** Where the member stopped reading ("new messages" line). */
export interface ReadMarkerItem {
  readonly kind: 'read-marker';
  readonly key: string;
}

export type TimelineItem = MessageItem | NoticeItem | PlaceholderItem | DaySeparatorItem | ReadMarkerItem;
