import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';

const homeserver = import.meta.env['VITE_OMNI_HOMESERVER'] as string | undefined;
const serverName = import.meta.env['VITE_OMNI_SERVER_NAME'] as string | undefined;
const DEMO_PASSWORD = 'omni-demo';

const room = document.querySelector<OmniRoom>('#room');
const who = document.querySelector<HTMLElement>('#who');
const signOutButton = document.querySelector<HTMLButtonElement>('#sign-out');

if (!room || !who || !signOutButton || !homeserver || !serverName) {
  throw new Error('The demo page is incomplete or was not started with `pnpm demo`.');
}

room.homeserver = homeserver;
room.room = `#lobby:${serverName}`;

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-room]')) {
  button.addEventListener('click', () => {
    room.room = `#${button.dataset['room'] ?? 'lobby'}:${serverName}`;
    for (const other of document.querySelectorAll('[data-room]')) other.setAttribute('aria-pressed', String(other === button));
  });
}

// The host page signs its member in through the public API; the element's own form works too.
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-sign-in]')) {
  button.addEventListener('click', () => void signInAs(button.dataset['signIn'] ?? ''));
}

async function signInAs(username: string): Promise<void> {
  if (!who || !signOutButton || !homeserver) return;
  try {
    const session = await signIn({ homeserver, username, password: DEMO_PASSWORD });
    who.textContent = `Signed in as ${session.userId}`;
    signOutButton.hidden = false;
  } catch (error) {
    who.textContent = error instanceof Error ? error.message : 'Sign-in failed';
  }
}

async function signOutEverywhere(): Promise<void> {
  if (!who || !signOutButton) return;
  await signOut();
  who.textContent = 'Not signed in';
  signOutButton.hidden = true;
}

signOutButton.addEventListener('click', () => void signOutEverywhere());
