import { css } from 'lit';
import { linkPreviewStyles } from './link-preview.styles.ts';
import { messageActionsStyles } from './message-actions.styles.ts';
import { messageBubbleStyles } from './message-bubble.styles.ts';
import { messageLayoutStyles } from './message-layout.styles.ts';
import { messageMediaStyles } from './message-media.styles.ts';
import { messageMetaStyles } from './message-meta.styles.ts';
import { threadSummaryStyles } from '../thread/thread-summary.styles.ts';

/**
 * Styles of message tiles; included by whichever element renders a timeline. One style sheet made of the
 * parts' rules in this order (the cascade between them is the order they are listed in).
 */
export const messageTileStyles = css`
  ${messageLayoutStyles}
  ${messageBubbleStyles}
  ${messageMetaStyles}
  ${messageActionsStyles}
  ${messageMediaStyles}
  ${linkPreviewStyles}
  ${threadSummaryStyles}
`;
