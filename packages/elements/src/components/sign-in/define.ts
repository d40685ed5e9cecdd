import { OmniSignIn } from './omni-sign-in.ts';

OmniSignIn.define('omni-sign-in');

declare global {
  interface HTMLElementTagNameMap {
    'omni-sign-in': OmniSignIn;
  }
}
