/** What benchmark pages read from the DOM, open shadow roots included (the elements render into them). */

export function deepText(node: Node): string {
  let text = '';
  const walk = (current: Node): void => {
    if (current.nodeType === Node.TEXT_NODE) text += current.textContent ?? '';
    if (current instanceof Element && current.shadowRoot) walk(current.shadowRoot);
    for (const child of current.childNodes) walk(child);
  };
  walk(node);
  return text;
}

/** The first element matching `selector`, open shadow roots included. */
export function findDeep(node: Node, selector: string): Element | undefined {
  if (node instanceof Element && node.matches(selector)) return node;
  const children = node instanceof Element && node.shadowRoot ? [node.shadowRoot, ...node.childNodes] : [...node.childNodes];
  for (const child of children) {
    const found = findDeep(child, selector);
    if (found) return found;
  }
  return undefined;
}

export function countNodes(node: Node): number {
  let count = 1;
  if (node instanceof Element && node.shadowRoot) count += countNodes(node.shadowRoot);
  for (const child of node.childNodes) count += countNodes(child);
  return count;
}
