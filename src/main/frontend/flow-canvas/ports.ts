import type { PortType } from './types';

/*
 * Port colours come from the Okabe–Ito palette, which stays distinguishable with the common kinds of
 * colour blindness; the port label next to each handle and the legend carry the same information in text.
 */
export const PORT_TYPES: { type: PortType; label: string; color: string }[] = [
  { type: 'DATASET', label: 'Dataset', color: '#0072B2' },
  { type: 'MODEL', label: 'Model', color: '#D55E00' },
  { type: 'ENDPOINT', label: 'Endpoint', color: '#009E73' },
  { type: 'EVAL_REPORT', label: 'Eval report', color: '#CC79A7' },
  { type: 'FEEDBACK', label: 'Feedback', color: '#E69F00' },
];

const UNKNOWN_COLOR = '#7f7f7f';

export function portColor(type: PortType | undefined): string {
  return PORT_TYPES.find((p) => p.type === type)?.color ?? UNKNOWN_COLOR;
}

/** A CSS class-safe suffix for a port type (edges are coloured by class, not by inline style). */
export function portClass(type: PortType | undefined): string {
  return `fc-port-${String(type ?? 'unknown').toLowerCase().replace(/[^a-z0-9_-]/g, '')}`;
}

/** Stylesheet rules colouring edges by the type of their source port. */
export function portEdgeCss(): string {
  return PORT_TYPES.map(
    (p) => `.react-flow__edge.${portClass(p.type)} .react-flow__edge-path { stroke: ${p.color}; }`,
  ).join('\n');
}
