/** Which of the shell's attributes reach the view it mounts, and how. */
import type { MountedView } from './contract.ts';

/** Attributes that belong to the element the page holds, not to the view inside it. */
const hostOnly = new Set([
  'id',
  'class',
  'style',
  'slot',
  'part',
  'exportparts',
  'tabindex',
  'hidden',
  'inert',
  'role',
  'loading',
  'collapse',
  'presentation',
]);

export const forwards = (name: string): boolean => !hostOnly.has(name) && !name.startsWith('aria-') && !name.startsWith('data-');

/** Gives the view every attribute of the shell that is its. */
export function copyAttributes(shell: HTMLElement, view: MountedView): void {
  for (const { name, value } of shell.attributes) if (forwards(name)) view.setAttribute(name, value);
}

/** Attributes the shell does not observe (a view's newer options) still reach the view; disconnect the observer returned when the view goes. */
export function forwardOtherAttributes(shell: HTMLElement, view: MountedView): MutationObserver {
  const observed = new Set((shell.constructor as { observedAttributes?: readonly string[] }).observedAttributes ?? []);
  const observer = new MutationObserver((records) => {
    for (const { attributeName } of records) {
      if (!attributeName || observed.has(attributeName) || !forwards(attributeName)) continue;
      const value = shell.getAttribute(attributeName);
      if (value === null) view.removeAttribute(attributeName);
      else view.setAttribute(attributeName, value);
    }
  });
  observer.observe(shell, { attributes: true });
  return observer;
}
