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

export function countNodes(node: Node): number {
  let count = 1;
  if (node instanceof Element && node.shadowRoot) count += countNodes(node.shadowRoot);
  for (const child of node.childNodes) count += countNodes(child);
  return count;
}
