/**
 * A host page for session tests: one <omni-room> from the query string (`hs`, `room`), the public
 * API on `window.omni`, and every `omni-session-change` recorded on `window.sessionEvents`.
 */
import { signIn, signOut, type OmniRoom, type OmniSessionChangeEvent } from '@omnisocial/chat';

const params = new URLSearchParams(location.search);
const room: OmniRoom = document.createElement('omni-room');
room.homeserver = params.get('hs') ?? '';
room.room = params.get('room') ?? '';
const events: Array<{ state: string; userId: string | undefined }> = [];
room.addEventListener('omni-session-change', (event: OmniSessionChangeEvent) => events.push({ state: event.state, userId: event.userId }));
document.body.append(room);

Object.assign(window, { omni: { signIn, signOut }, sessionEvents: events });
