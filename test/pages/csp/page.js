// The host page's own script: the elements it embeds, from the query string (`hs`, `room`, `post`,
// `moderators`, `dm`).
// The post chat is added once the member has signed in through the room's form (an open post would
// otherwise start a guest session of its own first).
const params = new URLSearchParams(location.search);
const main = document.querySelector('main');
const homeserver = params.get('hs') ?? '';

const room = document.createElement('omni-room');
room.setAttribute('homeserver', homeserver);
room.setAttribute('room', params.get('room') ?? '');
room.setAttribute('loading', 'eager');

let chatAdded = false;
room.addEventListener('omni-session-change', (event) => {
  if (event.state !== 'signed-in' || chatAdded) return;
  chatAdded = true;
  const chat = document.createElement('omni-chat');
  chat.setAttribute('homeserver', homeserver);
  chat.setAttribute('post', params.get('post') ?? '');
  chat.setAttribute('open', '');
  chat.setAttribute('moderators', params.get('moderators') ?? '');
  chat.setAttribute('loading', 'eager');
  main?.append(chat);
  const other = params.get('dm');
  if (other) {
    const dm = document.createElement('omni-dm');
    dm.setAttribute('homeserver', homeserver);
    dm.setAttribute('user', other);
    dm.setAttribute('loading', 'eager');
    main?.append(dm);
  }
});

main?.append(room);
