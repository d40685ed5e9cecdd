import '@omnisocial/chat/moderation';

const who = document.querySelector<HTMLElement>('#who');
const slot = document.querySelector<HTMLElement>('#queue-slot');
const signOutButton = document.querySelector<HTMLButtonElement>('#site-sign-out');
const signInButtons = [...document.querySelectorAll<HTMLButtonElement>('[data-site-sign-in]')];
if (!who || !slot || !signOutButton) throw new Error('The moderation page is incomplete.');

interface SiteSession {
  readonly user: string | null;
  readonly moderator: boolean;
  readonly error?: string;
}

/**
 * The page shows the queue to whoever the site's session names; the site's backend decides who may have a
 * moderator token (scripts/demo-moderation.ts), so a member who is not a moderator sees the queue refuse them.
 */
function show(session: SiteSession): void {
  if (!who || !slot || !signOutButton) return;
  const signedIn = session.user !== null;
  who.textContent = signedIn
    ? `Signed in to the site as ${session.user}${session.moderator ? ' (moderator)' : ''}`
    : 'Not signed in to the site';
  signOutButton.hidden = !signedIn;
  for (const button of signInButtons) button.hidden = signedIn;
  if (!signedIn) {
    slot.replaceChildren();
    return;
  }
  const queue = document.createElement('omni-moderation-queue');
  queue.tokenUrl = '/api/moderator-token';
  queue.theme = 'auto';
  slot.replaceChildren(queue);
}

async function session(method: 'GET' | 'POST' | 'DELETE', user?: string): Promise<void> {
  const answer = await fetch('/api/site-session', {
    method,
    headers: { 'content-type': 'application/json' },
    ...(user ? { body: JSON.stringify({ user }) } : {}),
  });
  const body = (await answer.json()) as SiteSession;
  if (!answer.ok && who) {
    who.textContent = body.error ?? 'The site could not sign you in.';
    return;
  }
  show(method === 'DELETE' ? { user: null, moderator: false } : body);
}

for (const button of signInButtons) button.addEventListener('click', () => void session('POST', button.dataset['siteSignIn']));
signOutButton.addEventListener('click', () => void session('DELETE'));
void session('GET');
