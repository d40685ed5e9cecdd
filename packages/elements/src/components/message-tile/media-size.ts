/** File sizes as people read them, for attachments in the timeline (see i18n/format.ts). */
export { humanSize } from '../../i18n/format.ts';
