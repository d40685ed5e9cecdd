/**
 * Rooms for posts: how a site's post id becomes a room alias, the state event that binds a room back
 * to its post, and what a post room is created with. Pure functions: no SDK, no network.
 */

/** A post whose discussion lives in a room of the member's homeserver. */
export interface PostRoomTarget {
  /** The site's id for the post. Any non-empty string; it is normalised to Unicode NFC first. */
  readonly id: string;
  /** The post's canonical URL, stored in the binding and used as the room topic. */
  readonly url?: string;
  /** The post's title, used as the room name and stored in the binding. */
  readonly title?: string;
  /**
   * An open, world-readable and unencrypted discussion that visitors read as guests. Otherwise
   * (the default) the room is end-to-end encrypted and only members read it.
   */
  readonly open?: boolean;
  /** User ids given power 100 (admin) in the rooms created for posts. */
  readonly moderators?: readonly string[];
  /** The alias localpart template; `{id}` stands for the encoded post id. Default `post.{id}`. */
  readonly aliasTemplate?: string;
  /**
   * The user id of the site's companion bot (docs/server.md). When given, it takes precedence over the
   * homeserver's `.well-known`: a binding counts only when that bot sent it, and the page never creates
   * the post's room itself.
   */
  readonly companionBot?: string;
}

/** The state event type binding a room to a post; its state key is the empty string. */
export const POST_BINDING_EVENT = 'org.omnisocial.post';

/** The content of the binding state event. */
export interface PostBinding {
  readonly id: string;
  readonly url?: string;
  readonly title?: string;
}

export const DEFAULT_ALIAS_TEMPLATE = 'post.{id}';

/** Synapse refuses aliases longer than 255 (`MAX_ALIAS_LENGTH`); the spec counts bytes, so bytes are counted here. */
export const MAX_ALIAS_BYTES = 255;

/**
 * The room version of post rooms. In room version 12 (MSC4289) the creator is an owner whom nobody can
 * demote, which would make the first writer the room's permanent admin; version 11 lets the creator
 * step down to an ordinary member right after creating the room.
 */
export const POST_ROOM_VERSION = '11';

/** Marks a hashed id: `=` is otherwise always followed by two hex digits, so no plain encoding contains `=z`. */
const HASH_MARK = '=z';

export class PostAliasError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PostAliasError';
  }
}

const utf8 = new TextEncoder();

function byteLength(text: string): number {
  return utf8.encode(text).length;
}

/** `a-z 0-9 . -` stand for themselves; everything else is escaped (see `encodePostId`). */
function isPlain(byte: number): boolean {
  return (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) || byte === 0x2e || byte === 0x2d;
}

/**
 * Encodes a post id into alias-localpart characters, one unit per UTF-8 byte of the NFC form:
 * `a-z 0-9 . -` as themselves, `A-Z` as `_` + lower case, `_` as `__`, any other byte as `=` + two
 * lower-case hex digits. The units form a prefix-free code, so the encoding is injective on NFC
 * strings, and its output uses only `a-z 0-9 . - _ =`, which every Matrix client and server accepts
 * in an alias (no whitespace, no `:`). Returns the units, so callers can cut between them.
 */
function encodeUnits(id: string): string[] {
  const units: string[] = [];
  for (const byte of utf8.encode(id.normalize('NFC'))) {
    if (isPlain(byte)) units.push(String.fromCharCode(byte));
    else if (byte >= 0x41 && byte <= 0x5a) units.push(`_${String.fromCharCode(byte + 0x20)}`);
    else if (byte === 0x5f) units.push('__');
    else units.push(`=${byte.toString(16).padStart(2, '0')}`);
  }
  return units;
}

/** The plain encoding of a post id (see `postRoomAlias` for the length limit). */
export function encodePostId(id: string): string {
  return encodeUnits(id).join('');
}

/** The inverse of `encodePostId` for plain (not hashed) encodings; throws on anything else. */
export function decodePostId(encoded: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length;) {
    const c = encoded.charCodeAt(i);
    if (isPlain(c)) {
      bytes.push(c);
      i += 1;
    } else if (c === 0x5f) {
      const next = encoded.charCodeAt(i + 1);
      if (next === 0x5f) bytes.push(0x5f);
      else if (next >= 0x61 && next <= 0x7a) bytes.push(next - 0x20);
      else throw new PostAliasError(`Not an encoded post id: "${encoded}".`);
      i += 2;
    } else if (c === 0x3d && /^[0-9a-f]{2}$/u.test(encoded.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      throw new PostAliasError(`Not an encoded post id: "${encoded}".`);
    }
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
}

function checkTemplate(template: string): [prefix: string, suffix: string] {
  const parts = template.split('{id}');
  if (parts.length !== 2) throw new PostAliasError(`The alias template "${template}" must contain "{id}" exactly once.`);
  const [prefix = '', suffix = ''] = parts;
  if (!/^[a-z0-9._=-]*$/u.test(prefix + suffix)) {
    throw new PostAliasError(`The alias template "${template}" may use only a-z, 0-9, ".", "_", "=" and "-" around "{id}".`);
  }
  return [prefix, suffix];
}

/**
 * The room alias of a post's discussion: `#<template with {id} replaced>:<serverName>`.
 *
 * The id is normalised to NFC (canonically equivalent ids share a room), then encoded injectively
 * (see `encodePostId`): two different ids never share an alias, and every alias is valid for Synapse
 * (no whitespace or `:`, at most 255 bytes). When the plain encoding would make the alias too long, the
 * longest readable start of it is kept and followed by `=z` and the SHA-256 of the id in base32; the
 * room's binding state event then names the full id.
 */
export function postRoomAlias(postId: string, options: { serverName: string; template?: string }): string {
  if (postId.length === 0) throw new PostAliasError('A post id cannot be empty.');
  const [prefix, suffix] = checkTemplate(options.template ?? DEFAULT_ALIAS_TEMPLATE);
  const { serverName } = options;
  if (!serverName || /[\s/#@]/u.test(serverName)) throw new PostAliasError(`"${serverName}" is not a server name.`);
  const units = encodeUnits(postId);
  const frame = (encoded: string): string => `#${prefix}${encoded}${suffix}:${serverName}`;
  const plain = frame(units.join(''));
  if (byteLength(plain) <= MAX_ALIAS_BYTES) return plain;
  const digest = HASH_MARK + base32(sha256(utf8.encode(postId.normalize('NFC'))));
  // Every unit is ASCII, so characters and bytes agree from here on.
  const room = MAX_ALIAS_BYTES - byteLength(frame(digest));
  if (room < 0) throw new PostAliasError(`The server name "${serverName}" leaves no room for a post alias.`);
  let readable = '';
  for (const unit of units) {
    if (readable.length + unit.length > room) break;
    readable += unit;
  }
  return frame(readable + digest);
}

/** The localpart of an alias (`#post.x:example.org` → `post.x`), as `createRoom`'s `room_alias_name` wants it. */
export function aliasLocalpart(alias: string): string {
  return alias.slice(1, alias.indexOf(':'));
}

export type BindingVerdict = 'verified' | 'mismatch' | 'unbound';

/**
 * Whether a room's binding state (`org.omnisocial.post` content, or undefined when the room has none)
 * names this post. Ids are compared in NFC, as aliases are made from NFC.
 */
export function verifyBinding(state: unknown, postId: string): BindingVerdict {
  if (typeof state !== 'object' || state === null) return 'unbound';
  const id: unknown = (state as Record<string, unknown>)['id'];
  if (typeof id !== 'string' || id.length === 0) return 'unbound';
  return id.normalize('NFC') === postId.normalize('NFC') ? 'verified' : 'mismatch';
}

export function postBinding(post: PostRoomTarget): PostBinding {
  return {
    id: post.id.normalize('NFC'),
    ...(post.url ? { url: post.url } : {}),
    ...(post.title ? { title: post.title } : {}),
  };
}

/**
 * The `/createRoom` body of a post's room. The alias is created with the room, so when another member
 * created it first the server refuses the whole request (`M_ROOM_IN_USE`) and no second room appears.
 * The creator gets 100 for the creation events only (Synapse checks them against these power levels);
 * `creatorStepDown` lowers them to an ordinary member right after.
 */
export function postRoomCreateRequest(post: PostRoomTarget, alias: string, creatorId: string): Record<string, unknown> {
  const moderators = Object.fromEntries((post.moderators ?? []).map((userId) => [userId, 100]));
  const initialState: { type: string; state_key: string; content: Record<string, unknown> }[] = [
    { type: POST_BINDING_EVENT, state_key: '', content: { ...postBinding(post) } },
  ];
  if (post.open) {
    initialState.push(
      { type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'world_readable' } },
      { type: 'm.room.guest_access', state_key: '', content: { guest_access: 'can_join' } },
    );
  } else {
    initialState.push({ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } });
  }
  return {
    room_alias_name: aliasLocalpart(alias),
    room_version: POST_ROOM_VERSION,
    preset: 'public_chat',
    visibility: 'private',
    name: post.title ?? `Discussion of ${post.id}`,
    ...(post.url ? { topic: post.url } : {}),
    initial_state: initialState,
    power_level_content_override: { users: { ...moderators, [creatorId]: 100 }, users_default: 0, events_default: 0 },
  };
}

/**
 * The power levels that take the creator (or any non-moderator) back to the default level, or undefined
 * when `userId` already stands there or is one of the post's moderators.
 */
export function creatorStepDown(
  powerLevels: Record<string, unknown>,
  userId: string,
  post: PostRoomTarget,
): Record<string, unknown> | undefined {
  if (post.moderators?.includes(userId)) return undefined;
  const users = (typeof powerLevels['users'] === 'object' && powerLevels['users'] !== null ? powerLevels['users'] : {}) as Record<
    string,
    unknown
  >;
  if (!(userId in users)) return undefined;
  const rest = Object.fromEntries(Object.entries(users).filter(([id]) => id !== userId));
  return { ...powerLevels, users: rest };
}

// ---- SHA-256 and base32, synchronous so aliases can be computed anywhere (no secure context needed). ----

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** SHA-256 (FIPS 180-4) of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  const bitLength = data.length * 8;
  const padded = new Uint8Array((((data.length + 9 + 63) >> 6) << 6) >>> 0);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bitLength / 2 ** 32));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + i * 4);
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15] ?? 0;
      const b = w[i - 2] ?? 0;
      const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3);
      const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10);
      w[i] = ((w[i - 16] ?? 0) + s0 + (w[i - 7] ?? 0) + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = [h[0] ?? 0, h[1] ?? 0, h[2] ?? 0, h[3] ?? 0, h[4] ?? 0, h[5] ?? 0, h[6] ?? 0, h[7] ?? 0];
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + (K[i] ?? 0) + (w[i] ?? 0)) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    const next = [a, b, c, d, e, f, g, hh];
    for (let i = 0; i < 8; i++) h[i] = ((h[i] ?? 0) + (next[i] ?? 0)) >>> 0;
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i] ?? 0);
  return out;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lower case, without padding. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32.charAt((buffer >>> (bits - 5)) & 31);
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32.charAt((buffer << (5 - bits)) & 31);
  return out;
}
