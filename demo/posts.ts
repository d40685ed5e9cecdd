/**
 * The demo site's posts. Each gets an `<omni-chat>` under it; `pnpm demo` seeds the discussions of
 * those with a `discussion`, the others start empty and get their room from their first message.
 */
export interface DemoPost {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  /** World-readable discussion that visitors read without signing in; otherwise encrypted, members only. */
  readonly open: boolean;
  readonly discussion?: readonly (readonly [username: string, body: string])[];
}

export const DEMO_MODERATORS = ['alice'] as const;

const topics = [
  ['Rain garden on Elm Street', 'The neighbourhood rain garden is planted. Which plants should we add in spring?'],
  ['Library hours change', 'From next month the library opens at 8 on weekdays.'],
  ['Bike lane survey results', 'Two thirds of you want a protected lane on Main Street.'],
  ['Farmers market moves indoors', 'For the winter the market is in the old school gym.'],
  ['Lost cat: Miso', 'Orange tabby, very friendly, last seen near the bakery.'],
  ['Choir rehearsals resume', 'Tuesdays at 7 in the community hall. All voices welcome.'],
  ['Street party planning', 'We need volunteers for music, food and clean-up.'],
  ['Repair café this Saturday', 'Bring your broken toasters, bikes and jumpers.'],
  ['New bus timetable', 'The 12 now runs every ten minutes at rush hour.'],
  ['Snow clearing rota', 'Sign up for a week of shovelling the shared paths.'],
  ['Book club: December pick', 'We are reading a short novel this month; suggestions below.'],
  ['Playground reopening', 'The new slide passed inspection. Opening party on Sunday.'],
  ['Tool library inventory', 'We now lend ladders, drills and a tile cutter.'],
  ['Recycling changes', 'Glass goes in the green bin from January.'],
  ['Photo walk recap', 'Thanks to everyone who came; share your favourite shot.'],
  ['Community fridge', 'Rules of thumb for what to leave and what to take.'],
] as const;

export const DEMO_POSTS: readonly DemoPost[] = [
  {
    id: 'posts/photo-feed',
    title: 'New photo feed is live',
    text: 'Posts now load twice as fast on phones. Tell us what you think below.',
    open: true,
    discussion: [
      ['bob', 'So much faster on my old phone, thanks!'],
      ['carol', 'Could we get a dark mode for the feed too?'],
      ['alice', 'Dark mode is next on the list 🌙'],
    ],
  },
  {
    id: 'posts/meet-up thursday',
    title: 'Meet-up next Thursday',
    text: 'We are getting together at the usual place. Bring a friend!',
    open: true,
    discussion: [
      ['carol', 'Count me in. Anyone want to share a ride?'],
      ['bob', 'I can take two people from the station.'],
    ],
  },
  {
    id: 'posts/members-only budget',
    title: 'Members only: next year’s budget',
    text: 'The draft budget is ready for members to discuss. This discussion is end-to-end encrypted.',
    open: false,
  },
  ...topics.map(([title, text], index) => ({
    id: `posts/${String(index + 1)} ${title}`,
    title,
    text,
    open: true,
    ...(index % 4 === 0 ? { discussion: [['carol', `First thoughts on “${title}”: great news.`] as const] } : {}),
  })),
];
