/**
 * What a member reads about an error that core reports. Core (no UI, no translations) says what went wrong with a
 * code (`OmniErrorCode`) and an English message for developers, which the `omni-error` event and the console carry
 * as they are. On screen, English keeps core's words; any other language shows the translation of those words
 * when core's message is one of the sentences below (they say precisely what to do: "That username is taken"),
 * else a translated sentence for the code, else the caller's translated fallback, never untranslated English.
 * No Lit here. docs/languages.md describes the rule.
 */
import { msg } from '@lit/localize';
import { activeLocale } from './active-locale.ts';

/** Core's sentences for members, by their exact English wording (packages/core: session, crypto, rooms). */
const CORE_TEXTS: Readonly<Record<string, () => string>> = {
  'That password is not right.': () => msg('That password is not right.'),
  'This account has been deactivated.': () => msg('This account has been deactivated.'),
  'Too many sign-in attempts: wait a moment, then try again.': () => msg('Too many sign-in attempts: wait a moment, then try again.'),
  'This sign-in link was already used or expired. Sign in again.': () =>
    msg('This sign-in link was already used or expired. Sign in again.'),
  'This homeserver does not allow guests. Sign in instead.': () => msg('This homeserver does not allow guests. Sign in instead.'),
  'This homeserver does not allow creating accounts.': () => msg('This homeserver does not allow creating accounts.'),
  'This homeserver needs a registration token to create an account.': () =>
    msg('This homeserver needs a registration token to create an account.'),
  'Accept the terms of the homeserver to create an account.': () => msg('Accept the terms of the homeserver to create an account.'),
  'That username is taken. Choose another one.': () => msg('That username is taken. Choose another one.'),
  'That username is not allowed. Use lower-case letters, digits and . _ = - / only.': () =>
    msg('That username is not allowed. Use lower-case letters, digits and . _ = - / only.'),
  'That username is reserved. Choose another one.': () => msg('That username is reserved. Choose another one.'),
  'Too many attempts. Wait a moment and try again.': () => msg('Too many attempts. Wait a moment and try again.'),
  'That registration token is not valid, or it has been used up.': () =>
    msg('That registration token is not valid, or it has been used up.'),
  'Enter your password to confirm it is you.': () => msg('Enter your password to confirm it is you.'),
  'Recovery is not set up for this account.': () => msg('Recovery is not set up for this account.'),
  'That is not a recovery key. Check it and try again.': () => msg('That is not a recovery key. Check it and try again.'),
  'That recovery key does not match this account. Check it and try again.': () =>
    msg('That recovery key does not match this account. Check it and try again.'),
  'The file could not be read.': () => msg('The file could not be read.'),
};

/** By code, where core's words name a server, a user, a size or a server's own reason. */
const BY_CODE: Readonly<Partial<Record<string, () => string>>> = {
  unreachable: () => msg('The chat server cannot be reached. Check your connection, then try again.'),
  network: () => msg('Check your internet connection, then try again.'),
  'rate-limited': () => msg('The server is busy. Try again in a moment.'),
  forbidden: () => msg('You are not allowed to do this any more: your role in this room may have changed.'),
  'too-large': () => msg('This message is too large to send. Shorten it, or split it into several messages.'),
  'bad-file': () => msg('This file cannot be sent.'),
  'sign-in-rejected': () => msg('Sign-in failed.'),
  'registration-rejected': () => msg('The account could not be created.'),
  'bad-user': () => msg('That is not a valid user id.'),
  'unknown-user': () => msg('There is no such user on their homeserver.'),
};

/** The member's words for `error` (an `OmniError`, an `OmniErrorInfo`, anything thrown); `fallback` when it has none. */
export function memberMessage(error: unknown, fallback: string): string {
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown };
  const english = typeof message === 'string' && message ? message : undefined;
  if (activeLocale() === 'en') return english ?? fallback;
  return CORE_TEXTS[english ?? '']?.() ?? (typeof code === 'string' ? BY_CODE[code]?.() : undefined) ?? fallback;
}
