/**
 * A host page for direct-conversation journeys: one <omni-dm> from the query string (`hs`, `user`) and
 * the public API on `window.omni`, as a site with a member's private conversation has them.
 */
import { signIn, signOut, type OmniDm } from '@omnisocial/chat';

const params = new URLSearchParams(location.search);
const dm: OmniDm = document.createElement('omni-dm');
dm.homeserver = params.get('hs') ?? '';
dm.user = params.get('user') ?? '';
document.body.append(dm);

Object.assign(window, { omni: { signIn, signOut } });
