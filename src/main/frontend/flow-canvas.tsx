/*
 * <flow-canvas>: the pipeline canvas as a web component for the Java class
 * dev.llmops.studio.designer.FlowCanvas. Vaadin's React adapter turns the Java side's setState calls into
 * element properties and back; the editor itself lives in ./flow-canvas/.
 *
 * States: graph (JSON string, both ways), catalog (JSON string), issues (JSON string), readOnly (boolean),
 * focusRequest ({nodeId, seq}, server -> canvas), selection (JSON array string, canvas -> server),
 * nodeStates (JSON object string keyed by node id, server -> canvas; a run's state per step, display only).
 * Events: node-click (detail {nodeId}) on every click on a node, or Enter on a focused one.
 */
import { ReactFlowProvider } from '@xyflow/react';
import { ReactAdapterElement, type RenderHooks } from 'Frontend/generated/flow/ReactAdapter';
import { Canvas } from './flow-canvas/Canvas';
import { injectStyles } from './flow-canvas/styles';
import type { FocusRequest } from './flow-canvas/types';

interface NodeClickDetail {
  nodeId: string;
}

class FlowCanvasElement extends ReactAdapterElement {
  connectedCallback() {
    injectStyles();
    return super.connectedCallback();
  }

  protected render(hooks: RenderHooks) {
    const [graph, setGraph] = hooks.useState<string | null>('graph');
    const [catalog] = hooks.useState<string>('catalog');
    const [issues] = hooks.useState<string>('issues');
    const [nodeStates] = hooks.useState<string | null>('nodeStates');
    const [readOnly] = hooks.useState<boolean>('readOnly');
    // Not "focus": that element property would hide HTMLElement.focus().
    const [focus] = hooks.useState<FocusRequest | null>('focusRequest');
    const [, setSelection] = hooks.useState<string>('selection');
    // An event rather than a state: a second click on the same node must be news too.
    const dispatchNodeClick = hooks.useCustomEvent<NodeClickDetail>('node-click');
    return (
      <ReactFlowProvider>
        <Canvas
          graphJson={graph}
          catalogJson={catalog}
          issuesJson={issues}
          nodeStatesJson={nodeStates}
          readOnly={!!readOnly}
          focus={focus}
          sendGraph={setGraph}
          sendSelection={setSelection}
          sendNodeClick={dispatchNodeClick}
        />
      </ReactFlowProvider>
    );
  }
}

if (!customElements.get('flow-canvas')) {
  customElements.define('flow-canvas', FlowCanvasElement);
}
