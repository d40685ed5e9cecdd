/**
 * A person in front of the built module: their own browser context (so their own session), a viewport, and
 * what they can do and see. Everything is located by role and accessible name, typed with the keyboard and
 * clicked with the pointer; assertions read what is visible on screen, and their failures say what the
 * person would have seen wrong (with a screenshot of it).
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { messagesIn, send } from '../support/page.ts';
import type { Member, World } from './world.ts';

export const PHONE = { width: 390, height: 844 } as const;
export const SMALL_PHONE = { width: 320, height: 640 } as const;
export const DESKTOP = { width: 1280, height: 900 } as const;

/** Longest a person waits for something to appear before the journey calls it broken. */
export const PATIENCE = 30_000;

export interface ElementSpec {
  tag: 'omni-chat' | 'omni-room' | 'omni-dm';
  /** Put under a post heading with this title, as a blog or feed would. */
  title?: string;
  attributes: Record<string, string | true>;
}

export interface PageSpec {
  theme?: 'dark';
  dir?: 'rtl';
  /** The page's `lang` (the elements follow it). */
  lang?: string;
  elements: ElementSpec[];
}

export interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Uncaught errors in the page: a person sees a broken element where these happen. */
  errors: string[];
}

export async function openPerson(
  world: World,
  name: string,
  viewport: { width: number; height: number },
  options: { colorScheme?: 'light' | 'dark' } = {},
): Promise<Person> {
  const phone = viewport.width < 600;
  const context = await world.browser.newContext({
    viewport,
    isMobile: phone,
    hasTouch: phone,
    colorScheme: options.colorScheme ?? 'light',
    locale: 'en-GB',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { name, context, page, errors };
}

export async function visit(world: World, person: Person, spec: PageSpec): Promise<void> {
  await person.page.goto(world.url(`/index.html?spec=${encodeURIComponent(JSON.stringify(spec))}`));
}

/** The elements of a page spec for an open post. */
export function openPostElement(
  world: World,
  post: { id: string; title: string; url: string },
  extra: Record<string, string | true> = {},
): ElementSpec {
  return {
    tag: 'omni-chat',
    title: post.title,
    attributes: {
      homeserver: world.hs.baseUrl,
      post: post.id,
      'post-title': post.title,
      'post-url': post.url,
      open: true,
      moderators: world.alice.peer.userId,
      loading: 'eager',
      ...extra,
    },
  };
}

export function roomElement(world: World, room: string, extra: Record<string, string | true> = {}): ElementSpec {
  return { tag: 'omni-room', attributes: { homeserver: world.hs.baseUrl, room, loading: 'eager', ...extra } };
}

/** Polls `probe` until it returns true; otherwise fails with `describe()`, said as the person experienced it. */
export async function until(
  person: Person,
  probe: () => Promise<boolean>,
  describe: () => Promise<string> | string,
  timeout = PATIENCE,
): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const ok = await probe().catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw await failure(person, `${await describe()} (waited ${timeout / 1000} s)`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

let shots = 0;

/** An Error whose message says what the person saw, with a screenshot of their screen to look at. */
export async function failure(person: Person, message: string): Promise<Error> {
  const directory = path.join(tmpdir(), 'omni-journeys');
  await mkdir(directory, { recursive: true });
  const file = path.join(directory, `${Date.now()}-${++shots}-${person.name.replace(/\W+/gu, '-')}.png`);
  const saved = await person.page.screenshot({ path: file, fullPage: true }).then(
    () => `\n  ${person.name}'s screen: ${file}`,
    () => '',
  );
  const errors = person.errors.length ? `\n  uncaught errors in the page: ${person.errors.join(' | ')}` : '';
  return new Error(`${person.name}: ${message}${saved}${errors}`);
}

/**
 * The text a person can see in `target`, through shadow roots and slots: text of rendered, non-zero-size
 * elements only (visually hidden screen-reader text and closed popovers are left out), in document order.
 */
export function seenText(target: Locator): Promise<string> {
  return target.evaluate((start) => {
    const parts: string[] = [];
    const visible = (element: Element): boolean => {
      if (!element.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
      const box = element.getBoundingClientRect();
      return box.width > 1 && box.height > 1;
    };
    const walk = (node: Node): void => {
      if (node.nodeType === Node.TEXT_NODE) {
        const parent = node.parentElement;
        if (parent && visible(parent) && node.textContent) parts.push(node.textContent);
        return;
      }
      if (node instanceof HTMLSlotElement) {
        const assigned = node.assignedNodes({ flatten: true });
        for (const child of assigned.length ? assigned : [...node.childNodes]) walk(child);
        return;
      }
      if (node instanceof Element && node.shadowRoot) {
        walk(node.shadowRoot);
        return;
      }
      if (node instanceof HTMLTextAreaElement || node instanceof HTMLInputElement) return;
      for (const child of node.childNodes) walk(child);
    };
    walk(start);
    return parts.join(' ').replace(/\s+/gu, ' ').trim();
  });
}

/** The messages of an element's log, as articles; `text` narrows to those containing it. */
export const messages = messagesIn;

export async function waitForMessage(person: Person, element: Locator, text: string | RegExp, what: string): Promise<Locator> {
  const article = messages(element, text).last();
  await until(
    person,
    () => article.isVisible(),
    async () => `never saw ${what}; the element showed: "${(await seenText(element).catch(() => '')).slice(0, 600)}"`,
  );
  return article;
}

export async function signInWithForm(person: Person, element: Locator, member: Member): Promise<void> {
  const username = element.getByRole('textbox', { name: 'Username' });
  await until(
    person,
    () => username.isVisible(),
    async () => `was offered no sign-in form (Username, Password, Sign in); saw: "${(await seenText(element)).slice(0, 400)}"`,
  );
  await username.fill(member.peer.username);
  await element.getByRole('textbox', { name: 'Password' }).fill(member.peer.password);
  await element.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in the way a site with its own login does: its page calls the public `signIn()`. */
export async function signInThroughSite(world: World, person: Person, member: Member): Promise<void> {
  await person.page.waitForFunction(() => 'journey' in window);
  await person.page.evaluate(
    async ({ homeserver, username, password }) => {
      const api = (window as unknown as { journey: { signIn: (options: object) => Promise<unknown> } }).journey;
      await api.signIn({ homeserver, username, password });
    },
    { homeserver: world.hs.baseUrl, username: member.peer.username, password: member.peer.password },
  );
}

export async function composer(person: Person, element: Locator): Promise<Locator> {
  const box = element.getByRole('textbox', { name: 'Message' });
  await until(
    person,
    async () => (await box.isVisible()) && (await box.isEditable()),
    async () => `never got a composer to write in; saw: "${(await seenText(element)).slice(0, 500)}"`,
  );
  return box;
}

/** Types `lines` as a person does: Shift+Enter between lines, then presses Send. */
export async function write(person: Person, element: Locator, lines: string | readonly string[]): Promise<void> {
  const box = await composer(person, element);
  await box.click();
  const all = typeof lines === 'string' ? [lines] : lines;
  for (const [index, line] of all.entries()) {
    if (index > 0) await person.page.keyboard.press('Shift+Enter');
    await person.page.keyboard.type(line);
  }
  await element.getByRole('button', { name: 'Send' }).click();
}

/** Puts a long text in the composer at once (as a paste does) and presses Send, once the composer takes text. */
export async function paste(person: Person, element: Locator, text: string): Promise<void> {
  await composer(person, element);
  await send(element, text);
}

/**
 * What went wrong in one journey, as the people in it saw it. Checks that do not block the journey note their
 * finding and the journey goes on, so one run names every defect on the way; `journey()` fails at the end
 * with all of them (and with the blocking one, if the journey could not go on).
 */
export class Findings {
  readonly #problems: string[] = [];

  async note(person: Person, message: string): Promise<void> {
    this.#problems.push((await failure(person, message)).message);
  }

  /** Like `until()`, but a timeout is noted rather than thrown; resolves to whether it happened. */
  async expect(
    person: Person,
    probe: () => Promise<boolean>,
    describe: () => Promise<string> | string,
    timeout = PATIENCE,
  ): Promise<boolean> {
    try {
      await until(person, probe, describe, timeout);
      return true;
    } catch (error) {
      this.#problems.push(error instanceof Error ? error.message : String(error));
      return false;
    }
  }

  get problems(): readonly string[] {
    return this.#problems;
  }
}

/** Runs a journey; it fails listing everything the people in it saw wrong. */
export async function journey(body: (findings: Findings) => Promise<void>): Promise<void> {
  const findings = new Findings();
  let blocked: unknown;
  try {
    await body(findings);
  } catch (error) {
    blocked = error;
  }
  const problems = [...findings.problems];
  if (blocked !== undefined)
    problems.push(`(the journey could not go on) ${blocked instanceof Error ? blocked.message : JSON.stringify(blocked)}`);
  if (problems.length) throw new Error(`${problems.length} thing(s) a person saw wrong:\n- ${problems.join('\n- ')}`, { cause: blocked });
}

/**
 * The page fits its viewport: no sideways scrolling (documentElement.scrollWidth ≤ innerWidth), and every
 * visible Send button lies wholly inside the viewport's width.
 */
export async function assertFits(findings: Findings, person: Person, state: string): Promise<void> {
  const layout = await person.page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  if (layout.scrollWidth > layout.innerWidth) {
    await findings.note(person, `${state}: at ${layout.innerWidth} px the page scrolls sideways (it is ${layout.scrollWidth} px wide)`);
  }
  const sends = person.page.getByRole('button', { name: 'Send' });
  for (const send of await sends.all()) {
    if (!(await send.isVisible())) continue;
    const box = await send.boundingBox();
    if (box && (box.x < 0 || box.x + box.width > layout.innerWidth + 0.5)) {
      await findings.note(
        person,
        `${state}: at ${layout.innerWidth} px the Send button is cut off (${Math.round(box.x)}–${Math.round(box.x + box.width)} px)`,
      );
    }
  }
}

/** The same, at each of `widths` in turn (the viewport is put back afterwards). */
export async function assertFitsAt(findings: Findings, person: Person, state: string, widths: readonly number[]): Promise<void> {
  const original = person.page.viewportSize();
  try {
    for (const width of widths) {
      await person.page.setViewportSize({ width, height: original?.height ?? 800 });
      await person.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      await assertFits(findings, person, state);
    }
  } finally {
    if (original) await person.page.setViewportSize(original);
  }
}

/** Text no member or visitor should ever read: Matrix internals, raw errors, set-up plumbing. */
export const INTERNALS = /\/_matrix\/|\bM_[A-Z_]+\b|MatrixError|\bunknown\b|Failed to fetch|fetch failed|TypeError|\[object /u;

export async function close(person: Person): Promise<void> {
  await person.context.close();
}
