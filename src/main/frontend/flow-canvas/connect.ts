/*
 * Which connections are allowed, and in words why one is not.
 */
import type { Connection } from '@xyflow/react';
import type { PortEdge, StepNode } from './graph';

export interface ConnectionEnds {
  source: string;
  sourceHandle?: string | null;
  target: string;
  targetHandle?: string | null;
}

/**
 * Null when the connection may be made, otherwise the reason (naming both ends) why not:
 * the output's type must equal the input's, no self-loops, no second edge into a single input,
 * and no duplicate edge.
 */
export function connectionProblem(c: ConnectionEnds | Connection, nodes: StepNode[], edges: PortEdge[]): string | null {
  const from = nodes.find((n) => n.id === c.source);
  const to = nodes.find((n) => n.id === c.target);
  if (!from || !to) {
    return 'That step no longer exists';
  }
  const out = from.data.outputs.find((p) => p.id === c.sourceHandle);
  const input = to.data.inputs.find((p) => p.id === c.targetHandle);
  const fromName = `“${from.data.model.label}”`;
  const toName = `“${to.data.model.label}”`;
  if (!out || !input) {
    return `Connect an output (right side) of ${fromName} to an input (left side) of ${toName}`;
  }
  const ends = `${fromName} ${out.label} → ${toName} ${input.label}`;
  if (from.id === to.id) {
    return `Can't connect ${ends}: a step can't feed itself`;
  }
  if (out.type !== input.type) {
    return `Can't connect ${ends}: expects ${input.type}, got ${out.type}`;
  }
  const into = edges.filter((e) => e.target === to.id && e.targetHandle === input.id);
  if (into.some((e) => e.source === from.id && e.sourceHandle === out.id)) {
    return `${ends} is already connected`;
  }
  if (!input.multiple && into.length > 0) {
    return `${toName} input “${input.label}” already has a connection`;
  }
  return null;
}

/** The message for a drop on a handle of the same kind (output on output, input on input). */
export function sameKindProblem(fromType: 'source' | 'target'): string {
  return fromType === 'source'
    ? "Can't connect an output to another output: drag to an input (left side of a step)"
    : "Can't connect an input to another input: drag to an output (right side of a step)";
}
