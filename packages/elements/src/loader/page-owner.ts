/**
 * Which copy of the package runs the page. A site may load two (its bundle and a CMS plugin's script tag, or two
 * versions through a dependency): each would define the elements and keep its own sessions, and two engines would
 * sync the same account and fight over its crypto store. The first copy loaded owns the page: it defines the
 * elements, and every later copy says so on the console and sends its sign-in calls to the owner's core, so there is
 * one session registry and one engine per page whichever copy the page calls.
 */
type CoreModule = typeof import('@omnisocial/core/internal/page-api');

interface PageOwner {
  /** Where that copy was loaded from, for the message. */
  readonly source: string;
  readonly core: () => Promise<CoreModule>;
}

const OWNER = Symbol.for('@omnisocial/chat page owner');
const own: PageOwner = { source: import.meta.url, core: () => import('@omnisocial/core/internal/page-api') };

const registry = (): Record<symbol, PageOwner | undefined> => globalThis;

/**
 * Claims the page for this copy; true when it owns it. Where there is no DOM (a server rendering the page) nothing is
 * claimed or defined, and importing the package only gives its classes and functions.
 */
export function claimPage(): boolean {
  if (typeof customElements === 'undefined') return false;
  const owner = registry()[OWNER];
  if (!owner) {
    registry()[OWNER] = own;
    return true;
  }
  if (owner === own) return true;
  console.error(
    `OmniSocial Chat is loaded twice on this page: ${own.source} passes its calls to ${owner.source}, loaded first. Load @omnisocial/chat once.`,
  );
  return false;
}

/** Core once `pageCore()` has resolved (the page has signed in, or a view has read ahead). */
let loadedCore: CoreModule | undefined;

/** Core as the page's owner loaded it (this copy's own when it owns the page, or where there is no page). */
export function pageCore(): Promise<CoreModule> {
  return (registry()[OWNER] ?? own).core().then((core) => (loadedCore = core));
}

/**
 * Core if `pageCore()` has resolved before, for a call that must reach it in the same task (a room's read ahead,
 * which a member's engine just signed in waits for only if it has started by the next frames).
 */
export function loadedPageCore(): CoreModule | undefined {
  return loadedCore;
}
