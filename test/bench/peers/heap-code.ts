/**
 * How much of a page's JS heap is code, by the script it came from: for every function V8 knows (its
 * SharedFunctionInfo), the function's own record and the code objects it holds (bytecode, scope info, feedback
 * metadata, compiled code), added up by the function's script URL (chunk hashes dropped, so two builds compare).
 * Read from a heap snapshot (`HeapProfiler.takeHeapSnapshot`'s JSON). It shows where two clients' heaps differ in
 * code: the same matrix-js-sdk code, or the client's own.
 */

interface Snapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface ScriptCode {
  /** The script's path (`/chunks/views.js`), or `(no script)` for V8's own. */
  readonly script: string;
  readonly bytes: number;
  readonly functions: number;
}

/** Code bytes by script, largest first. */
export function codeByScript(json: string): ScriptCode[] {
  const snapshot = JSON.parse(json) as Snapshot;
  const { node_fields: nodeFields, node_types: nodeTypes, edge_fields: edgeFields, edge_types: edgeTypes } = snapshot.snapshot.meta;
  const { nodes, edges, strings } = snapshot;
  const nodeSize = nodeFields.length;
  const edgeSize = edgeFields.length;
  const typeField = nodeFields.indexOf('type');
  const nameField = nodeFields.indexOf('name');
  const sizeField = nodeFields.indexOf('self_size');
  const edgeCountField = nodeFields.indexOf('edge_count');
  const edgeTypeField = edgeFields.indexOf('type');
  const edgeNameField = edgeFields.indexOf('name_or_index');
  const edgeToField = edgeFields.indexOf('to_node');
  const count = nodes.length / nodeSize;
  const firstEdge = new Uint32Array(count + 1);
  for (let node = 0, edge = 0; node < count; node += 1) {
    firstEdge[node] = edge;
    edge += (nodes[node * nodeSize + edgeCountField] ?? 0) * edgeSize;
  }
  firstEdge[count] = edges.length;
  const name = (node: number): string => strings[nodes[node * nodeSize + nameField] ?? 0] ?? '';
  const type = (node: number): string => nodeTypes[0][nodes[node * nodeSize + typeField] ?? 0] ?? '';
  const size = (node: number): number => nodes[node * nodeSize + sizeField] ?? 0;
  const counted = new Set<number>();
  const byScript = new Map<string, { bytes: number; functions: number }>();
  for (let node = 0; node < count; node += 1) {
    if (!name(node).startsWith('system / SharedFunctionInfo')) continue;
    let script = '(no script)';
    let bytes = size(node);
    for (let edge = firstEdge[node] ?? 0; edge < (firstEdge[node + 1] ?? 0); edge += edgeSize) {
      const to = (edges[edge + edgeToField] ?? 0) / nodeSize;
      const kind = edgeTypes[0][edges[edge + edgeTypeField] ?? 0];
      const label = kind === 'element' || kind === 'hidden' ? '' : (strings[edges[edge + edgeNameField] ?? 0] ?? '');
      if (label === 'script') {
        script = name(to)
          .replace('system / Script / ', '')
          .replace(/^https?:\/\/[^/]+/, '')
          .replace(/[?#].*$/, '')
          .replace(/-[\w-]{8}\.js$/, '.js');
      } else if (label !== 'map' && type(to) === 'code' && !counted.has(to)) {
        counted.add(to);
        bytes += size(to);
      }
    }
    const entry = byScript.get(script) ?? { bytes: 0, functions: 0 };
    entry.bytes += bytes;
    entry.functions += 1;
    byScript.set(script, entry);
  }
  return [...byScript].map(([script, { bytes, functions }]) => ({ script, bytes, functions })).sort((a, b) => b.bytes - a.bytes);
}
