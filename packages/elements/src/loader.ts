/**
 * The loader: the module a site includes (as `@omnisocial/chat` through a bundler, or as
 * `omni-chat.js` with a plain `<script type="module">`). It defines `<omni-room>`, `<omni-chat>` and
 * `<omni-dm>` as light shells (and `<omni-count>`, a post's message count) that reserve their size and show a facade; the full views, Lit and the
 * engine load only when an element nears the viewport or is touched.
 */
import { define, OmniChat, OmniDm, OmniRoom } from './loader/elements.ts';
import { OmniCount } from './loader/count-element.ts';
import { claimPage } from './loader/page-owner.ts';

// Only the page's first copy of the package defines the elements (and nothing is defined without a DOM).
if (claimPage()) {
  define('omni-room', OmniRoom);
  define('omni-chat', OmniChat);
  define('omni-dm', OmniDm);
  define('omni-count', OmniCount);
}

export { OmniChat, OmniCount, OmniDm, OmniRoom };
export {
  completeSsoSignIn,
  expectSignIn,
  getLoginFlows,
  OmniError,
  signIn,
  signOut,
  ssoRedirectUrl,
  startSsoSignIn,
} from './loader/api.ts';
export {
  OmniDmCreatedEvent,
  OmniErrorEvent,
  OmniMessagesChangeEvent,
  OmniReportEvent,
  OmniRoomCreatedEvent,
  OmniSessionChangeEvent,
  OmniUnreadChangeEvent,
  type SessionChangeState,
} from './events.ts';
