import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';
import { DEMO_MODERATORS, DEMO_POSTS } from './posts.ts';

const homeserver = import.meta.env['VITE_OMNI_HOMESERVER'] as string | undefined;
const serverName = import.meta.env['VITE_OMNI_SERVER_NAME'] as string | undefined;
const DEMO_PASSWORD = 'omni-demo';

const room = document.querySelector<OmniRoom>('#room');
const feed = document.querySelector<HTMLElement>('#feed');
const who = document.querySelector<HTMLElement>('#who');
const signOutButton = document.querySelector<HTMLButtonElement>('#sign-out');

if (!room || !feed || !who || !signOutButton || !homeserver || !serverName) {
  throw new Error('The demo page is incomplete or was not started with `pnpm demo`.');
}

room.homeserver = homeserver;
// The page follows the reader's light or dark preference, and so do the chats.
room.theme = 'auto';

// The feed: every post with its discussion. Only the chats near the viewport load anything.
const moderators = DEMO_MODERATORS.map((username) => `@${username}:${serverName}`).join(' ');
for (const post of DEMO_POSTS) {
  const article = document.createElement('article');
  article.className = 'post';
  article.id = encodeURIComponent(post.id);
  const title = document.createElement('h2');
  title.textContent = post.title;
  const text = document.createElement('p');
  text.textContent = post.text;
  const chat = document.createElement('omni-chat');
  chat.setAttribute('homeserver', homeserver);
  chat.setAttribute('post', post.id);
  chat.setAttribute('post-title', post.title);
  chat.setAttribute('post-url', new URL(`#${article.id}`, location.href).href);
  chat.setAttribute('moderators', moderators);
  chat.setAttribute('theme', 'auto');
  if (post.open) chat.setAttribute('open', '');
  article.append(title, text, chat);
  feed.append(article);
}
room.room = `#lobby:${serverName}`;

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-room]')) {
  button.addEventListener('click', () => {
    room.room = `#${button.dataset['room'] ?? 'lobby'}:${serverName}`;
    for (const other of document.querySelectorAll('[data-room]')) other.setAttribute('aria-pressed', String(other === button));
  });
}

// The host page signs its member in through the public API; the element's own form works too.
const signInButtons = [...document.querySelectorAll<HTMLButtonElement>('[data-sign-in]')];
for (const button of signInButtons) {
  button.addEventListener('click', () => void signInAs(button.dataset['signIn'] ?? ''));
}

/** The header says who is signed in, whichever way it happened: these buttons, an element's form, a restored session. */
function showSession(userId: string | undefined): void {
  if (!who || !signOutButton) return;
  // Synapse names guest accounts by number: a visitor reading open posts is not signed in.
  const member = userId !== undefined && !/^@\d+:/u.test(userId);
  who.textContent = member ? `Signed in as ${userId}` : userId ? 'Reading as a guest' : 'Not signed in';
  signOutButton.hidden = !member;
  for (const button of signInButtons) button.hidden = member;
}

document.addEventListener('omni-session-change', (event) => {
  showSession(event.state === 'signed-in' ? event.userId : undefined);
});

interface SiteSignIn {
  readonly loginToken?: string;
  readonly error?: string;
}

/**
 * As a site signs its member in: its backend asks the companion for a one-time login token (scripts/demo-backend.ts)
 * and the page hands it to `signIn`. The homeserver gives one token per member a minute; within that minute the demo
 * signs the member in with the demo password instead, and says so.
 */
async function signInAs(username: string): Promise<void> {
  if (!who || !homeserver) return;
  who.textContent = `Signing in as ${username}…`;
  try {
    const answer = await fetch('/api/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: username }),
    });
    const body = (await answer.json()) as SiteSignIn;
    let session;
    if (answer.ok && body.loginToken) {
      session = await signIn({ homeserver, loginToken: body.loginToken });
      who.title = 'Signed in by the site, through its companion';
    } else if (answer.status === 429) {
      session = await signIn({ homeserver, username, password: DEMO_PASSWORD });
      who.title = `${body.error ?? 'The site cannot sign this member in again yet.'} Signed in with the demo password instead.`;
    } else {
      throw new Error(body.error ?? 'The site could not sign you in.');
    }
    showSession(session.userId);
  } catch (error) {
    who.textContent = error instanceof Error ? error.message : 'Sign-in failed';
  }
}

async function signOutEverywhere(): Promise<void> {
  await signOut();
  showSession(undefined);
}

signOutButton.addEventListener('click', () => void signOutEverywhere());
