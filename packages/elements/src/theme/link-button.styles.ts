import { css } from 'lit';

/** The declarations of a button that reads as a link inside a sentence ("Sign in", "Continue as guest"). */
export const linkButton = css`
  font: inherit;
  border: none;
  background: none;
  padding: 0;
  color: var(--_color-accent);
  text-decoration: underline;
  cursor: pointer;
`;
