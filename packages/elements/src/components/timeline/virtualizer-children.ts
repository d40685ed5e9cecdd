/**
 * @lit-labs/virtualizer 2.1.1 (pinned in package.json) places its children with `_positionChildren`, which
 * reads its `_children` getter (a walk over every child of the log, building an array) once per child
 * placed: quadratic in the tiles rendered, on every layout, the local echo's included. This places them
 * the same way with one walk. A new version of the virtualizer must be checked against this.
 */

interface Placement {
  top: number;
  left: number;
  width?: number;
  height?: number;
  xOffset?: number;
  yOffset?: number;
}

interface VirtualizerInternals {
  readonly _children: HTMLElement[];
  readonly _first: number;
  _positionChildren(positions: Map<number, Placement> | undefined): void;
}

const patched = new WeakSet<object>();

function positionChildren(this: VirtualizerInternals, positions: Map<number, Placement> | undefined): void {
  if (!positions) return;
  const children = this._children;
  const first = this._first;
  positions.forEach(({ top, left, width, height, xOffset, yOffset }, index) => {
    const child = children[index - first];
    if (!child) return;
    const style = child.style;
    style.position = 'absolute';
    style.boxSizing = 'border-box';
    style.transform = `translate(${String(left)}px, ${String(top)}px)`;
    if (width !== undefined) style.width = `${String(width)}px`;
    if (height !== undefined) style.height = `${String(height)}px`;
    style.left = xOffset === undefined ? '' : `${String(xOffset)}px`;
    style.top = yOffset === undefined ? '' : `${String(yOffset)}px`;
  });
}

/** Gives the virtualizer's class (found through one of its instances) the single-walk placement. */
export function placeChildrenInOneWalk(virtualizer: object | undefined): void {
  const prototype: unknown = virtualizer ? Object.getPrototypeOf(virtualizer) : undefined;
  if (!prototype || typeof prototype !== 'object' || patched.has(prototype)) return;
  if (typeof (prototype as Partial<VirtualizerInternals>)._positionChildren !== 'function') return;
  patched.add(prototype);
  (prototype as VirtualizerInternals)._positionChildren = positionChildren;
}
