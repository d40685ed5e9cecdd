/**
 * A 24 × 24 line icon hidden from assistive technology (the button around it carries the name), built with the DOM
 * alone: the launcher's chat bubble (loader) and the panel's Close cross (views chunk).
 */
export function svgIcon(pathData: string, part?: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const icon = document.createElementNS(ns, 'svg');
  icon.setAttribute('viewBox', '0 0 24 24');
  icon.setAttribute('aria-hidden', 'true');
  if (part) icon.setAttribute('part', part);
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', pathData);
  icon.append(path);
  return icon;
}
