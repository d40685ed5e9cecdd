import { html, nothing, svg, type SVGTemplateResult, type TemplateResult } from 'lit';
import { memberMessage } from '../../i18n/member-error.ts';
import { msg, str } from '@lit/localize';
import type { OmniErrorCode, OmniErrorInfo } from '@omnisocial/core';

/** What the member calls the thing the element shows, in its error states. */
export type ErrorStateNoun = 'room' | 'conversation' | 'discussion';

export type ErrorStateIcon = 'offline' | 'missing' | 'locked' | 'warning';

/** What a member reads in an error state: never the server's words, its URLs or its codes. */
export interface ErrorStateText {
  icon: ErrorStateIcon;
  /** What happened, in plain words. */
  heading: string;
  /** What the member can do about it. */
  advice: string;
  /** Whether trying again can help (the network, a server that is down or busy). */
  retry: boolean;
}

/** One whole sentence per noun: translations cannot splice a noun into a sentence (gender, case, articles). */
export function byNoun(noun: ErrorStateNoun, texts: Readonly<Record<ErrorStateNoun, () => string>>): string {
  return texts[noun]();
}

/** `error.message` is used only where core words it for members (a DM's user id problems), never server text. */
type Describe = (noun: ErrorStateNoun, error: OmniErrorInfo) => ErrorStateText;

const OFFLINE: Describe = () => ({
  icon: 'offline',
  heading: msg('Cannot reach the chat server'),
  advice: msg('Check your internet connection, then try again. The server may also be down for a moment.'),
  retry: true,
});

const MISCONFIGURED: Describe = () => ({
  icon: 'warning',
  heading: msg('This chat is not set up correctly'),
  advice: msg('The page’s chat settings have a mistake. Please let the site’s team know.'),
  retry: false,
});

const UNEXPECTED: Describe = () => ({
  icon: 'warning',
  heading: msg('Something went wrong'),
  advice: msg('Try again in a moment. If it keeps happening, please let the site’s team know.'),
  retry: true,
});

/** Every code has its words here, so a new code cannot reach a member as raw text. */
const TEXTS: Record<OmniErrorCode, Describe> = {
  unreachable: OFFLINE,
  network: OFFLINE,
  'rate-limited': () => ({
    icon: 'offline',
    heading: msg('The chat server is busy'),
    advice: msg('Wait a few seconds, then try again.'),
    retry: true,
  }),
  'unknown-room': (noun) => ({
    icon: 'missing',
    heading: byNoun(noun, {
      room: () => msg('This room does not exist'),
      conversation: () => msg('This conversation does not exist'),
      discussion: () => msg('This discussion does not exist'),
    }),
    advice: msg('It may have been removed, or its address is wrong. Ask whoever shared it for a current link.'),
    retry: false,
  }),
  forbidden: (noun) => ({
    icon: 'locked',
    heading: byNoun(noun, {
      room: () => msg('You cannot join this room'),
      conversation: () => msg('You cannot join this conversation'),
      discussion: () => msg('You cannot join this discussion'),
    }),
    advice: msg('It is open to invited members only. Ask one of its members to invite you.'),
    retry: false,
  }),
  'guest-forbidden': (noun) => ({
    icon: 'locked',
    heading: byNoun(noun, {
      room: () => msg('Sign in to join this room'),
      conversation: () => msg('Sign in to join this conversation'),
      discussion: () => msg('Sign in to join this discussion'),
    }),
    advice: msg('It is for members only: guests cannot join it.'),
    retry: false,
  }),
  'too-large': () => ({
    icon: 'warning',
    heading: msg('This message is too long'),
    advice: msg('Shorten it or split it into several messages, then send it again.'),
    retry: false,
  }),
  'bad-file': (_noun, error) => ({
    icon: 'warning',
    heading: msg('This file cannot be sent'),
    advice: memberMessage(error, msg('This file cannot be sent.')),
    retry: false,
  }),
  'bad-homeserver': MISCONFIGURED,
  'bad-room': MISCONFIGURED,
  'bad-user': (_noun, error) => ({
    icon: 'warning',
    heading: msg('This conversation cannot be started'),
    advice: memberMessage(error, msg('That is not a valid user id.')),
    retry: false,
  }),
  'binding-mismatch': () => ({
    icon: 'warning',
    heading: msg('This discussion is linked to another room'),
    advice: msg('Its address points to a room that belongs to something else. Please let the site’s team know.'),
    retry: false,
  }),
  'discussion-unavailable': () => ({
    icon: 'offline',
    heading: msg('This discussion is not available right now'),
    advice: msg('The site’s chat service is not answering. The discussion opens here by itself as soon as it is back.'),
    retry: false,
  }),
  'unknown-user': (_noun, error) => ({
    icon: 'missing',
    heading: msg('This person cannot be found'),
    advice: msg(str`${memberMessage(error, '')} Their account may have been removed, or the address is wrong.`),
    retry: false,
  }),
  'creation-refused': (noun) => ({
    icon: 'locked',
    heading: byNoun(noun, {
      room: () => msg('This room cannot be started here'),
      conversation: () => msg('This conversation cannot be started here'),
      discussion: () => msg('This discussion cannot be started here'),
    }),
    advice: msg('The chat server does not allow it. Please let the site’s team know.'),
    retry: false,
  }),
  'encryption-unavailable': () => ({
    icon: 'warning',
    heading: msg('Encryption cannot start in this browser'),
    advice: msg('Try again. If it keeps failing, use an up-to-date browser outside private browsing.'),
    retry: true,
  }),
  'sign-in-rejected': UNEXPECTED,
  'login-token-rejected': UNEXPECTED,
  'guest-unavailable': UNEXPECTED,
  'registration-unavailable': UNEXPECTED,
  'registration-rejected': UNEXPECTED,
  'password-required': UNEXPECTED,
  'recovery-exists': UNEXPECTED,
  'no-recovery': UNEXPECTED,
  'bad-recovery-key': UNEXPECTED,
  unknown: UNEXPECTED,
};

/** The words of an error state for `error`, shown by `<omni-room>`, `<omni-dm>` and `<omni-chat>` alike. */
export function describeErrorState(error: OmniErrorInfo, noun: ErrorStateNoun = 'room'): ErrorStateText {
  // A code from a newer core than these words falls back to the generic state, never to its message.
  const describe = Object.hasOwn(TEXTS, error.code) ? TEXTS[error.code] : UNEXPECTED;
  return describe(noun, error);
}

const ICONS: Record<ErrorStateIcon, SVGTemplateResult> = {
  offline: svg`<path d="M6.5 5.2A5 5 0 0 1 17 8.1a4 4 0 0 1 2.9 6.6M16.6 18H6a4.5 4.5 0 0 1-1.3-8.8"/><path d="m3 3 18 18"/>`,
  missing: svg`<circle cx="10.5" cy="10.5" r="6.5"/><path d="m20 20-4.9-4.9"/><path d="M10.5 8v3"/><path d="M10.5 13.5h.01"/>`,
  locked: svg`<rect x="4.5" y="10.5" width="15" height="10" rx="2"/><path d="M8 10.5V7a4 4 0 0 1 8 0v3.5"/>`,
  warning: svg`<path d="M12 3.5 2.5 20h19Z"/><path d="M12 10v4"/><path d="M12 17h.01"/>`,
};

/**
 * The error state: an icon, a heading saying what happened (announced: `role="alert"`), a sentence
 * saying what to do and, where trying again can help, a **Try again** button that runs `retry`.
 */
export function renderErrorState(text: ErrorStateText, retry: (() => void) | undefined): TemplateResult {
  return html`
    <div class="error-state" part="error">
      <svg class="error-icon" part="error-icon" viewBox="0 0 24 24" aria-hidden="true">${ICONS[text.icon]}</svg>
      <div role="alert">
        <h2 class="error-heading" part="error-heading">${text.heading}</h2>
        <p class="error-advice" part="error-advice">${text.advice}</p>
      </div>
      ${
        text.retry && retry
          ? html`<button type="button" class="error-retry" part="error-retry" @click=${retry}>${msg('Try again')}</button>`
          : nothing
      }
    </div>
  `;
}
