/*
 * Pure helpers: parsing what the server sends, converting between the server's graph and React Flow's
 * nodes/edges, and naming new nodes. Nothing here touches React or the DOM.
 */
import type { Edge, Node } from '@xyflow/react';
import { portClass } from './ports';
import { NO_RUN, edgeRunLook, withRunClass, type NodeRunState, type RunStates } from './run';
import type { GraphDoc, GraphEdge, GraphNode, Issue, PortSpec, StepType, XY } from './types';

/** What a canvas node renders; `model` is the server's node, kept whole so unknown fields survive. */
export interface StepData extends Record<string, unknown> {
  model: GraphNode;
  typeName: string;
  icon?: string;
  /** False when the catalog has no such step type (ports are then guessed from the edges). */
  known: boolean;
  inputs: PortSpec[];
  outputs: PortSpec[];
  issues?: Issue[];
  /** The step's state while a run is shown; display only, never sent back. */
  run?: NodeRunState;
}

export type StepNode = Node<StepData, 'step'>;
export type PortEdge = Edge<{ model: GraphEdge }>;
export type Catalog = Map<string, StepType>;

export const EMPTY_GRAPH: GraphDoc = { schemaVersion: 1, nodes: [], edges: [] };

// ---------------------------------------------------------------------------------------------------
// Parsing (the server sends JSON strings; a broken value must not take the canvas down)

export function parseGraph(json: string | null | undefined): GraphDoc | null {
  if (json == null || json.trim() === '') {
    return EMPTY_GRAPH;
  }
  try {
    const raw = JSON.parse(json);
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      return null;
    }
    const nodes = Array.isArray(raw.nodes) ? raw.nodes : [];
    const edges = Array.isArray(raw.edges) ? raw.edges : [];
    return {
      ...raw,
      nodes: nodes
        .filter((n: unknown): n is GraphNode => !!n && typeof (n as GraphNode).id === 'string')
        .map((n: GraphNode) => ({
          ...n,
          label: typeof n.label === 'string' ? n.label : n.id,
          position: { x: Number(n.position?.x) || 0, y: Number(n.position?.y) || 0 },
          params: n.params && typeof n.params === 'object' ? n.params : {},
        })),
      edges: edges.filter((e: unknown): e is GraphEdge => !!e && typeof (e as GraphEdge).id === 'string'),
    };
  } catch (e) {
    console.error('flow-canvas: ignoring a graph that is not valid JSON', e);
    return null;
  }
}

export function parseCatalog(json: string | null | undefined): StepType[] {
  return parseArray<StepType>(json, 'catalog').filter((t) => t && typeof t.id === 'string');
}

export function parseIssues(json: string | null | undefined): Issue[] {
  return parseArray<Issue>(json, 'issues').filter((i) => i && typeof i.message === 'string');
}

function parseArray<T>(json: string | null | undefined, what: string): T[] {
  if (!json) {
    return [];
  }
  try {
    const value = JSON.parse(json);
    return Array.isArray(value) ? value : [];
  } catch (e) {
    console.error(`flow-canvas: ignoring ${what} that is not valid JSON`, e);
    return [];
  }
}

export function issuesByNode(issues: Issue[]): Map<string, Issue[]> {
  const map = new Map<string, Issue[]>();
  for (const issue of issues) {
    if (issue.nodeId) {
      const list = map.get(issue.nodeId) ?? [];
      list.push(issue);
      map.set(issue.nodeId, list);
    }
  }
  return map;
}

// ---------------------------------------------------------------------------------------------------
// Equality: the server may send the same graph with other key order or formatting

/** JSON with object keys sorted, so that equal graphs give equal strings. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
      : v,
  );
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) {
    return false;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

// ---------------------------------------------------------------------------------------------------
// Graph -> React Flow

/** The ports of a node: from the catalog, or guessed from its edges when the type is unknown. */
function portsOf(model: GraphNode, spec: StepType | undefined, edges: GraphEdge[]): [PortSpec[], PortSpec[]] {
  if (spec) {
    return [spec.inputs ?? [], spec.outputs ?? []];
  }
  const guess = (ids: string[]) => [...new Set(ids)].map((id) => ({ id, label: id, type: 'UNKNOWN' }));
  return [
    guess(edges.filter((e) => e.target === model.id).map((e) => e.targetPort)),
    guess(edges.filter((e) => e.source === model.id).map((e) => e.sourcePort)),
  ];
}

export function toStepData(
  model: GraphNode,
  catalog: Catalog,
  edges: GraphEdge[],
  issues: Issue[] | undefined,
  run?: NodeRunState,
): StepData {
  const spec = catalog.get(model.type);
  const [inputs, outputs] = portsOf(model, spec, edges);
  return { model, typeName: spec?.name ?? model.type, icon: spec?.icon, known: !!spec, inputs, outputs, issues, run };
}

/**
 * The React Flow nodes for a graph. Nodes whose content did not change are reused as the same objects,
 * so that the memoised node components don't re-render (this keeps big graphs fast).
 */
export function toFlowNodes(
  doc: GraphDoc,
  catalog: Catalog,
  issues: Map<string, Issue[]>,
  previous: StepNode[],
  states: RunStates = NO_RUN,
): StepNode[] {
  const prevById = new Map(previous.map((n) => [n.id, n]));
  return doc.nodes.map((model) => {
    const data = toStepData(model, catalog, doc.edges, issues.get(model.id), states.get(model.id));
    const prev = prevById.get(model.id);
    if (prev && samePosition(prev.position, model.position) && deepEqual(prev.data, data)) {
      return prev;
    }
    const samePorts = prev && deepEqual(prev.data.inputs, data.inputs) && deepEqual(prev.data.outputs, data.outputs);
    return {
      id: model.id,
      type: 'step',
      position: { x: model.position.x, y: model.position.y },
      data,
      selected: prev?.selected ?? false,
      // Keeping the measured size avoids a hidden frame while React Flow measures the node again.
      ...(samePorts && prev?.measured ? { measured: prev.measured } : {}),
    };
  });
}

export function toFlowEdge(
  model: GraphEdge,
  sourcePortType: string | undefined,
  selected = false,
  states: RunStates = NO_RUN,
): PortEdge {
  const run = edgeRunLook(model.source, model.target, states);
  return {
    id: model.id,
    source: model.source,
    sourceHandle: model.sourcePort,
    target: model.target,
    targetHandle: model.targetPort,
    className: withRunClass(portClass(sourcePortType), run.className),
    animated: run.animated,
    data: { model },
    selected,
  };
}

export function toFlowEdges(
  doc: GraphDoc,
  nodes: StepNode[],
  previous: PortEdge[],
  states: RunStates = NO_RUN,
): PortEdge[] {
  const nodeById = new Map(nodes.map((n) => [n.id, n]));
  const prevById = new Map(previous.map((e) => [e.id, e]));
  return doc.edges.map((model) => {
    const prev = prevById.get(model.id);
    const portType = nodeById.get(model.source)?.data.outputs.find((p) => p.id === model.sourcePort)?.type;
    const edge = toFlowEdge(model, portType, prev?.selected ?? false, states);
    const unchanged =
      prev?.className === edge.className && !!prev?.animated === edge.animated && deepEqual(prev?.data?.model, model);
    return prev && unchanged ? prev : edge;
  });
}

/** Replaces only the nodes whose issues changed; the same array when none did. */
export function withIssues(nodes: StepNode[], issues: Map<string, Issue[]>): StepNode[] {
  let changed = false;
  const next = nodes.map((n) => {
    const list = issues.get(n.id);
    if (deepEqual(n.data.issues, list)) {
      return n;
    }
    changed = true;
    return { ...n, data: { ...n.data, issues: list } };
  });
  return changed ? next : nodes;
}

/** Replaces only the nodes whose run state changed; the same array when none did. */
export function withRunStates(nodes: StepNode[], states: RunStates): StepNode[] {
  let changed = false;
  const next = nodes.map((n) => {
    const run = states.get(n.id);
    if (deepEqual(n.data.run, run)) {
      return n;
    }
    changed = true;
    return { ...n, data: { ...n.data, run } };
  });
  return changed ? next : nodes;
}

/** Restyles only the edges whose run look changed (see edgeRunLook); the same array when none did. */
export function withRunEdges(edges: PortEdge[], states: RunStates): PortEdge[] {
  let changed = false;
  const next = edges.map((e) => {
    const run = edgeRunLook(e.source, e.target, states);
    const className = withRunClass(e.className, run.className);
    if (className === e.className && !!e.animated === run.animated) {
      return e;
    }
    changed = true;
    return { ...e, className, animated: run.animated };
  });
  return changed ? next : edges;
}

function samePosition(a: XY, b: XY): boolean {
  return a.x === b.x && a.y === b.y;
}

// ---------------------------------------------------------------------------------------------------
// React Flow -> graph

/**
 * The graph to send: the base document's other top-level fields and each node's/edge's unknown fields
 * are kept as they were; positions are rounded to whole pixels.
 */
export function toGraph(base: GraphDoc, nodes: StepNode[], edges: PortEdge[]): GraphDoc {
  return {
    ...base,
    nodes: nodes.map((n) => ({
      ...n.data.model,
      position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
    })),
    edges: edges.map((e) => ({
      ...e.data?.model,
      id: e.id,
      source: e.source,
      sourcePort: e.sourceHandle ?? '',
      target: e.target,
      targetPort: e.targetHandle ?? '',
    })),
  };
}

// ---------------------------------------------------------------------------------------------------
// New nodes

/** `prefix` + a short random suffix that no existing id uses. */
export function uniqueId(prefix: string, taken: Set<string>): string {
  for (;;) {
    const id = prefix + Math.random().toString(36).slice(2, 7);
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

/** `base`, or `base 2`, `base 3`, … whichever is free; a trailing number of `base` is replaced, not extended. */
export function uniqueLabel(base: string, taken: Set<string>): string {
  let label = base;
  if (taken.has(label)) {
    const stem = base.replace(/ \d+$/, '');
    for (let i = 2; taken.has((label = `${stem} ${i}`)); i++) {
      // try the next number
    }
  }
  taken.add(label);
  return label;
}

/** Params for a new node: the catalog defaults, copied so that nodes don't share objects. */
export function defaultParams(spec: StepType): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const p of spec.params ?? []) {
    if (p.default !== undefined && p.default !== null) {
      params[p.name] = structuredClone(p.default);
    }
  }
  return params;
}

export function newNode(spec: StepType, position: XY, existing: StepNode[]): GraphNode {
  const ids = new Set(existing.map((n) => n.id));
  const labels = new Set(existing.map((n) => n.data.model.label));
  return {
    id: uniqueId('n', ids),
    type: spec.id,
    label: uniqueLabel(spec.name, labels),
    position: { x: Math.round(position.x), y: Math.round(position.y) },
    params: defaultParams(spec),
  };
}

// ---------------------------------------------------------------------------------------------------
// Copy and paste

export interface Clip {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** The selected nodes and the edges running between them. */
export function copySelection(nodes: StepNode[], edges: PortEdge[]): Clip | null {
  const picked = nodes.filter((n) => n.selected);
  if (picked.length === 0) {
    return null;
  }
  const ids = new Set(picked.map((n) => n.id));
  const doc = toGraph(EMPTY_GRAPH, picked, edges.filter((e) => ids.has(e.source) && ids.has(e.target)));
  return structuredClone({ nodes: doc.nodes, edges: doc.edges });
}

/** The clip's nodes and edges with fresh ids and labels, moved by `offset`. */
export function pasteClip(clip: Clip, offset: XY, nodes: StepNode[], edges: PortEdge[]): Clip {
  const nodeIds = new Set(nodes.map((n) => n.id));
  const edgeIds = new Set(edges.map((e) => e.id));
  const labels = new Set(nodes.map((n) => n.data.model.label));
  const idMap = new Map<string, string>();
  const pasted = structuredClone(clip);
  for (const n of pasted.nodes) {
    idMap.set(n.id, uniqueId('n', nodeIds));
    n.id = idMap.get(n.id)!;
    n.label = uniqueLabel(n.label, labels);
    n.position = { x: n.position.x + offset.x, y: n.position.y + offset.y };
  }
  for (const e of pasted.edges) {
    e.id = uniqueId('e', edgeIds);
    e.source = idMap.get(e.source)!;
    e.target = idMap.get(e.target)!;
  }
  return pasted;
}
