/*
 * The data the canvas exchanges with the server. The graph has the same shape as the server's
 * pipeline files; fields the canvas does not know are kept (the index signatures) and sent back as-is.
 */

export type PortType = 'DATASET' | 'MODEL' | 'ENDPOINT' | 'EVAL_REPORT' | 'FEEDBACK' | string;

export interface XY {
  x: number;
  y: number;
}

export interface GraphNode {
  id: string;
  type: string;
  label: string;
  position: XY;
  params: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface GraphEdge {
  id: string;
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
  [extra: string]: unknown;
}

export interface GraphDoc {
  schemaVersion?: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
  [extra: string]: unknown;
}

export interface PortSpec {
  id: string;
  label: string;
  type: PortType;
  /** Inputs only. */
  required?: boolean;
  /** Inputs only: whether more than one edge may end here. */
  multiple?: boolean;
}

export interface ParamSpec {
  name: string;
  label?: string;
  type?: string;
  default?: unknown;
  [extra: string]: unknown;
}

export interface StepType {
  id: string;
  name: string;
  category?: string;
  icon?: string;
  description?: string;
  inputs?: PortSpec[];
  outputs?: PortSpec[];
  params?: ParamSpec[];
  [extra: string]: unknown;
}

export interface Issue {
  nodeId?: string | null;
  field?: string | null;
  message: string;
}

/** Sent by the server's focusNode; seq makes a repeated focus on the same node a new value. */
export interface FocusRequest {
  nodeId: string;
  seq: number;
}
