/*
 * A pipeline run shown on the canvas: the per-step states the run view sends (never the designer), how
 * each state reads and what colour it has. Pure helpers; nothing here touches React or the DOM.
 *
 * Run states are display only: they are not part of the graph, the undo history or anything sent back.
 */

/** One step's state in a run. `status` is upper case; statuses not listed in STATUS_LOOKS still show. */
export interface NodeRunState {
  status: string;
  /** 0..1, or null when unknown. */
  progress: number | null;
  /** 1 for the first try; null when unknown. */
  attempt: number | null;
  message: string | null;
}

export type RunStates = ReadonlyMap<string, NodeRunState>;

/** No run shown (the designer's case). */
export const NO_RUN: RunStates = new Map();

interface StatusLook {
  label: string;
  /** Strip, dot, progress bar and minimap colour. */
  color: string;
  /** Chip text: a darker shade of the colour, readable on the chip's tint. */
  text: string;
  /** Chip background. */
  tint: string;
}

const GREY: StatusLook = {
  label: '',
  color: 'var(--lumo-contrast-30pct, #c7ccd4)',
  text: 'var(--lumo-secondary-text-color, #5c6b7e)',
  tint: 'var(--lumo-contrast-5pct, #f2f4f6)',
};
const BLUE: StatusLook = {
  label: '',
  color: 'var(--lumo-primary-color, #006af5)',
  text: 'var(--lumo-primary-text-color, #0061db)',
  tint: 'var(--lumo-primary-color-10pct, #e6f0fe)',
};

/*
 * Colours follow Lumo's meanings (primary = in progress, success, error, warning); the chip's words say the
 * same, so colour is never the only cue.
 */
export const STATUS_LOOKS: Record<string, StatusLook> = {
  PENDING: { ...GREY, label: 'Pending' },
  QUEUED: { ...GREY, label: 'Queued' },
  LEASED: { ...BLUE, label: 'Starting' },
  RUNNING: { ...BLUE, label: 'Running' },
  SUCCEEDED: {
    label: 'Succeeded',
    color: 'var(--lumo-success-color, #00a05e)',
    text: 'var(--lumo-success-text-color, #008a4f)',
    tint: 'var(--lumo-success-color-10pct, #e6f6ef)',
  },
  FAILED: {
    label: 'Failed',
    color: 'var(--lumo-error-color, #e5484d)',
    text: 'var(--lumo-error-text-color, #d7323a)',
    tint: 'var(--lumo-error-color-10pct, #fdecec)',
  },
  CANCELLED: {
    label: 'Cancelled',
    color: 'var(--lumo-contrast-70pct, #4d5a6b)',
    text: 'var(--lumo-body-text-color, #1a2533)',
    tint: 'var(--lumo-contrast-10pct, #e6e8eb)',
  },
  WAITING: {
    label: 'Waiting for approval',
    color: 'var(--lumo-warning-color, #ffc66e)',
    text: 'var(--lumo-warning-text-color, #8a6100)',
    tint: 'var(--lumo-warning-color-10pct, #fff6e6)',
  },
};

function lookOf(status: string): StatusLook {
  return STATUS_LOOKS[status] ?? GREY;
}

// ---------------------------------------------------------------------------------------------------
// Parsing (a broken value must not take the canvas down; it shows no run instead)

/** The states keyed by node id; entries without a status are left out. */
export function parseNodeStates(json: string | null | undefined): RunStates {
  if (!json) {
    return NO_RUN;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    console.error('flow-canvas: ignoring node states that are not valid JSON', e);
    return NO_RUN;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return NO_RUN;
  }
  const states = new Map<string, NodeRunState>();
  for (const [id, value] of Object.entries(raw as Record<string, unknown>)) {
    const v = value as Partial<Record<keyof NodeRunState, unknown>> | null;
    if (v && typeof v === 'object' && typeof v.status === 'string' && v.status.trim() !== '') {
      states.set(id, {
        status: v.status.trim().toUpperCase(),
        progress: typeof v.progress === 'number' && Number.isFinite(v.progress) ? clamp01(v.progress) : null,
        attempt: typeof v.attempt === 'number' && v.attempt >= 1 ? Math.floor(v.attempt) : null,
        message: typeof v.message === 'string' && v.message.trim() !== '' ? v.message : null,
      });
    }
  }
  return states.size > 0 ? states : NO_RUN;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

// ---------------------------------------------------------------------------------------------------
// How a state reads

/** `RUNNING` -> `Running`; for statuses the canvas does not know. */
function titleCase(status: string): string {
  const words = status.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Whole percent, for the chip and the progress bar. */
export function progressPercent(state: NodeRunState): number {
  return Math.round((state.progress ?? 0) * 100);
}

/** The chip text: "Running 42 %", "Failed · attempt 2", "Waiting for approval", … */
export function statusText(state: NodeRunState): string {
  let text = STATUS_LOOKS[state.status]?.label ?? titleCase(state.status);
  if (state.status === 'RUNNING' && state.progress !== null) {
    text += ` ${progressPercent(state)} %`;
  }
  if (state.attempt !== null && state.attempt > 1) {
    text += ` · attempt ${state.attempt}`;
  }
  return text;
}

/** The minimap fill for a node with this state. */
export function statusColor(state: NodeRunState): string {
  return lookOf(state.status).color;
}

/** Stylesheet rules giving each known status its colours (unknown ones keep the grey defaults). */
export function runStatusCss(): string {
  const rule = (selector: string, look: StatusLook) =>
    `${selector} { --fc-status: ${look.color}; --fc-status-text: ${look.text}; --fc-status-tint: ${look.tint}; }`;
  return [
    rule('.fc-node[data-status]', GREY),
    ...Object.entries(STATUS_LOOKS).map(([status, look]) => rule(`.fc-node[data-status="${status}"]`, look)),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Edges

/** Run classes on edges all start with this, so that they can be swapped without touching the port class. */
const RUN_CLASS_PREFIX = 'fc-run-';
export const EDGE_DONE_CLASS = `${RUN_CLASS_PREFIX}done`;
export const EDGE_IDLE_CLASS = `${RUN_CLASS_PREFIX}idle`;

export interface EdgeRunLook {
  /** Null when no run is shown. */
  className: string | null;
  animated: boolean;
}

/**
 * How an edge shows the run: solid green once its source succeeded, animated into a running step, and
 * faded otherwise (not reached yet), so that the path the run has taken stands out.
 */
export function edgeRunLook(source: string, target: string, states: RunStates): EdgeRunLook {
  if (states.size === 0) {
    return { className: null, animated: false };
  }
  const animated = states.get(target)?.status === 'RUNNING';
  const done = states.get(source)?.status === 'SUCCEEDED';
  return { className: done ? EDGE_DONE_CLASS : animated ? null : EDGE_IDLE_CLASS, animated };
}

/** `className` with its run class (if any) replaced by `runClass`. */
export function withRunClass(className: string | undefined, runClass: string | null): string {
  const kept = (className ?? '').split(' ').filter((c) => c !== '' && !c.startsWith(RUN_CLASS_PREFIX));
  return (runClass ? [...kept, runClass] : kept).join(' ');
}
