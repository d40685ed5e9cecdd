import { OmniVerification } from './omni-verification.ts';

OmniVerification.define('omni-verification');

declare global {
  interface HTMLElementTagNameMap {
    'omni-verification': OmniVerification;
  }
}
