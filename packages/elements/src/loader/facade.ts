/**
 * What a shell shows before its view arrives, built with the DOM alone (no Lit in the loader): the facade
 * (inline presentation) or the launcher's button. Text only, never HTML: titles and counts come from the
 * page's attributes and the view.
 */
import { msg, str } from '@lit/localize';
import { svgIcon } from './icon.ts';

/** "1 mention", "3 mentions", for the launcher's accessible name. */
function mentionText(count: number): string {
  return new Intl.PluralRules(document.documentElement.lang || undefined).select(count) === 'one'
    ? msg(str`${count} mention`, { id: 'launcher.mentions.one' })
    : msg(str`${count} mentions`, { id: 'launcher.mentions.other' });
}

/** What a kind of shell shows before its view arrives. */
export interface FacadeText {
  /** The heading: the post title, the room, the other member. */
  title(element: HTMLElement): string;
  /** A line under it (message count when known, or why nothing loads); `learned` is the count a collapsed view reported. */
  meta(element: HTMLElement, learned: number | undefined): string;
  /** The button that loads the view; omitted when there is no view to load. */
  action?: string;
}

/** The count the view reported before it collapsed, else the page's `message-count`. */
export function messageCount(element: HTMLElement, learned: number | undefined): string {
  const count = learned ?? Number.parseInt(element.getAttribute('message-count') ?? '', 10);
  if (!Number.isFinite(count) || count < 0) return '';
  return count === 1 ? '1 message' : `${count.toLocaleString()} messages`;
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
    ? 'The chat could not be loaded.'
    : state.busy
      ? 'Loading…'
      : text.meta(element, state.learnedCount);
  if (facade.button && text.action) facade.button.textContent = state.failed ? 'Try again' : text.action;
}

/** The launcher's button: an icon, the conversation's name and an unread badge. */
export function buildLauncher(onOpen: () => void): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'launcher';
  button.setAttribute('part', 'launcher');
  button.setAttribute('aria-haspopup', 'dialog');
  const icon = svgIcon(
    'M5.5 3h13A2.5 2.5 0 0 1 21 5.5v9a2.5 2.5 0 0 1-2.5 2.5H9.5L4 21.5V17h-.5A.5.5 0 0 1 3 16.5v-11A2.5 2.5 0 0 1 5.5 3z',
    'launcher-icon',
  );
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
  if (badge) badge.textContent = unread > 0 ? String(unread) : '';
  const mentioned = mentions > 0 ? `, ${mentionText(mentions)}` : '';
  // An "@" beside the count when the member is mentioned, as chat apps mark it; how many is in the button's name
  // and the mark's tooltip (a second number beside the first would read as one count).
  if (mentionBadge) {
    mentionBadge.textContent = mentions > 0 ? '@' : '';
    if (mentions > 0) mentionBadge.setAttribute('title', mentionText(mentions));
    else mentionBadge.removeAttribute('title');
  }
  const state = failed ? ', could not be loaded' : unread > 0 ? `, ${unread} unread${mentioned}` : mentioned;
  launcher.setAttribute('aria-label', `Open chat: ${label}${state}`);
  if (dialog?.open) dialog.setAttribute('aria-label', label);
}
