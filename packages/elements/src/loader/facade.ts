/**
 * What a shell shows before its view arrives, built with the DOM alone (no Lit in the loader): the facade
 * (inline presentation) or the launcher's button. Text only, never HTML: titles and counts come from the
 * page's attributes and the view.
 */
import { msg, str } from '@lit/localize';
import { formatCount, plural } from '../i18n/plural.ts';
import { svgIcon } from './icon.ts';

/** "1 mention", "3 mentions", for the launcher's accessible name, in the active locale's plural forms. */
function mentionText(count: number): string {
  const n = formatCount(count);
  return plural(count, {
    zero: () => msg(str`${n} mentions`, { id: 'launcher-mentions-zero' }),
    one: () => msg(str`${n} mention`, { id: 'launcher-mentions-one' }),
    two: () => msg(str`${n} mentions`, { id: 'launcher-mentions-two' }),
    few: () => msg(str`${n} mentions`, { id: 'launcher-mentions-few' }),
    many: () => msg(str`${n} mentions`, { id: 'launcher-mentions-many' }),
    other: () => msg(str`${n} mentions`, { id: 'launcher-mentions-other' }),
  });
}

/** The launcher's accessible name: the room, then what waits in it. */
function launcherName(label: string, failed: boolean, unread: number, mentioned: string): string {
  if (failed) return msg(str`Open chat: ${label}, could not be loaded`);
  const count = formatCount(unread);
  if (unread > 0 && mentioned) return msg(str`Open chat: ${label}, ${count} unread, ${mentioned}`);
  if (unread > 0) return msg(str`Open chat: ${label}, ${count} unread`);
  if (mentioned) return msg(str`Open chat: ${label}, ${mentioned}`);
  return msg(str`Open chat: ${label}`);
}

/** What a kind of shell shows before its view arrives. */
export interface FacadeText {
  /** The heading: the post title, the room, the other member. */
  title(element: HTMLElement): string;
  /** A line under it (message count when known, or why nothing loads); `learned` is the count a collapsed view reported. */
  meta(element: HTMLElement, learned: number | undefined): string;
  /** The button that loads the view; omitted when there is no view to load. */
  action?: () => string;
}

/** The count the view reported before it collapsed, else the page's `message-count`. */
export function messageCount(element: HTMLElement, learned: number | undefined): string {
  const count = learned ?? Number.parseInt(element.getAttribute('message-count') ?? '', 10);
  if (!Number.isFinite(count) || count < 0) return '';
  return messageCountText(count);
}

/** "1 message", "1,204 messages", in the active locale's plural forms. */
function messageCountText(count: number): string {
  const n = formatCount(count);
  return plural(count, {
    zero: () => msg(str`${n} messages`, { id: 'facade-messages-zero' }),
    one: () => msg(str`${n} message`, { id: 'facade-messages-one' }),
    two: () => msg(str`${n} messages`, { id: 'facade-messages-two' }),
    few: () => msg(str`${n} messages`, { id: 'facade-messages-few' }),
    many: () => msg(str`${n} messages`, { id: 'facade-messages-many' }),
    other: () => msg(str`${n} messages`, { id: 'facade-messages-other' }),
  });
}

/** The facade's elements, kept to update their text. */
export interface Facade {
  readonly root: HTMLDivElement;
  readonly title: HTMLParagraphElement;
  readonly status: HTMLParagraphElement;
  /** The button that loads the view, when the text names one. */
  readonly button: HTMLButtonElement | undefined;
}

/** Where the view's loading stands, as the facade tells it. */
export interface LoadState {
  readonly failed: boolean;
  readonly busy: boolean;
  /** The message count the view reported before it collapsed. */
  readonly learnedCount: number | undefined;
}

export function buildFacade(text: FacadeText, onTouch: () => void): Facade {
  const root = document.createElement('div');
  const title = document.createElement('p');
  const status = document.createElement('p');
  root.className = 'facade';
  root.setAttribute('part', 'facade');
  title.className = 'title';
  title.setAttribute('part', 'facade-title');
  status.className = 'meta';
  status.setAttribute('role', 'status');
  root.append(title, status);
  let button: HTMLButtonElement | undefined;
  if (text.action) {
    button = document.createElement('button');
    button.type = 'button';
    button.setAttribute('part', 'facade-button');
    button.addEventListener('click', onTouch);
    root.append(button);
  }
  return { root, title, status, button };
}

export function renderFacade(facade: Facade, text: FacadeText, element: HTMLElement, state: LoadState): void {
  facade.title.textContent = text.title(element);
  facade.status.textContent = state.failed
    ? msg('The chat could not be loaded.')
    : state.busy
      ? msg('Loading…')
      : text.meta(element, state.learnedCount);
  if (facade.button && text.action) facade.button.textContent = state.failed ? msg('Try again') : text.action();
}

/** The launcher's chat bubble (24 × 24), also drawn by the server-rendered launcher (ssr.ts). */
export const LAUNCHER_ICON =
  'M5.5 3h13A2.5 2.5 0 0 1 21 5.5v9a2.5 2.5 0 0 1-2.5 2.5H9.5L4 21.5V17h-.5A.5.5 0 0 1 3 16.5v-11A2.5 2.5 0 0 1 5.5 3z';

/** The launcher's button: an icon, the conversation's name and an unread badge. */
export function buildLauncher(onOpen: () => void): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'launcher';
  button.setAttribute('part', 'launcher');
  button.setAttribute('aria-haspopup', 'dialog');
  const icon = svgIcon(LAUNCHER_ICON, 'launcher-icon');
  const name = document.createElement('span');
  name.className = 'name';
  const badge = document.createElement('span');
  badge.setAttribute('part', 'launcher-badge');
  const mentions = document.createElement('span');
  mentions.setAttribute('part', 'launcher-mentions');
  // The space keeps the name and the count apart in the button's text (its visible label, within its accessible name).
  button.append(icon, name, ' ', badge, mentions);
  button.addEventListener('click', onOpen);
  return button;
}

/** The room's name once the view knows it; until then the attribute, an alias or user id shown by its local part. */
export function launcherTitle(title: string, viewTitle: string | undefined): string {
  return viewTitle ?? /^[#@]([^:]+):./u.exec(title)?.[1] ?? title;
}

/** The launcher's name, badge and accessible name (and its open panel's) for `label` and the unread count. */
export function renderLauncher(
  launcher: HTMLButtonElement,
  label: string,
  counts: { readonly unread: number; readonly mentions: number },
  failed: boolean,
  dialog: HTMLDialogElement | undefined,
): void {
  const { unread, mentions } = counts;
  const name = launcher.querySelector('.name');
  const badge = launcher.querySelector('[part="launcher-badge"]');
  const mentionBadge = launcher.querySelector('[part="launcher-mentions"]');
  if (name) {
    name.textContent = label;
    name.setAttribute('title', label);
  }
  if (badge) badge.textContent = unread > 0 ? formatCount(unread) : '';
  const mentioned = mentions > 0 ? mentionText(mentions) : '';
  // An "@" beside the count when the member is mentioned, as chat apps mark it; how many is in the button's name
  // and the mark's tooltip (a second number beside the first would read as one count).
  if (mentionBadge) {
    mentionBadge.textContent = mentions > 0 ? '@' : '';
    if (mentions > 0) mentionBadge.setAttribute('title', mentioned);
    else mentionBadge.removeAttribute('title');
  }
  launcher.setAttribute('aria-label', launcherName(label, failed, unread, mentioned));
  if (dialog?.open) dialog.setAttribute('aria-label', label);
}
