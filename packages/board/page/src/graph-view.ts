/** The Graph tab: a run's graph_def laid out top to bottom by dagre, scopes collapsed until clicked. */
import dagre from '@dagrejs/dagre';
import { type CollapsedGraph, collapseGraph, type GraphNodeJson } from './graph-model.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** Lays out and draws `graph` into `container`; `onToggle(scope)` is called when a scope box is clicked. */
export function drawGraph(container: HTMLElement, graph: CollapsedGraph, onToggle: (scope: string) => void): void {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 16, ranksep: 28, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { width: Math.max(60, n.label.length * 7 + 16), height: 26 });
  for (const [from, to] of graph.edges) g.setEdge(from, to);
  dagre.layout(g);
  const { width = 0, height = 0 } = g.graph();
  const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'graph' });
  for (const e of g.edges()) {
    const points = g.edge(e).points ?? [];
    const d = points.map((p: { x: number; y: number }, i: number) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
    root.append(svg('path', { d, fill: 'none', stroke: '#999', 'stroke-width': 1, 'marker-end': 'url(#arrow)' }));
  }
  const defs = svg('defs', {});
  const marker = svg('marker', {
    id: 'arrow',
    viewBox: '0 0 10 10',
    refX: 10,
    refY: 5,
    markerWidth: 6,
    markerHeight: 6,
    orient: 'auto',
  });
  marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#999' }));
  defs.append(marker);
  root.prepend(defs);
  for (const n of graph.nodes) {
    const box = g.node(n.id);
    const group = svg('g', { class: n.scope ? 'graph-scope' : 'graph-op', 'data-id': n.id });
    group.append(
      svg('rect', {
        x: box.x - box.width / 2,
        y: box.y - box.height / 2,
        width: box.width,
        height: box.height,
        rx: n.scope ? 8 : 3,
        fill: n.scope ? '#ffe0b2' : '#fff',
        stroke: n.scope ? '#f57c00' : '#888',
      }),
    );
    const text = svg('text', { x: box.x, y: box.y + 4, 'text-anchor': 'middle', 'font-size': 11 });
    text.textContent = n.label;
    group.append(text);
    if (n.scope) {
      group.style.cursor = 'pointer';
      group.addEventListener('click', () => onToggle(n.id));
    }
    root.append(group);
  }
  container.replaceChildren(root);
}

/** The state of the Graph tab: which run, which scopes are open. */
export class GraphTab {
  private run: string | null = null;
  private nodes: GraphNodeJson[] = [];
  private readonly expanded = new Set<string>();
  /** What is drawn now (for the debug hook). */
  shown: CollapsedGraph | null = null;

  constructor(private readonly container: HTMLElement) {}

  /** Loads the run list and the first (or current) run's graph, then draws it. */
  async refresh(): Promise<void> {
    const list = (await (await fetch('api/graph')).json()) as { runs: string[] };
    if (list.runs.length === 0) {
      this.container.textContent = 'No run has a graph (graph_def event) yet.';
      return;
    }
    if (this.run === null || !list.runs.includes(this.run)) this.run = list.runs[0]!;
    const q = new URLSearchParams({ run: this.run });
    this.nodes = ((await (await fetch(`api/graph?${q}`)).json()) as { nodes: GraphNodeJson[] }).nodes;
    this.draw(list.runs);
  }

  private draw(runs: string[]): void {
    const select = document.createElement('select');
    for (const r of runs) select.append(new Option(r, r, r === this.run, r === this.run));
    select.onchange = () => {
      this.run = select.value;
      this.expanded.clear();
      void this.refresh();
    };
    const area = document.createElement('div');
    this.shown = collapseGraph(this.nodes, this.expanded);
    drawGraph(area, this.shown, (scope) => {
      if (this.expanded.has(scope)) this.expanded.delete(scope);
      else this.expanded.add(scope);
      this.draw(runs);
    });
    const hint = document.createElement('div');
    hint.className = 'text-step';
    hint.textContent = `${this.nodes.length} nodes · click a scope to open it`;
    this.container.replaceChildren(select, hint, area);
  }
}
