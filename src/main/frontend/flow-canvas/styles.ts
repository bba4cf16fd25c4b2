/*
 * The canvas renders in the light DOM, so its styles go into document.head once: React Flow's own
 * stylesheet (bundled at build time) and ours, which uses the Lumo properties to match the Vaadin theme.
 */
import reactFlowCss from '@xyflow/react/dist/style.css?inline';
import { portEdgeCss } from './ports';
import { runStatusCss } from './run';

const STYLE_ID = 'flow-canvas-styles';

const CANVAS_CSS = `
flow-canvas { display: block; height: 100%; width: 100%; min-height: 0; position: relative; }
.fc-root {
  display: flex; height: 100%; width: 100%; overflow: hidden; outline: none;
  font-family: var(--lumo-font-family); font-size: var(--lumo-font-size-s);
  color: var(--lumo-body-text-color); background: var(--lumo-base-color);
}
.fc-root button { font: inherit; }

/* Palette */
.fc-palette {
  flex: 0 0 220px; width: 220px; display: flex; flex-direction: column; min-height: 0;
  border-right: 1px solid var(--lumo-contrast-10pct); background: var(--lumo-contrast-5pct);
}
.fc-palette-search {
  margin: var(--lumo-space-s); padding: 0 var(--lumo-space-s); height: var(--lumo-size-s);
  border: 1px solid var(--lumo-contrast-20pct); border-radius: var(--lumo-border-radius-m);
  background: var(--lumo-base-color); color: inherit; font: inherit;
}
.fc-palette-search:focus { outline: 2px solid var(--lumo-primary-color-50pct); outline-offset: 0; }
.fc-palette-list { overflow-y: auto; flex: 1; padding: 0 var(--lumo-space-s) var(--lumo-space-s); }
.fc-palette-category {
  margin: var(--lumo-space-s) 0 var(--lumo-space-xs); font-size: var(--lumo-font-size-xs);
  font-weight: 600; text-transform: uppercase; letter-spacing: 0.05em; color: var(--lumo-secondary-text-color);
}
.fc-palette-item {
  display: flex; gap: var(--lumo-space-s); align-items: flex-start; padding: var(--lumo-space-xs) var(--lumo-space-s);
  margin-bottom: var(--lumo-space-xs); border-radius: var(--lumo-border-radius-m); cursor: grab;
  background: var(--lumo-base-color); border: 1px solid var(--lumo-contrast-10pct); user-select: none;
}
.fc-palette-item:hover { border-color: var(--lumo-primary-color-50pct); }
.fc-palette-item:focus-visible { outline: 2px solid var(--lumo-primary-color); outline-offset: 1px; }
.fc-palette-item vaadin-icon, .fc-node-header vaadin-icon {
  flex: none; width: var(--lumo-icon-size-s); height: var(--lumo-icon-size-s); color: var(--lumo-primary-text-color);
}
.fc-palette-name { font-weight: 500; }
.fc-palette-desc {
  display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden;
  font-size: var(--lumo-font-size-xxs); color: var(--lumo-secondary-text-color);
}
.fc-palette-empty { color: var(--lumo-secondary-text-color); padding: var(--lumo-space-s); }

/* Canvas area and toolbar */
.fc-main { flex: 1; display: flex; flex-direction: column; min-width: 0; min-height: 0; }
.fc-toolbar {
  display: flex; align-items: center; gap: var(--lumo-space-xs); flex-wrap: wrap;
  padding: var(--lumo-space-xs) var(--lumo-space-s); border-bottom: 1px solid var(--lumo-contrast-10pct);
}
.fc-toolbar button {
  height: var(--lumo-size-s); padding: 0 var(--lumo-space-s); border: none; cursor: pointer;
  border-radius: var(--lumo-border-radius-m); background: var(--lumo-contrast-5pct); color: var(--lumo-primary-text-color);
}
.fc-toolbar button:hover:not(:disabled) { background: var(--lumo-contrast-10pct); }
.fc-toolbar button:disabled { color: var(--lumo-disabled-text-color); cursor: default; }
.fc-toolbar button:focus-visible { outline: 2px solid var(--lumo-primary-color); }
.fc-toolbar button[aria-pressed="true"] { background: var(--lumo-primary-color-10pct); }
.fc-spacer { flex: 1; }
.fc-read-only {
  padding: 0 var(--lumo-space-s); border-radius: var(--lumo-border-radius-s); font-size: var(--lumo-font-size-xs);
  line-height: var(--lumo-size-xs); background: var(--lumo-contrast-10pct); color: var(--lumo-secondary-text-color);
}
.fc-legend { display: flex; gap: var(--lumo-space-s); font-size: var(--lumo-font-size-xxs); color: var(--lumo-secondary-text-color); }
.fc-legend span { display: inline-flex; align-items: center; gap: 3px; }
.fc-legend i { display: inline-block; width: 9px; height: 9px; border-radius: 50%; }
.fc-flow { position: relative; flex: 1; min-height: 0; }

/* Overlays */
.fc-empty-hint {
  position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; pointer-events: none;
  z-index: 4; color: var(--lumo-secondary-text-color); font-size: var(--lumo-font-size-m); text-align: center; padding: var(--lumo-space-l);
}
.fc-banner {
  position: absolute; top: var(--lumo-space-s); left: 50%; transform: translateX(-50%); z-index: 6; max-width: 80%;
  padding: var(--lumo-space-xs) var(--lumo-space-m); border-radius: var(--lumo-border-radius-m);
  background: var(--lumo-error-color); color: var(--lumo-error-contrast-color, #fff); box-shadow: var(--lumo-box-shadow-s);
}
.fc-help {
  position: absolute; top: var(--lumo-space-s); right: var(--lumo-space-s); z-index: 7; min-width: 280px;
  padding: var(--lumo-space-s) var(--lumo-space-m); border-radius: var(--lumo-border-radius-l);
  background: var(--lumo-base-color); box-shadow: var(--lumo-box-shadow-m); border: 1px solid var(--lumo-contrast-10pct);
}
.fc-help h3 { margin: 0 0 var(--lumo-space-xs); font-size: var(--lumo-font-size-m); }
.fc-help table { border-collapse: collapse; }
.fc-help td { padding: 2px var(--lumo-space-s) 2px 0; vertical-align: top; }
.fc-help kbd {
  font-family: var(--lumo-font-family); font-size: var(--lumo-font-size-xs); padding: 0 4px;
  border: 1px solid var(--lumo-contrast-20pct); border-radius: var(--lumo-border-radius-s); background: var(--lumo-contrast-5pct);
}
.fc-help-close { position: absolute; top: var(--lumo-space-xs); right: var(--lumo-space-xs); border: none; background: none; cursor: pointer; color: var(--lumo-secondary-text-color); }

/* Nodes */
.fc-node {
  position: relative; width: 200px; border-radius: var(--lumo-border-radius-m); background: var(--lumo-base-color);
  border: 2px solid var(--lumo-contrast-20pct); box-shadow: var(--lumo-box-shadow-xs); font-size: var(--lumo-font-size-xs);
}
.fc-node.selected { border-color: var(--lumo-primary-color); box-shadow: 0 0 0 3px var(--lumo-primary-color-25pct, var(--lumo-primary-color-10pct)); }
.fc-node.has-issues { border-color: var(--lumo-error-color); }
.fc-node.has-issues.selected { box-shadow: 0 0 0 3px var(--lumo-error-color-10pct); }
.fc-node.unknown { border-style: dashed; }
.fc-node-header {
  display: flex; align-items: center; gap: var(--lumo-space-xs); padding: var(--lumo-space-xs) var(--lumo-space-s);
  border-bottom: 1px solid var(--lumo-contrast-10pct); background: var(--lumo-contrast-5pct);
  border-radius: var(--lumo-border-radius-m) var(--lumo-border-radius-m) 0 0;
}
.fc-node-titles { flex: 1; min-width: 0; display: flex; flex-direction: column; }
.fc-node-type { font-size: var(--lumo-font-size-xxs); color: var(--lumo-secondary-text-color); text-transform: uppercase; letter-spacing: 0.04em; }
.fc-node-label { font-weight: 600; font-size: var(--lumo-font-size-s); color: var(--lumo-header-text-color); }
.fc-node-type, .fc-node-label { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.fc-issue-badge {
  flex: none; min-width: 18px; height: 18px; padding: 0 5px; box-sizing: border-box; border-radius: 9px; text-align: center;
  line-height: 18px; font-size: var(--lumo-font-size-xxs); font-weight: 600; background: var(--lumo-error-color); color: var(--lumo-error-contrast-color, #fff);
}
.fc-node-ports { padding: 4px 0; }
.fc-port-row { position: relative; display: flex; justify-content: space-between; align-items: center; height: 20px; }
.fc-port-label { padding: 0 var(--lumo-space-s); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 50%; color: var(--lumo-secondary-text-color); }
.fc-port-label.out { margin-left: auto; text-align: right; }
.react-flow__handle.fc-handle { width: 11px; height: 11px; border: 2px solid var(--lumo-base-color); }
.react-flow__handle.fc-handle.connectingto:not(.valid) { box-shadow: 0 0 0 3px var(--lumo-error-color-50pct); }
.react-flow__handle.fc-handle.connectingto.valid { box-shadow: 0 0 0 3px var(--lumo-success-color-50pct); }
.fc-required::after { content: ' *'; color: var(--lumo-error-text-color); }

/* Edges */
.react-flow__edge .react-flow__edge-path { stroke-width: 2; }
.react-flow__edge.selected .react-flow__edge-path { stroke-width: 4; }
.react-flow__edge.selected { filter: drop-shadow(0 0 2px var(--lumo-primary-color-50pct)); }
.react-flow__minimap { background: var(--lumo-base-color); border: 1px solid var(--lumo-contrast-10pct); }
`;

/*
 * A run's state on nodes and edges (colours per status from run.ts). Added after the port colours so that
 * a finished edge's green wins over its port colour.
 */
const RUN_CSS = `
.fc-node[data-status]::before {
  content: ''; position: absolute; left: 0; top: 0; bottom: 0; width: 4px; pointer-events: none; background: var(--fc-status);
  border-radius: calc(var(--lumo-border-radius-m) - 2px) 0 0 calc(var(--lumo-border-radius-m) - 2px);
}
.fc-node[data-status] .fc-node-header { padding-left: calc(var(--lumo-space-s) + 2px); }
.fc-node-run { display: flex; padding: 4px var(--lumo-space-s) 0 calc(var(--lumo-space-s) + 2px); }
.fc-status-chip {
  display: inline-flex; align-items: center; gap: 5px; min-width: 0; height: 20px; padding: 0 var(--lumo-space-s);
  border-radius: 10px; font-size: var(--lumo-font-size-xxs); font-weight: 600; line-height: 20px;
  background: var(--fc-status-tint); color: var(--fc-status-text); white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
}
.fc-status-chip i { flex: none; width: 8px; height: 8px; border-radius: 50%; background: var(--fc-status); }
.fc-node-progress-track {
  position: absolute; left: 0; right: 0; bottom: 0; height: 4px; overflow: hidden; pointer-events: none;
  background: var(--lumo-contrast-10pct); border-radius: 0 0 calc(var(--lumo-border-radius-m) - 2px) calc(var(--lumo-border-radius-m) - 2px);
}
.fc-node-progress { height: 100%; background: var(--fc-status); transition: width 0.3s ease-out; }
.fc-node[data-status="RUNNING"]::before, .fc-node[data-status="RUNNING"] .fc-status-chip i {
  animation: fc-run-pulse 1.6s ease-in-out infinite;
}
@keyframes fc-run-pulse { 50% { opacity: 0.35; } }
.react-flow__edge.fc-run-done .react-flow__edge-path { stroke: var(--lumo-success-color, #00a05e); }
.react-flow__edge.fc-run-done:not(.selected) .react-flow__edge-path { stroke-width: 3; }
.react-flow__edge.fc-run-idle .react-flow__edge-path { opacity: 0.4; }
@media (prefers-reduced-motion: reduce) {
  .fc-node[data-status="RUNNING"]::before, .fc-node[data-status="RUNNING"] .fc-status-chip i { animation: none; }
  .react-flow__edge.animated path { animation: none; }
  .fc-node-progress { transition: none; }
}
`;

/** Adds React Flow's stylesheet and ours to document.head unless an earlier canvas already did. */
export function injectStyles(): void {
  if (document.getElementById(STYLE_ID)) {
    return;
  }
  const style = document.createElement('style');
  style.id = STYLE_ID;
  // Vite's ?inline gives the CSS text (Vaadin's types.d.ts declares it as a Lit CSSResult).
  style.textContent = [String(reactFlowCss), CANVAS_CSS, portEdgeCss(), runStatusCss(), RUN_CSS].join('\n');
  document.head.appendChild(style);
}
