import { OmniSecurity } from './omni-security.ts';

OmniSecurity.define('omni-security');

declare global {
  interface HTMLElementTagNameMap {
    'omni-security': OmniSecurity;
  }
}
