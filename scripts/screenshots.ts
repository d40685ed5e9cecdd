/**
 * `pnpm screenshots`: the screenshots of record. Drives the journeys' world (the built script-tag module on a
 * plain host page, a real Synapse, Debian Chromium) into each state of each element and writes one PNG per
 * state to docs/screenshots/, framed on the element (or on the whole viewport where the state is a page-wide
 * panel), with docs/screenshots/README.md listing them. `pnpm screenshots chat-` takes only the shots whose
 * file name starts with one of the arguments.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator } from 'playwright-core';
import { format, resolveConfig } from 'prettier';
import {
  close,
  DESKTOP,
  messages,
  openPerson,
  openPostElement,
  PHONE,
  roomElement,
  seenText,
  signInThroughSite,
  until,
  visit,
  type PageSpec,
  type Person,
} from '../test/journeys/person.ts';
import { createMembersRoom, openWorld, type Member, type World } from '../test/journeys/world.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const folder = path.join(root, 'docs/screenshots');

interface Shot {
  file: string;
  caption: string;
  viewport: { width: number; height: number };
  dark?: boolean;
  spec: (world: World) => PageSpec;
  /** Signed in through the site's own login before the state is reached. */
  member?: (world: World) => Member;
  /** Runs before the page loads (e.g. to slow the homeserver down). */
  prepare?: (world: World, person: Person) => Promise<void>;
  /** Brings the page into the state; resolves to what to frame (default: the first element of the spec). */
  reach: (world: World, person: Person, element: Locator) => Promise<Locator | 'viewport'>;
}

const visible = async (person: Person, target: Locator, what: string): Promise<void> => {
  await until(
    person,
    () => target.isVisible(),
    () => `never showed ${what}`,
  );
};

const showsError = async (person: Person, element: Locator): Promise<Locator> => {
  await until(
    person,
    async () => (await element.getByRole('alert').isVisible()) || (await element.getByRole('heading').first().isVisible()),
    () => 'never showed the error',
  );
  return element;
};

/** Its messages, once the element is done connecting (a picture of a passing state would mislead). */
const showsMessages = async (person: Person, element: Locator): Promise<Locator> => {
  await visible(person, messages(element).last(), 'its messages');
  await until(
    person,
    async () => !/connecting|loading/iu.test(await seenText(element)),
    () => 'never finished connecting',
  );
  return element;
};

/** A picture and a document for the attachment shots: a screenshot of record is a real PNG at hand. */
const attachFiles = async (): Promise<{ name: string; mimeType: string; buffer: Buffer }[]> => [
  { name: 'whiteboard.png', mimeType: 'image/png', buffer: await readFile(path.join(root, 'docs/screenshots/room-member-1280.png')) },
  { name: 'Quarterly report — final (2).pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(184_000, 1) },
];

/** Files picked in the composer: the tray shows them, with a caption typed. */
const showsTray = async (person: Person, element: Locator): Promise<Locator> => {
  await showsMessages(person, element);
  await element.locator('input.file-picker').setInputFiles(await attachFiles());
  await visible(person, element.getByRole('list', { name: 'Files to send' }), 'the tray');
  await element.getByRole('textbox', { name: 'Message' }).fill('From this morning’s review');
  return element;
};

/** Files sent while the homeserver takes its time: the local echoes with their progress bars. */
const showsUpload = async (person: Person, element: Locator): Promise<Locator> => {
  await showsTray(person, element);
  await element.getByRole('button', { name: 'Send' }).click();
  await visible(person, element.locator('progress.upload-progress').first(), 'an upload in progress');
  await person.page.waitForTimeout(500);
  return element;
};

/** Uploads hang (the request is held) so the shot catches them on their way. */
const slowUploads = async (_world: World, person: Person): Promise<void> => {
  await person.context.route('**/_matrix/media/v3/upload**', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 60_000));
    await route.continue().catch(() => undefined);
  });
};

const attachmentShots: Shot[] = [PHONE, DESKTOP].flatMap((viewport) =>
  [false, true].flatMap((dark) => {
    const theme = dark ? '-dark' : '';
    const spec = (): PageSpec => (dark ? { theme: 'dark', elements: [] } : { elements: [] });
    const member = (world: World): Member => world.alice;
    return [
      {
        file: `room-attach-tray${theme}-${viewport.width}.png`,
        caption: `Files picked in the composer: the tray with previews, sizes, Remove and a caption${dark ? ', dark' : ''}, ${viewport.width} px`,
        viewport,
        ...(dark ? { dark } : {}),
        member,
        spec,
        reach: (_world: World, person: Person, element: Locator) => showsTray(person, element),
      },
      {
        file: `room-attach-uploading${theme}-${viewport.width}.png`,
        caption: `Files on their way: local echoes with an upload progress bar and Cancel upload${dark ? ', dark' : ''}, ${viewport.width} px`,
        viewport,
        ...(dark ? { dark } : {}),
        member,
        spec,
        prepare: slowUploads,
        reach: (_world: World, person: Person, element: Locator) => showsUpload(person, element),
      },
    ];
  }),
);

/** Uploads fail (a refusal the outbox does not retry by itself), so the shot shows Retry. */
const refusedUploads = async (_world: World, person: Person): Promise<void> => {
  await person.context.route('**/_matrix/media/v3/upload**', (route) =>
    route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ errcode: 'M_UNKNOWN', error: 'Bad upload' }) }),
  );
};

/** Files sent, refused by the homeserver: the echoes with Retry. */
const showsFailedUpload = async (person: Person, element: Locator): Promise<Locator> => {
  await showsTray(person, element);
  await element.getByRole('button', { name: 'Send' }).click();
  await visible(person, element.getByRole('button', { name: 'Retry' }).first(), 'Retry on a failed upload');
  return element;
};

let fieldNotes: { roomId: string; alias: string } | undefined;

/** A room where Bob sent a document and a video (with its poster): what a member receives. */
async function fieldNotesRoom(world: World): Promise<string> {
  if (fieldNotes) return fieldNotes.alias;
  fieldNotes = await createMembersRoom(world, 'Field notes', [world.alice, world.bob]);
  const { roomId } = fieldNotes;
  const bob = world.bob.peer;
  const pdf = Buffer.alloc(2_400_000, 1);
  const pdfUrl = await bob.upload(pdf, 'application/pdf', 'Survey results 2026.pdf');
  await bob.sendEvent(roomId, 'm.room.message', {
    msgtype: 'm.file',
    body: 'Survey results 2026.pdf',
    filename: 'Survey results 2026.pdf',
    url: pdfUrl,
    info: { mimetype: 'application/pdf', size: pdf.length },
  });
  const poster = await readFile(path.join(root, 'docs/screenshots/room-member-1280.png'));
  const posterUrl = await bob.upload(poster, 'image/png', 'poster.png');
  // The video's bytes are never fetched before Play: any bytes stand for them in a picture.
  const videoUrl = await bob.upload(Buffer.alloc(3_100_000, 2), 'video/webm', 'walkthrough.webm');
  await bob.sendEvent(roomId, 'm.room.message', {
    msgtype: 'm.video',
    body: 'walkthrough.webm',
    filename: 'walkthrough.webm',
    url: videoUrl,
    info: {
      mimetype: 'video/webm',
      size: 3_100_000,
      w: 1280,
      h: 720,
      duration: 83_000,
      thumbnail_url: posterUrl,
      thumbnail_info: { w: 1280, h: 720, mimetype: 'image/png', size: poster.length },
    },
  });
  return fieldNotes.alias;
}

/** Bob's document and video, the video before it is played (its poster and Play button). */
const showsReceivedMedia = async (person: Person, element: Locator): Promise<Locator> => {
  await showsMessages(person, element);
  await visible(person, element.locator('button.video-poster img.poster'), 'the video’s poster');
  await visible(person, element.locator('a.file'), 'the received file');
  return element;
};

const receivedShots: Shot[] = [PHONE, DESKTOP].flatMap((viewport) =>
  [false, true].flatMap((dark): Shot[] => {
    const theme = dark ? '-dark' : '';
    const suffix = `${dark ? ', dark' : ''}, ${viewport.width} px`;
    return [
      {
        file: `room-attach-failed${theme}-${viewport.width}.png`,
        caption: `Uploads the homeserver refused: each echo keeps its file with Retry and Cancel${suffix}`,
        viewport,
        ...(dark ? { dark } : {}),
        member: (world) => world.alice,
        spec: () => (dark ? { theme: 'dark', elements: [] } : { elements: [] }),
        prepare: refusedUploads,
        reach: (_world, person, element) => showsFailedUpload(person, element),
      },
      {
        file: `room-attach-received${theme}-${viewport.width}.png`,
        caption: `A file and a video received: name, size and download; the video's poster, length and Play, nothing fetched before Play${suffix}`,
        viewport,
        ...(dark ? { dark } : {}),
        member: (world) => world.alice,
        spec: (world) => ({
          ...(dark ? { theme: 'dark' as const } : {}),
          elements: [roomElement(world, fieldNotes?.alias ?? '', dark ? { theme: 'dark' } : {})],
        }),
        prepare: async (world) => {
          await fieldNotesRoom(world);
        },
        reach: (_world, person, element) => showsReceivedMedia(person, element),
      },
    ];
  }),
);

let garden: { roomId: string; alias: string } | undefined;

/**
 * A room Alice created (its owner, so its admin) where Bob wrote and was then muted: what a moderator acts on
 * and what a muted member sees.
 */
async function gardenRoom(world: World): Promise<string> {
  if (garden) return garden.alias;
  garden = await createMembersRoom(world, 'Garden club', [world.alice, world.bob]);
  const { roomId } = garden;
  const { alice, bob } = world;
  await alice.peer.sendMessage(roomId, 'Welcome to the garden club! Please keep it about gardens.');
  await bob.peer.sendMessage(roomId, 'Cheap watches!!! Click here for the best deals');
  await bob.peer.sendMessage(roomId, 'Anyone want a free trial? DM me');
  const levels = await alice.peer.request<{ users?: Record<string, number> }>(
    'GET',
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.power_levels/`,
  );
  await alice.peer.sendState(roomId, 'm.room.power_levels', '', { ...levels, users: { ...levels.users, [bob.peer.userId]: -1 } });
  return garden.alias;
}

const SPAM = 'Cheap watches!!!';

/** The moderator's toolbar on Bob's message, with the More menu open. */
const showsModeratorMenu = async (person: Person, element: Locator): Promise<Locator> => {
  await showsMessages(person, element);
  const message = messages(element).filter({ hasText: SPAM });
  await message.focus();
  await element.getByRole('button', { name: 'More actions' }).click();
  await visible(person, element.getByRole('button', { name: 'Ban…' }), 'the More menu');
  return element;
};

/** Delete on Bob's message: the dialog, a reason typed. */
const showsDeleteDialog = async (person: Person, element: Locator): Promise<'viewport'> => {
  await showsMessages(person, element);
  await messages(element).filter({ hasText: SPAM }).focus();
  await element.getByRole('button', { name: 'Delete' }).click();
  const reason = element.getByRole('textbox', { name: 'Reason (optional)' });
  await visible(person, reason, 'the delete dialog');
  await reason.fill('Spam: advertising');
  return 'viewport';
};

/** The moderator's member list. */
const showsMembers = async (person: Person, element: Locator): Promise<'viewport'> => {
  await showsMessages(person, element);
  await element.getByRole('button', { name: 'Members' }).click();
  await visible(person, element.getByRole('dialog', { name: /Members/u }), 'the member list');
  return 'viewport';
};

/** What Bob, muted, has in place of the composer. */
const showsMuted = async (person: Person, element: Locator): Promise<Locator> => {
  await showsMessages(person, element);
  await visible(person, element.getByText('You are muted', { exact: false }), '"You are muted"');
  return element;
};

const moderationShots: Shot[] = [PHONE, DESKTOP].flatMap((viewport) =>
  [false, true].flatMap((dark): Shot[] => {
    const theme = dark ? '-dark' : '';
    const spec = (world: World): PageSpec => ({
      ...(dark ? { theme: 'dark' as const } : {}),
      elements: [roomElement(world, garden?.alias ?? '', dark ? { theme: 'dark' } : {})],
    });
    const suffix = `${dark ? ', dark' : ''}, ${viewport.width} px`;
    const common = {
      viewport,
      ...(dark ? { dark } : {}),
      spec,
      prepare: async (world: World) => {
        await gardenRoom(world);
      },
    };
    return [
      {
        ...common,
        file: `room-moderation-menu${theme}-${viewport.width}.png`,
        caption: `A moderator's More menu on someone else's message: Report, Remove recent messages, Unmute, Remove from room, Ban${suffix}`,
        member: (world) => world.alice,
        reach: (_world, person, element) => showsModeratorMenu(person, element),
      },
      {
        ...common,
        file: `room-moderation-delete${theme}-${viewport.width}.png`,
        caption: `A moderator deletes a message: the dialog with a reason${suffix}`,
        member: (world) => world.alice,
        reach: (_world, person, element) => showsDeleteDialog(person, element),
      },
      {
        ...common,
        file: `room-moderation-members${theme}-${viewport.width}.png`,
        caption: `A moderator's member list: roles and the actions allowed on each member${suffix}`,
        member: (world) => world.alice,
        reach: (_world, person, element) => showsMembers(person, element),
      },
      {
        ...common,
        file: `room-muted${theme}-${viewport.width}.png`,
        caption: `A muted member: "You are muted" in place of the composer${suffix}`,
        member: (world) => world.bob,
        reach: (_world, person, element) => showsMuted(person, element),
      },
    ];
  }),
);

let studio: { roomId: string; alias: string } | undefined;

/** A members' room with a conversation worth looking at: formatting, a reply, a reaction, an edit. */
async function studioRoom(world: World): Promise<string> {
  if (studio) return studio.alias;
  studio = await createMembersRoom(world, 'Studio', [world.alice, world.bob]);
  const { roomId } = studio;
  const { alice, bob } = world;
  await alice.peer.sendMessage(roomId, 'Morning! The rain garden plan is ready for review.');
  const plan = await alice.peer.sendMessage(roomId, 'Plan: **native plants** first, then\n- a gravel path\n- two benches', {
    formattedBody: 'Plan: <strong>native plants</strong> first, then<ul><li>a gravel path</li><li>two benches</li></ul>',
  });
  await bob.peer.sendEvent(roomId, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: plan, key: '👍' } });
  await bob.peer.sendEvent(roomId, 'm.room.message', {
    msgtype: 'm.text',
    body: '> <@alice> Plan: native plants first\n\nLove it. I can bring a wheelbarrow on Saturday.',
    'm.relates_to': { 'm.in_reply_to': { event_id: plan } },
  });
  const typo = await bob.peer.sendMessage(roomId, 'See you at 10 by the libary.');
  await bob.peer.sendEvent(roomId, 'm.room.message', {
    msgtype: 'm.text',
    body: '* See you at 10 by the library.',
    'm.new_content': { msgtype: 'm.text', body: 'See you at 10 by the library.' },
    'm.relates_to': { rel_type: 'm.replace', event_id: typo },
  });
  await alice.peer.sendMessage(roomId, 'Code for the gate: `4711`', { formattedBody: 'Code for the gate: <code>4711</code>' });
  return studio.alias;
}

const openPost = (world: World, extra: Record<string, string | true> = {}): PageSpec => ({
  elements: [openPostElement(world, world.post, extra)],
});

const shots: Shot[] = [
  {
    file: 'chat-loading-1280.png',
    caption: '`<omni-chat open>` while the discussion loads (the homeserver answers slowly), 1280 px',
    viewport: DESKTOP,
    spec: (world) => openPost(world),
    prepare: async (world, person) => {
      await person.context.route(`${world.hs.baseUrl}/**`, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 20_000));
        await route.continue().catch(() => undefined);
      });
    },
    reach: async (_world, person, element) => {
      await visible(person, element, 'the element');
      await person.page.waitForTimeout(1500);
      return element;
    },
  },
  {
    file: 'chat-visitor-1280.png',
    caption: '`<omni-chat open>` read by a visitor (no account), 1280 px',
    viewport: DESKTOP,
    spec: (world) => openPost(world),
    reach: (_world, person, element) => showsMessages(person, element),
  },
  {
    file: 'chat-visitor-390.png',
    caption: 'The same on a 390 px phone',
    viewport: PHONE,
    spec: (world) => openPost(world),
    reach: (_world, person, element) => showsMessages(person, element),
  },
  {
    file: 'chat-visitor-dark-1280.png',
    caption: 'The same with `theme="dark"` on a dark page, 1280 px',
    viewport: DESKTOP,
    dark: true,
    spec: (world) => ({ theme: 'dark', elements: openPost(world, { theme: 'dark' }).elements }),
    reach: (_world, person, element) => showsMessages(person, element),
  },
  {
    file: 'chat-visitor-dark-390.png',
    caption: 'The same with `theme="dark"` on a dark page, 390 px',
    viewport: PHONE,
    dark: true,
    spec: (world) => ({ theme: 'dark', elements: openPost(world, { theme: 'dark' }).elements }),
    reach: (_world, person, element) => showsMessages(person, element),
  },
  {
    file: 'chat-visitor-rtl-390.png',
    caption: 'The same on a right-to-left page (`dir="rtl"`), 390 px',
    viewport: PHONE,
    spec: (world) => ({ dir: 'rtl', elements: openPost(world).elements }),
    reach: (_world, person, element) => showsMessages(person, element),
  },
  {
    file: 'chat-empty-member-1280.png',
    caption: '`<omni-chat open>` for a post nobody has written about yet, seen by a signed-in member, 1280 px',
    viewport: DESKTOP,
    member: (world) => world.alice,
    spec: (world) => ({ elements: [openPostElement(world, world.emptyPost)] }),
    reach: async (_world, person, element) => {
      await visible(person, element.getByRole('textbox', { name: 'Message' }), 'its composer');
      return element;
    },
  },
  {
    file: 'chat-members-only-visitor-390.png',
    caption: 'A members-only (encrypted) post seen by a visitor: the sign-in prompt, 390 px',
    viewport: PHONE,
    spec: (world) => {
      const element = openPostElement(world, world.emptyPost);
      return { elements: [{ ...element, attributes: withoutOpen(element.attributes) }] };
    },
    reach: async (_world, person, element) => {
      await visible(person, element.getByRole('button', { name: /sign in/iu }).first(), 'a way to sign in');
      return element;
    },
  },
  ...(['light', 'dark'] as const).flatMap((theme) =>
    [DESKTOP, PHONE].map((viewport): Shot => ({
      file: `chat-unavailable${theme === 'dark' ? '-dark' : ''}-${String(viewport.width)}.png`,
      caption: `A post whose site's chat service (the companion) is down: the discussion is unavailable and retries by itself${theme === 'dark' ? ', `theme="dark"` on a dark page' : ''}, ${String(viewport.width)} px`,
      viewport,
      dark: theme === 'dark',
      // The page names the companion's bot; the post has no room yet and nobody answers for it (no companion
      // runs beside the journeys' Synapse), exactly as when the companion is down.
      spec: (world) => ({
        ...(theme === 'dark' ? { theme: 'dark' } : {}),
        elements: [
          openPostElement(world, unavailablePost(world), {
            'companion-bot': `@omni:${world.hs.serverName}`,
            ...(theme === 'dark' ? { theme: 'dark' } : {}),
          }),
        ],
      }),
      reach: async (_world, person, element) => {
        await visible(person, element.getByText('This discussion is not available right now'), 'the discussion unavailable');
        return element;
      },
    })),
  ),
  {
    file: 'room-sign-in-1280.png',
    caption: '`<omni-room>` for a signed-out visitor: the sign-in form, 1280 px',
    viewport: DESKTOP,
    spec: (world) => ({ elements: [roomElement(world, world.lobby.alias)] }),
    reach: async (_world, person, element) => {
      await visible(person, element.getByRole('textbox', { name: 'Username' }), 'the sign-in form');
      return element;
    },
  },
  {
    file: 'room-sign-in-390.png',
    caption: 'The same on a 390 px phone',
    viewport: PHONE,
    spec: (world) => ({ elements: [roomElement(world, world.lobby.alias)] }),
    reach: async (_world, person, element) => {
      await visible(person, element.getByRole('textbox', { name: 'Username' }), 'the sign-in form');
      return element;
    },
  },
  {
    file: 'room-guest-lobby-1280.png',
    caption: 'A room closed to guests, for a visitor an open post on the same page made a guest, 1280 px',
    viewport: DESKTOP,
    spec: (world) => ({ elements: [openPostElement(world, world.post), roomElement(world, world.lobby.alias)] }),
    reach: async (world, person) => {
      await showsMessages(person, person.page.locator('omni-chat'));
      const lobby = person.page.locator('omni-room');
      await until(
        person,
        async () => (await lobby.getByRole('textbox', { name: 'Username' }).isVisible()) || (await lobby.getByRole('alert').isVisible()),
        () => `the lobby ${world.lobby.alias} never settled`,
      );
      return lobby;
    },
  },
  {
    file: 'room-member-1280.png',
    caption: '`<omni-room>` for a signed-in member: formatting, a reply, a reaction, an edit, 1280 px',
    viewport: DESKTOP,
    member: (world) => world.alice,
    spec: () => ({ elements: [] }),
    reach: (_world, person, element) => showsMessages(person, element),
  },
  {
    file: 'room-member-390.png',
    caption: 'The same on a 390 px phone',
    viewport: PHONE,
    member: (world) => world.alice,
    spec: () => ({ elements: [] }),
    reach: (_world, person, element) => showsMessages(person, element),
  },
  {
    file: 'room-member-dark-390.png',
    caption: 'The same with `theme="dark"` on a dark page, 390 px',
    viewport: PHONE,
    dark: true,
    member: (world) => world.alice,
    spec: () => ({ theme: 'dark', elements: [] }),
    reach: (_world, person, element) => showsMessages(person, element),
  },
  {
    file: 'room-member-rtl-1280.png',
    caption: 'The same on a right-to-left page (`dir="rtl"`), 1280 px',
    viewport: DESKTOP,
    member: (world) => world.alice,
    spec: () => ({ dir: 'rtl', elements: [] }),
    reach: (_world, person, element) => showsMessages(person, element),
  },
  {
    file: 'room-member-ar-390.png',
    caption: 'The same in Arabic (`lang="ar"` on the page): right to left, 390 px',
    viewport: PHONE,
    member: (world) => world.alice,
    spec: () => ({ lang: 'ar', elements: [] }),
    reach: (_world, person, element) => showsMessages(person, element),
  },
  {
    file: 'room-member-ar-dark-390.png',
    caption: 'The same in Arabic (`lang="ar"` on the page): right to left, dark, 390 px',
    viewport: PHONE,
    dark: true,
    member: (world) => world.alice,
    spec: () => ({ lang: 'ar', theme: 'dark', elements: [] }),
    reach: (_world, person, element) => showsMessages(person, element),
  },
  {
    file: 'room-member-ar-1280.png',
    caption: 'The same in Arabic (`lang="ar"` on the page): right to left, 1280 px',
    viewport: DESKTOP,
    member: (world) => world.alice,
    spec: () => ({ lang: 'ar', elements: [] }),
    reach: (_world, person, element) => showsMessages(person, element),
  },
  {
    file: 'room-member-ar-dark-1280.png',
    caption: 'The same in Arabic (`lang="ar"` on the page): right to left, dark, 1280 px',
    viewport: DESKTOP,
    dark: true,
    member: (world) => world.alice,
    spec: () => ({ lang: 'ar', theme: 'dark', elements: [] }),
    reach: (_world, person, element) => showsMessages(person, element),
  },
  {
    file: 'room-error-unknown-390.png',
    caption: 'Error: a room that does not exist, 390 px',
    viewport: PHONE,
    member: (world) => world.alice,
    spec: (world) => ({ elements: [roomElement(world, `#no-such-room-${world.tag}:${world.hs.serverName}`)] }),
    reach: (_world, person, element) => showsError(person, element),
  },
  {
    file: 'room-error-unknown-id-1280.png',
    caption: 'Error: a room id that does not exist, 1280 px',
    viewport: DESKTOP,
    member: (world) => world.alice,
    spec: (world) => ({ elements: [roomElement(world, `!no-such-room-${world.tag}:${world.hs.serverName}`)] }),
    reach: (_world, person, element) => showsError(person, element),
  },
  {
    file: 'room-error-homeserver-down-1280.png',
    caption: 'Error: the homeserver cannot be reached, 1280 px',
    viewport: DESKTOP,
    spec: (world) => ({ elements: [roomElement(world, world.lobby.alias, { homeserver: world.deadHomeserver })] }),
    reach: (_world, person, element) => showsError(person, element),
  },
  {
    file: 'room-launcher-closed-390.png',
    caption: '`<omni-room presentation="launcher">` closed, after three new messages, 390 px',
    viewport: PHONE,
    member: (world) => world.alice,
    spec: () => ({ elements: [] }),
    reach: async (world, person, element) => {
      const launcher = element.getByRole('button').first();
      await visible(person, launcher, 'the launcher');
      return element;
    },
  },
  {
    file: 'room-launcher-open-390.png',
    caption: 'The launcher pressed: the room in its panel (the whole 390 px viewport)',
    viewport: PHONE,
    member: (world) => world.alice,
    spec: () => ({ elements: [] }),
    reach: async (_world, person, element) => {
      const launcher = element.getByRole('button').first();
      await visible(person, launcher, 'the launcher');
      await launcher.click();
      await showsMessages(person, person.page.getByRole('dialog'));
      return 'viewport';
    },
  },
  {
    file: 'dm-sign-in-1280.png',
    caption: '`<omni-dm>` for a signed-out visitor, 1280 px',
    viewport: DESKTOP,
    spec: (world) => ({
      elements: [{ tag: 'omni-dm', attributes: { homeserver: world.hs.baseUrl, user: world.bob.peer.userId, loading: 'eager' } }],
    }),
    reach: async (_world, person, element) => {
      await visible(person, element.getByRole('textbox', { name: 'Username' }), 'the sign-in form');
      return element;
    },
  },
];

/** A post nobody has opened yet, whose room the (absent) companion would create. */
function unavailablePost(world: World): { id: string; title: string; url: string } {
  const id = `posts/companion-down-${world.tag}`;
  return { id, title: 'Allotment waiting list', url: `${world.emptyPost.url.split('#')[0] ?? ''}#${encodeURIComponent(id)}` };
}

function withoutOpen(attributes: Record<string, string | true>): Record<string, string | true> {
  const rest = { ...attributes };
  delete rest['open'];
  return rest;
}

/** The member shots of the studio room: the room is made once, then each spec points at it. */
async function specFor(world: World, shot: Shot): Promise<PageSpec> {
  const spec = shot.spec(world);
  if (spec.elements.length) return spec;
  const alias = await studioRoom(world);
  const launcher = shot.file.startsWith('room-launcher');
  return {
    ...spec,
    elements: [roomElement(world, alias, { ...(launcher ? { presentation: 'launcher' } : {}), ...(spec.theme ? { theme: 'dark' } : {}) })],
  };
}

async function take(world: World, shot: Shot): Promise<string | undefined> {
  const person = await openPerson(world, shot.file, shot.viewport, { colorScheme: shot.dark ? 'dark' : 'light' });
  try {
    await shot.prepare?.(world, person);
    const spec = await specFor(world, shot);
    await visit(world, person, spec);
    const member = shot.member?.(world);
    if (member) await signInThroughSite(world, person, member);
    if (shot.file.startsWith('room-launcher-closed') && studio) {
      for (const n of [1, 2, 3]) await world.bob.peer.sendMessage(studio.roomId, `Seedlings arrived, crate ${n} of 3`);
    }
    const tag = spec.elements[0]?.tag ?? 'omni-room';
    const target = await shot.reach(world, person, person.page.locator(tag).first());
    // Let fonts, avatars and the last layout settle so the picture is what a person sees after a moment.
    await person.page.evaluate(() => document.fonts.ready.then(() => undefined));
    await person.page.waitForTimeout(400);
    const file = path.join(folder, shot.file);
    if (target === 'viewport') await person.page.screenshot({ path: file, animations: 'disabled' });
    else await target.screenshot({ path: file, animations: 'disabled' });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await close(person);
  }
}

function index(taken: readonly Shot[], failed: ReadonlyMap<string, string>, commit: string): string {
  const rows = taken.map((shot) =>
    failed.has(shot.file)
      ? `| ${shot.caption} | _not taken: ${(failed.get(shot.file) ?? '').split('\n')[0]?.replace(/\|/gu, '\\|') ?? ''}_ |`
      : `| ${shot.caption} | ![${shot.caption.replace(/[[\]`<>]/gu, '')}](${shot.file}) |`,
  );
  return `# Screenshots of record

What members and visitors see, element by element and state by state: the built script-tag module
(\`packages/elements/dist/omni-chat.js\`) on a plain host page (\`test/journeys/pages/\`), against a real Synapse, in
headless Debian Chromium, at 1280 px (desktop) and 390 px (phone). Each picture frames the element (the launcher's
open panel: the whole viewport). \`pnpm screenshots\` regenerates them (see [Development](../development.md#journeys-and-screenshots));
commit them when they change, so a reviewer sees the product without running it. These were taken from commit
${commit} on ${new Date().toISOString().slice(0, 10)}.

| State | Screenshot |
| ----- | ---------- |
${rows.join('\n')}
`;
}

shots.push(...attachmentShots, ...receivedShots, ...moderationShots);
const only = process.argv.slice(2);
const chosen = shots.filter((shot) => only.length === 0 || only.some((prefix) => shot.file.startsWith(prefix)));
await mkdir(folder, { recursive: true });
if (only.length === 0) {
  for (const file of await readdir(folder)) if (file.endsWith('.png')) await rm(path.join(folder, file));
}
console.log('screenshots: starting Synapse and building…');
const world = await openWorld();
const failed = new Map<string, string>();
try {
  for (const shot of chosen) {
    const started = Date.now();
    const problem = await take(world, shot);
    if (problem) failed.set(shot.file, problem);
    console.log(`${problem ? '✖' : '✔'} ${shot.file} (${((Date.now() - started) / 1000).toFixed(1)} s)${problem ? `\n  ${problem}` : ''}`);
  }
} finally {
  await world.close();
}
if (only.length === 0) {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const readme = path.join(folder, 'README.md');
  // Formatted as `pnpm test`'s format step expects every Markdown file to be.
  const options = { ...(await resolveConfig(readme)), filepath: readme };
  await writeFile(readme, await format(index(shots, failed, commit), options));
}
console.log(`${chosen.length - failed.size} written to docs/screenshots/, ${failed.size} not taken`);
process.exitCode = failed.size ? 1 : 0;
