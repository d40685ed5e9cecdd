/**
 * The shells' base class: `HTMLElement` in a browser. A server rendering the page (Node, no DOM) gets a bare class
 * instead, so importing the package there defines the element classes without throwing; they are never
 * constructed or registered there (`claimPage()` claims nothing without `customElements`).
 */
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- empty on purpose: nothing runs without a DOM.
class ServerElement {}

export const ElementBase: typeof HTMLElement =
  typeof HTMLElement === 'undefined' ? (ServerElement as unknown as typeof HTMLElement) : HTMLElement;
