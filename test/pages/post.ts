/**
 * A host page for post-chat journeys: one <omni-chat> from the query string (`hs`, `post`, `open`,
 * `title`, `theme`, `bot` for its `companion-bot`; `post2` adds a members-only post beside it, open with `open2`), the public API on `window.omni`. With
 * `user` and `password`, the page signs its member in as it loads, as a member's page does; `delay` (ms)
 * makes it announce the sign-in with `expectSignIn()` and sign in only after that long, as a page that
 * first fetches a login token from its backend. With `token`, the page signs in with that one-time login token,
 * as a site's page does with the token its backend got from the companion (docs/server.md).
 */
import { expectSignIn, signIn, signOut, type OmniChat } from '@omnisocial/chat';

const params = new URLSearchParams(location.search);
const homeserver = params.get('hs') ?? '';
const chat: OmniChat = document.createElement('omni-chat');
chat.setAttribute('homeserver', homeserver);
chat.setAttribute('post', params.get('post') ?? '');
chat.setAttribute('post-title', params.get('title') ?? 'A post');
if (params.has('open')) chat.setAttribute('open', '');
chat.setAttribute('theme', params.get('theme') ?? 'light');
const bot = params.get('bot');
if (bot) chat.setAttribute('companion-bot', bot);
document.body.append(chat);
// `post2`: a members-only post beside it (an encrypted room starts the member's crypto).
const second = params.get('post2');
if (second) {
  const other = document.createElement('omni-chat');
  other.setAttribute('homeserver', homeserver);
  other.setAttribute('post', second);
  other.setAttribute('post-title', params.has('open2') ? 'Another open post' : 'Members only');
  if (params.has('open2')) other.setAttribute('open', '');
  other.id = 'second';
  document.body.append(other);
}

const user = params.get('user');
const password = params.get('password') ?? '';
const delay = Number(params.get('delay') ?? '0');
if (user) {
  const member = (async () => {
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    return signIn({ homeserver, username: user, password });
  })();
  if (delay > 0) expectSignIn(member);
  Object.assign(window, { memberSignIn: member });
}
const loginToken = params.get('token');
if (loginToken) {
  const member = signIn({ homeserver, loginToken });
  expectSignIn(member);
  Object.assign(window, { memberSignIn: member });
}
Object.assign(window, { omni: { signIn, signOut } });
