// The host page's own script. What it embeds comes from the query string: `spec` is JSON
// `{ theme?, dir?, lang?, elements: [{ tag, title?, attributes }] }`. A post's element goes under the post's
// heading, as a blog or feed would place it. The page signs its member in and out through the public API,
// as a site with its own login does; the elements' own forms work too.
import { signIn, signOut } from '/omni-chat.js';

const params = new URLSearchParams(location.search);
const spec = JSON.parse(params.get('spec') ?? '{"elements":[]}');
const main = document.querySelector('main');
const signOutButton = document.querySelector('#sign-out');

if (spec.theme === 'dark') document.documentElement.classList.add('dark');
if (spec.dir) document.documentElement.dir = spec.dir;
if (spec.lang) document.documentElement.lang = spec.lang;

for (const entry of spec.elements) {
  const element = document.createElement(entry.tag);
  for (const [name, value] of Object.entries(entry.attributes ?? {})) element.setAttribute(name, value === true ? '' : value);
  if (entry.title) {
    const post = document.createElement('article');
    post.className = 'post';
    const heading = document.createElement('h2');
    heading.textContent = entry.title;
    post.append(heading, element);
    main.append(post);
  } else {
    main.append(element);
  }
  element.addEventListener('omni-session-change', (event) => {
    signOutButton.hidden = event.state !== 'signed-in';
  });
}

signOutButton.addEventListener('click', () => {
  void signOut().then(() => {
    signOutButton.hidden = true;
  });
});

window.journey = { signIn, signOut };
