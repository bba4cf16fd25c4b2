/*
 * Layered left-to-right layout: a node's layer is the longest path to it from a node without inputs.
 * Within a layer, nodes are ordered by the average row of their predecessors (fewer crossings), then by
 * their current height on the canvas (so the user's ordering survives where it doesn't matter).
 */
import type { XY } from './types';

export const LAYER_GAP_X = 280;
export const ROW_GAP_Y = 140;

export function layeredLayout(
  nodes: { id: string; position: XY }[],
  edges: { source: string; target: string }[],
): Map<string, XY> {
  const ids = new Set(nodes.map((n) => n.id));
  const preds = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  const succs = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    if (ids.has(e.source) && ids.has(e.target) && e.source !== e.target) {
      preds.get(e.target)!.push(e.source);
      succs.get(e.source)!.push(e.target);
    }
  }

  // Longest path by Kahn's topological order; nodes on a cycle are placed after what precedes them.
  const layer = new Map<string, number>();
  const waiting = new Map(nodes.map((n) => [n.id, preds.get(n.id)!.length]));
  const queue = nodes.filter((n) => waiting.get(n.id) === 0).map((n) => n.id);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    layer.set(id, Math.max(0, ...preds.get(id)!.map((p) => (layer.get(p) ?? -1) + 1)));
    for (const s of succs.get(id)!) {
      waiting.set(s, waiting.get(s)! - 1);
      if (waiting.get(s) === 0) {
        queue.push(s);
      }
    }
  }
  for (const n of nodes) {
    if (!layer.has(n.id)) {
      layer.set(n.id, Math.max(0, ...preds.get(n.id)!.map((p) => (layer.get(p) ?? -1) + 1)));
    }
  }

  const layers: { id: string; position: XY }[][] = [];
  for (const n of nodes) {
    (layers[layer.get(n.id)!] ??= []).push(n);
  }
  const row = new Map<string, number>();
  const result = new Map<string, XY>();
  layers.forEach((members, l) => {
    const barycentre = (id: string) => {
      const rows = preds.get(id)!.map((p) => row.get(p)).filter((r): r is number => r !== undefined);
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Number.POSITIVE_INFINITY;
    };
    const sorted = [...members].sort(
      (a, b) =>
        compare(barycentre(a.id), barycentre(b.id)) ||
        a.position.y - b.position.y ||
        a.position.x - b.position.x ||
        a.id.localeCompare(b.id),
    );
    sorted.forEach((n, i) => {
      row.set(n.id, i);
      result.set(n.id, { x: l * LAYER_GAP_X, y: i * ROW_GAP_Y });
    });
  });
  return result;
}

function compare(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}
