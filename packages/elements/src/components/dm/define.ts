import { OmniDmView } from './omni-dm.ts';

/** The DM view's internal tag; the page uses `<omni-dm>`, the loader's shell, which mounts it. */
OmniDmView.define('omni-dm-view');

declare global {
  interface HTMLElementTagNameMap {
    'omni-dm-view': OmniDmView;
  }
}
