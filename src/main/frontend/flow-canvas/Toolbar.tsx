/*
 * The toolbar above the canvas, the port-type legend and the keyboard shortcut help.
 */
import { memo } from 'react';
import { PORT_TYPES } from './ports';

export type ToolbarAction = 'undo' | 'redo' | 'layout' | 'fit' | 'help';

const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
/** The modifier shown in titles and help: ⌘ on a Mac, Ctrl elsewhere (both work everywhere). */
export const MOD = IS_MAC ? '⌘' : 'Ctrl';

/** Every shortcut, for the help popover. `edit` ones are left out in read-only mode. */
export const SHORTCUTS: { keys: string[]; what: string; edit?: boolean }[] = [
  { keys: ['Click', `Shift/${MOD}+Click`], what: 'Select a step; add to or remove from the selection' },
  { keys: ['Shift+Drag'], what: 'Select with a box' },
  { keys: ['Delete', 'Backspace'], what: 'Delete the selected steps and connections', edit: true },
  { keys: [`${MOD}+C`], what: 'Copy the selected steps' },
  { keys: [`${MOD}+V`], what: 'Paste (the copies are selected)', edit: true },
  { keys: [`${MOD}+Z`], what: 'Undo', edit: true },
  { keys: [`${MOD}+Shift+Z`, 'Ctrl+Y'], what: 'Redo', edit: true },
  { keys: ['Shift+L'], what: 'Arrange the steps left to right', edit: true },
  { keys: ['Arrow keys'], what: 'Move the selected steps (a step must have focus)', edit: true },
  { keys: ['F'], what: 'Fit the pipeline into view' },
  { keys: ['Escape'], what: 'Close this help, or clear the selection' },
  { keys: ['?'], what: 'Show or hide this help' },
  { keys: ['Space+Drag', 'Drag on empty canvas'], what: 'Pan' },
  { keys: ['Wheel', `${MOD}+Wheel`], what: 'Zoom' },
  { keys: ['Enter'], what: 'On a palette item: add it at the centre of the view', edit: true },
];

interface ToolbarProps {
  readOnly: boolean;
  canUndo: boolean;
  canRedo: boolean;
  helpOpen: boolean;
  onAction: (action: ToolbarAction) => void;
}

function ToolbarView({ readOnly, canUndo, canRedo, helpOpen, onAction }: ToolbarProps) {
  const button = (action: ToolbarAction, label: string, title: string, disabled = false, pressed?: boolean) => (
    <button type="button" data-action={action} title={title} aria-label={title} disabled={disabled}
            aria-pressed={pressed} onClick={() => onAction(action)}>
      {label}
    </button>
  );
  return (
    <div className="fc-toolbar" role="toolbar" aria-label="Canvas">
      {!readOnly && button('undo', '↶ Undo', `Undo (${MOD}+Z)`, !canUndo)}
      {!readOnly && button('redo', '↷ Redo', `Redo (${MOD}+Shift+Z)`, !canRedo)}
      {!readOnly && button('layout', '⇶ Arrange', 'Arrange left to right (Shift+L)')}
      {button('fit', '⤢ Fit', 'Fit to view (F)')}
      {button('help', '?', 'Keyboard shortcuts (?)', false, helpOpen)}
      {readOnly && (
        <span className="fc-read-only" data-testid="read-only-badge">
          Read-only
        </span>
      )}
      <span className="fc-spacer" />
      <div className="fc-legend" data-testid="port-legend" aria-label="Port types">
        {PORT_TYPES.map((p) => (
          <span key={p.type} title={p.type}>
            <i style={{ background: p.color }} />
            {p.label}
          </span>
        ))}
      </div>
    </div>
  );
}

export const Toolbar = memo(ToolbarView);

function HelpView({ readOnly, onClose }: { readOnly: boolean; onClose: () => void }) {
  return (
    <div className="fc-help" data-testid="shortcut-help" role="dialog" aria-label="Keyboard shortcuts">
      <button type="button" className="fc-help-close" aria-label="Close" title="Close (Escape)" onClick={onClose}>
        ✕
      </button>
      <h3>Keyboard shortcuts</h3>
      <table>
        <tbody>
          {SHORTCUTS.filter((s) => !readOnly || !s.edit).map((s) => (
            <tr key={s.what}>
              <td>
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' or '}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export const HelpPopover = memo(HelpView);
