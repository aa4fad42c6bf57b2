/**
 * The graph view's model: GraphDef nodes grouped by name scope. A scope not in `expanded` is shown as one box
 * (`dense` standing for `dense/kernel`, `dense/MatMul`, …); edges are the inputs between what is shown.
 */

/** A GraphDef node as `/api/graph` sends it. */
export interface GraphNodeJson {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly string[];
}

/** A box on the page: a node, or a collapsed scope with the number of nodes inside. */
export interface ShownNode {
  readonly id: string;
  readonly label: string;
  readonly scope: boolean;
  readonly count: number;
}

/** What to draw: boxes and `[from, to]` edges between them. */
export interface CollapsedGraph {
  readonly nodes: ShownNode[];
  readonly edges: [string, string][];
}

/** The box that shows node `name`: the node itself, or the outermost scope around it that is not expanded. */
export function shownAs(name: string, expanded: ReadonlySet<string>): string {
  const parts = name.split('/');
  let id = parts[0]!;
  for (let i = 1; i < parts.length && expanded.has(id); i += 1) id = `${id}/${parts[i]}`;
  return id;
}

/** Groups `nodes` by the scopes not in `expanded`. */
export function collapseGraph(nodes: readonly GraphNodeJson[], expanded: ReadonlySet<string>): CollapsedGraph {
  const shown = new Map<string, { op: string; count: number; scope: boolean }>();
  for (const n of nodes) {
    const id = shownAs(n.name, expanded);
    const entry = shown.get(id) ?? { op: n.op, count: 0, scope: id !== n.name };
    entry.count += 1;
    if (id !== n.name) entry.scope = true;
    shown.set(id, entry);
  }
  const edges = new Map<string, [string, string]>();
  for (const n of nodes) {
    const to = shownAs(n.name, expanded);
    for (const input of n.inputs) {
      const from = shownAs(input.replace(/^\^/, '').replace(/:\d+$/, ''), expanded);
      if (from !== to && shown.has(from)) edges.set(`${from}\u0000${to}`, [from, to]);
    }
  }
  return {
    nodes: [...shown].map(([id, e]) => ({
      id,
      label: e.scope ? `${id} (${e.count})` : `${id.split('/').at(-1)}: ${e.op}`,
      scope: e.scope,
      count: e.count,
    })),
    edges: [...edges.values()],
  };
}
