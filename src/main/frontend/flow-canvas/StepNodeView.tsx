/*
 * One pipeline step on the canvas: a header (type and label, issue badge) and one row per port pair,
 * inputs as target handles on the left, outputs as source handles on the right. While a run is shown,
 * also its state: a coloured strip on the left, a status chip under the header and, while it runs, a
 * progress bar along the bottom.
 */
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { StepNode } from './graph';
import { portColor } from './ports';
import { progressPercent, statusText, type NodeRunState } from './run';
import type { Issue, PortSpec } from './types';

function issueText(issues: Issue[]): string {
  return issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('\n');
}

function PortHandle({ port, kind, connectable }: { port: PortSpec; kind: 'target' | 'source'; connectable: boolean }) {
  return (
    <Handle
      type={kind}
      id={port.id}
      position={kind === 'target' ? Position.Left : Position.Right}
      isConnectable={connectable}
      className="fc-handle"
      style={{ background: portColor(port.type) }}
      title={`${port.label} (${port.type})${kind === 'target' && port.required ? ', required' : ''}`}
      data-port-type={port.type}
    />
  );
}

function RunStatus({ run }: { run: NodeRunState }) {
  return (
    <div className="fc-node-run">
      <span className="fc-status-chip" data-testid="node-status" title={run.message ?? undefined}>
        <i aria-hidden="true" />
        {statusText(run)}
      </span>
    </div>
  );
}

function ProgressBar({ run }: { run: NodeRunState }) {
  const percent = progressPercent(run);
  return (
    <div className="fc-node-progress-track" role="progressbar" aria-label="Progress" aria-valuemin={0}
         aria-valuemax={100} aria-valuenow={run.progress === null ? undefined : percent}>
      <div className="fc-node-progress" data-testid="node-progress" style={{ width: `${percent}%` }} />
    </div>
  );
}

function StepNodeView({ data, selected, isConnectable }: NodeProps<StepNode>) {
  const { model, inputs, outputs, issues, run } = data;
  const rows = Math.max(inputs.length, outputs.length);
  const classes = ['fc-node', selected && 'selected', issues?.length && 'has-issues', !data.known && 'unknown'];
  return (
    <div className={classes.filter(Boolean).join(' ')} data-step-type={model.type} data-status={run?.status}>
      <div className="fc-node-header">
        {data.icon && <vaadin-icon icon={data.icon} aria-hidden="true"></vaadin-icon>}
        <div className="fc-node-titles">
          <span className="fc-node-type" title={data.known ? data.typeName : `Unknown step type ${model.type}`}>
            {data.typeName}
          </span>
          <span className="fc-node-label" title={model.label}>
            {model.label}
          </span>
        </div>
        {issues && issues.length > 0 && (
          <span className="fc-issue-badge" data-testid="issue-badge" title={issueText(issues)} role="img"
                aria-label={`${issues.length} issue${issues.length === 1 ? '' : 's'}: ${issueText(issues)}`}>
            {issues.length}
          </span>
        )}
      </div>
      {run && <RunStatus run={run} />}
      {rows > 0 && (
        <div className="fc-node-ports">
          {Array.from({ length: rows }, (_, i) => {
            const input = inputs[i];
            const output = outputs[i];
            return (
              <div className="fc-port-row" key={i}>
                {input && <PortHandle port={input} kind="target" connectable={isConnectable} />}
                {input && (
                  <span className={`fc-port-label in${input.required ? ' fc-required' : ''}`}>{input.label}</span>
                )}
                {output && <span className="fc-port-label out">{output.label}</span>}
                {output && <PortHandle port={output} kind="source" connectable={isConnectable} />}
              </div>
            );
          })}
        </div>
      )}
      {run?.status === 'RUNNING' && <ProgressBar run={run} />}
    </div>
  );
}

/** Memoised: with hundreds of nodes only the ones whose props changed re-render. */
export const StepNodeComponent = memo(StepNodeView);

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'vaadin-icon': { icon?: string; 'aria-hidden'?: string; slot?: string; class?: string };
    }
  }
}
