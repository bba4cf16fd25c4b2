/*
 * The pipeline editor: palette, toolbar and the React Flow canvas.
 *
 * The server owns the graph. This component keeps a local copy (React Flow nodes/edges), and after every
 * committed change (not every drag frame) sends the whole graph back, debounced. It remembers what it sent
 * so that the same JSON coming back is not taken for a server change. Undo/redo keeps whole-graph
 * snapshots, including graphs pushed by the server (so a parameter edit in the server's form can be undone).
 *
 * A run view can lay each step's run state over the graph (nodeStatesJson). That is display only: it changes
 * what nodes and edges look like, never the graph, the history or what is sent.
 */
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  applyEdgeChanges,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type FitViewOptions,
  type NodeChange,
  type OnConnectStartParams,
} from '@xyflow/react';
import {
  memo,
  useCallback,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
  type DragEvent,
  type MouseEvent as ReactMouseEvent,
} from 'react';
import { connectionProblem, sameKindProblem } from './connect';
import {
  EMPTY_GRAPH,
  copySelection,
  issuesByNode,
  newNode,
  parseCatalog,
  parseGraph,
  parseIssues,
  pasteClip,
  stableStringify,
  toFlowEdge,
  toFlowEdges,
  toFlowNodes,
  toGraph,
  toStepData,
  uniqueId,
  withIssues,
  withRunEdges,
  withRunStates,
  type Clip,
  type PortEdge,
  type StepNode,
} from './graph';
import { layeredLayout } from './layout';
import { NODE_TYPE_MIME, Palette } from './Palette';
import { parseNodeStates, statusColor } from './run';
import { StepNodeComponent } from './StepNodeView';
import { HelpPopover, Toolbar, type ToolbarAction } from './Toolbar';
import type { FocusRequest, GraphDoc, GraphEdge, XY } from './types';

/** Canvas -> server updates wait this long, so that a burst of changes goes as one. */
const SEND_DELAY_MS = 80;
const HISTORY_LIMIT = 100;
const REFUSAL_SHOWN_MS = 4000;
const PASTE_OFFSET = 40;
/** Node box size used to centre new nodes on the drop point (the real size comes from CSS). */
const NODE_WIDTH = 200;
const NODE_HEADER = 48;
const NODE_GAP = 24;

const NODE_TYPES = { step: StepNodeComponent };
const MINIMAP_STYLE = { width: 160, height: 100 };
/** Fitting keeps nodes clear of the zoom controls (bottom left) and the minimap (bottom right). */
const FIT_OPTIONS: FitViewOptions<StepNode> = {
  padding: { top: '32px', right: '32px', bottom: '130px', left: '64px' },
  maxZoom: 1.25,
};
const MULTI_SELECT_KEYS = ['Meta', 'Control', 'Shift'];
const EMPTY_HINT = 'Drag a step from the palette, or click it, to start your pipeline.';

/** Whether a new node at `p` would overlap node `n` (or come closer than NODE_GAP). */
function overlaps(n: StepNode, p: XY): boolean {
  const width = n.measured?.width ?? NODE_WIDTH;
  const height = n.measured?.height ?? 2 * NODE_HEADER;
  return (
    p.x < n.position.x + width + NODE_GAP &&
    n.position.x < p.x + NODE_WIDTH + NODE_GAP &&
    p.y < n.position.y + height + NODE_GAP &&
    n.position.y < p.y + 2 * NODE_HEADER + NODE_GAP
  );
}

/** Copy/paste works across canvases on the page (and survives navigating between pipelines). */
let clipboard: { clip: Clip; pastes: number } | null = null;

const miniMapNodeColor = (n: StepNode) =>
  n.data.run ? statusColor(n.data.run) : n.data.issues?.length ? '#e5484d' : '#c7ccd4';

export interface CanvasProps {
  graphJson: string | null | undefined;
  catalogJson: string | null | undefined;
  issuesJson: string | null | undefined;
  /** A run's state per node id (see run.ts); empty or absent: no run shown. */
  nodeStatesJson: string | null | undefined;
  readOnly: boolean;
  focus: FocusRequest | null | undefined;
  sendGraph: (json: string) => void;
  sendSelection: (json: string) => void;
  /** Told of every click on a node (and Enter on a focused one), in read-only mode too. */
  sendNodeClick: (click: { nodeId: string }) => void;
}

function isTyping(e: KeyboardEvent): boolean {
  const t = (e.composedPath()[0] ?? e.target) as HTMLElement | null;
  return !!t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
}

/** The id of the canvas node the key event comes from, if it comes from a node itself (not a field in one). */
function focusedNodeId(e: KeyboardEvent): string | null {
  const t = (e.composedPath()[0] ?? e.target) as Element | null;
  return t instanceof Element && t.classList.contains('react-flow__node') ? t.getAttribute('data-id') : null;
}

function CanvasView({
  graphJson,
  catalogJson,
  issuesJson,
  nodeStatesJson,
  readOnly,
  focus,
  sendGraph,
  sendSelection,
  sendNodeClick,
}: CanvasProps) {
  const flow = useReactFlow<StepNode, PortEdge>();
  const rootRef = useRef<HTMLDivElement>(null);
  const flowAreaRef = useRef<HTMLDivElement>(null);

  const catalogList = useMemo(() => parseCatalog(catalogJson), [catalogJson]);
  const catalog = useMemo(() => new Map(catalogList.map((t) => [t.id, t])), [catalogList]);
  const issues = useMemo(() => issuesByNode(parseIssues(issuesJson)), [issuesJson]);
  const runStates = useMemo(() => parseNodeStates(nodeStatesJson), [nodeStatesJson]);

  // The React Flow state, mirrored in refs so that handlers always see the latest value synchronously.
  const [nodes, setNodes] = useState<StepNode[]>([]);
  const [edges, setEdges] = useState<PortEdge[]>([]);
  const nodesRef = useRef(nodes);
  const edgesRef = useRef(edges);
  const setFlow = useCallback((n?: StepNode[], e?: PortEdge[]) => {
    if (n) {
      nodesRef.current = n;
      setNodes(n);
    }
    if (e) {
      edgesRef.current = e;
      setEdges(e);
    }
  }, []);

  // Props the handlers need, without re-creating the handlers (which would re-render React Flow).
  const catalogRef = useRef(catalog);
  const issuesRef = useRef(issues);
  const runStatesRef = useRef(runStates);
  const readOnlyRef = useRef(readOnly);
  const sendGraphRef = useRef(sendGraph);
  catalogRef.current = catalog;
  issuesRef.current = issues;
  runStatesRef.current = runStates;
  readOnlyRef.current = readOnly;
  sendGraphRef.current = sendGraph;

  // ----------------------------------------------------------------------------------------------
  // The committed graph, history and sending

  const docRef = useRef<GraphDoc>(EMPTY_GRAPH);
  const docKeyRef = useRef(stableStringify(EMPTY_GRAPH));
  const loadedRef = useRef(false);
  const lastSentRef = useRef<string | null>(null);
  const sendTimer = useRef<number>();
  const history = useRef<{ past: GraphDoc[]; future: GraphDoc[] }>({ past: [], future: [] });
  const [, historyChanged] = useReducer((x: number) => x + 1, 0);
  const fitPending = useRef(false);

  const setCurrent = useCallback((doc: GraphDoc, key = stableStringify(doc)) => {
    docRef.current = doc;
    docKeyRef.current = key;
  }, []);

  const flushSend = useCallback(() => {
    window.clearTimeout(sendTimer.current);
    sendTimer.current = undefined;
    const json = JSON.stringify(docRef.current);
    lastSentRef.current = json;
    sendGraphRef.current(json);
  }, []);

  const scheduleSend = useCallback(() => {
    window.clearTimeout(sendTimer.current);
    sendTimer.current = window.setTimeout(flushSend, SEND_DELAY_MS);
  }, [flushSend]);

  // Don't lose a change made just before the canvas is removed.
  useEffect(() => () => void (sendTimer.current !== undefined && flushSend()), [flushSend]);

  /** Makes `next` the current graph, keeping the previous one for undo. */
  const record = useCallback(
    (next: GraphDoc, key?: string) => {
      const h = history.current;
      h.past.push(docRef.current);
      if (h.past.length > HISTORY_LIMIT) {
        h.past.shift();
      }
      h.future = [];
      setCurrent(next, key);
      historyChanged();
    },
    [setCurrent],
  );

  /** Records what the canvas shows now as a change, and sends it (unless nothing changed). */
  const commit = useCallback(() => {
    const next = toGraph(docRef.current, nodesRef.current, edgesRef.current);
    const key = stableStringify(next);
    if (key !== docKeyRef.current) {
      record(next, key);
      scheduleSend();
    }
  }, [record, scheduleSend]);

  // Several change callbacks can belong to one user action (e.g. nodes and edges); commit once after them.
  const commitQueued = useRef(false);
  const commitSoon = useCallback(() => {
    if (!commitQueued.current) {
      commitQueued.current = true;
      queueMicrotask(() => {
        commitQueued.current = false;
        commit();
      });
    }
  }, [commit]);

  const showDoc = useCallback(
    (doc: GraphDoc) => {
      const n = toFlowNodes(doc, catalogRef.current, issuesRef.current, nodesRef.current, runStatesRef.current);
      setFlow(n, toFlowEdges(doc, n, edgesRef.current, runStatesRef.current));
    },
    [setFlow],
  );

  // Server -> canvas
  useEffect(() => {
    if (graphJson != null && graphJson === lastSentRef.current) {
      return; // our own change coming back
    }
    const doc = parseGraph(graphJson);
    if (!doc) {
      return;
    }
    lastSentRef.current = null;
    const key = stableStringify(doc);
    if (loadedRef.current && key === docKeyRef.current) {
      return; // the same graph, only written differently
    }
    // The server is authoritative: its graph replaces a local change not sent yet.
    window.clearTimeout(sendTimer.current);
    sendTimer.current = undefined;
    const before = docRef.current;
    if (loadedRef.current) {
      record(doc, key);
    } else {
      setCurrent(doc, key);
    }
    // Fit on the first graph and when a different pipeline is loaded (no node in common).
    const ids = new Set(before.nodes.map((n) => n.id));
    if (doc.nodes.length > 0 && !doc.nodes.some((n) => ids.has(n.id))) {
      fitPending.current = true;
    }
    loadedRef.current = true;
    showDoc(doc);
  }, [graphJson, record, setCurrent, showDoc]);

  // Catalog and issues change what nodes render, not the graph.
  const shownCatalog = useRef(catalog);
  useEffect(() => {
    if (shownCatalog.current !== catalog) {
      shownCatalog.current = catalog;
      showDoc(toGraph(docRef.current, nodesRef.current, edgesRef.current));
    }
  }, [catalog, showDoc]);

  useEffect(() => {
    const next = withIssues(nodesRef.current, issues);
    if (next !== nodesRef.current) {
      setFlow(next);
    }
  }, [issues, setFlow]);

  // Run states restyle only the nodes and edges whose state changed, so that frequent updates stay cheap.
  useEffect(() => {
    const n = withRunStates(nodesRef.current, runStates);
    const e = withRunEdges(edgesRef.current, runStates);
    if (n !== nodesRef.current || e !== edgesRef.current) {
      setFlow(n !== nodesRef.current ? n : undefined, e !== edgesRef.current ? e : undefined);
    }
  }, [runStates, setFlow]);

  // The first graph is fitted here rather than with React Flow's fitView prop: that one waits for the first
  // node, so on an empty pipeline it would zoom onto the first dropped step.
  // After nodes are handed to React Flow (its effects run before ours), a queued fit sees them.
  useEffect(() => {
    if (fitPending.current && nodes.length > 0) {
      fitPending.current = false;
      void flow.fitView(FIT_OPTIONS);
    }
  }, [nodes, flow]);

  // ----------------------------------------------------------------------------------------------
  // Selection (canvas -> server) and focus (server -> canvas)

  // Null at first, so the server hears the selection a new (or re-attached) canvas starts with.
  const selectionSent = useRef<string | null>(null);
  const selectionTimer = useRef<number>();
  useEffect(() => {
    const json = JSON.stringify(nodes.filter((n) => n.selected).map((n) => n.id));
    window.clearTimeout(selectionTimer.current);
    if (json !== selectionSent.current) {
      selectionTimer.current = window.setTimeout(() => {
        selectionSent.current = json;
        sendSelection(json);
      }, SEND_DELAY_MS);
    }
  }, [nodes, sendSelection]);

  const lastFocusSeq = useRef<number>();
  useEffect(() => {
    if (!focus || typeof focus !== 'object' || focus.seq === lastFocusSeq.current) {
      return;
    }
    lastFocusSeq.current = focus.seq;
    const target = nodesRef.current.find((n) => n.id === focus.nodeId);
    if (!target) {
      return;
    }
    setFlow(
      nodesRef.current.map((n) => (!!n.selected === (n.id === target.id) ? n : { ...n, selected: n.id === target.id })),
      edgesRef.current.map((e) => (e.selected ? { ...e, selected: false } : e)),
    );
    const width = target.measured?.width ?? NODE_WIDTH;
    const height = target.measured?.height ?? 2 * NODE_HEADER;
    void flow.setCenter(target.position.x + width / 2, target.position.y + height / 2, {
      zoom: Math.max(flow.getZoom(), 0.75),
      duration: 300,
    });
  }, [focus, flow, setFlow]);

  // ----------------------------------------------------------------------------------------------
  // React Flow callbacks

  const onNodesChange = useCallback(
    (changes: NodeChange<StepNode>[]) => {
      const allowed = readOnlyRef.current
        ? changes.filter((c) => c.type === 'select' || c.type === 'dimensions')
        : changes;
      setFlow(applyNodeChanges(allowed, nodesRef.current));
      // A drag (or an arrow-key move) is committed when it ends, not on every frame.
      if (allowed.some((c) => (c.type === 'position' && c.dragging === false) || c.type === 'remove')) {
        commitSoon();
      }
    },
    [setFlow, commitSoon],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<PortEdge>[]) => {
      const allowed = readOnlyRef.current ? changes.filter((c) => c.type === 'select') : changes;
      setFlow(undefined, applyEdgeChanges(allowed, edgesRef.current));
      if (allowed.some((c) => c.type === 'remove')) {
        commitSoon();
      }
    },
    [setFlow, commitSoon],
  );

  const [refusal, setRefusal] = useState<string | null>(null);
  const refusalTimer = useRef<number>();
  const showRefusal = useCallback((reason: string) => {
    setRefusal(reason);
    window.clearTimeout(refusalTimer.current);
    refusalTimer.current = window.setTimeout(() => setRefusal(null), REFUSAL_SHOWN_MS);
  }, []);
  useEffect(() => () => window.clearTimeout(refusalTimer.current), []);

  // React Flow asks while the user drags; the last refusal is shown if the drag ends without a connection.
  const lastRefusal = useRef<string | null>(null);
  const connected = useRef(false);

  const isValidConnection = useCallback((c: Connection | Edge) => {
    const problem = connectionProblem(c, nodesRef.current, edgesRef.current);
    if (problem) {
      lastRefusal.current = problem;
    }
    return problem === null;
  }, []);

  const onConnectStart = useCallback((_e: unknown, _params: OnConnectStartParams) => {
    lastRefusal.current = null;
    connected.current = false;
  }, []);

  const onConnect = useCallback(
    (c: Connection) => {
      connected.current = true;
      if (readOnlyRef.current) {
        return;
      }
      const problem = connectionProblem(c, nodesRef.current, edgesRef.current);
      if (problem) {
        showRefusal(problem);
        return;
      }
      const model: GraphEdge = {
        id: uniqueId('e', new Set(edgesRef.current.map((e) => e.id))),
        source: c.source,
        sourcePort: c.sourceHandle ?? '',
        target: c.target,
        targetPort: c.targetHandle ?? '',
      };
      const portType = nodesRef.current
        .find((n) => n.id === c.source)
        ?.data.outputs.find((p) => p.id === c.sourceHandle)?.type;
      setFlow(undefined, [...edgesRef.current, toFlowEdge(model, portType, false, runStatesRef.current)]);
      commit();
    },
    [setFlow, commit, showRefusal],
  );

  const onConnectEnd = useCallback(
    (_e: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (connected.current || state.isValid !== false) {
        return;
      }
      let reason = lastRefusal.current;
      const from = state.fromHandle;
      const to = state.toHandle;
      if (from && to) {
        if (from.nodeId === to.nodeId && from.id === to.id && from.type === to.type) {
          return; // dropped back where it started
        }
        if (from.type === to.type) {
          reason = sameKindProblem(from.type);
        } else {
          const [out, input] = from.type === 'source' ? [from, to] : [to, from];
          reason =
            connectionProblem(
              { source: out.nodeId, sourceHandle: out.id, target: input.nodeId, targetHandle: input.id },
              nodesRef.current,
              edgesRef.current,
            ) ?? reason;
        }
      }
      if (reason) {
        showRefusal(reason);
      }
    },
    [showRefusal],
  );

  const onNodeDragStop = useCallback(() => commitSoon(), [commitSoon]);

  // React Flow reports a click only when the pointer did not drag the node.
  const onNodeClick = useCallback((_e: ReactMouseEvent, node: StepNode) => sendNodeClick({ nodeId: node.id }), [sendNodeClick]);

  // ----------------------------------------------------------------------------------------------
  // Editing actions

  const viewportCentre = useCallback((): XY => {
    const r = flowAreaRef.current?.getBoundingClientRect();
    return r ? flow.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 }) : { x: 0, y: 0 };
  }, [flow]);

  /** Adds a node centred on `at` (flow coordinates), or at the viewport centre, and selects it. */
  const addNode = useCallback(
    (typeId: string, at?: XY) => {
      const spec = catalogRef.current.get(typeId);
      if (readOnlyRef.current || !spec) {
        return;
      }
      const centre = at ?? viewportCentre();
      const position = { x: centre.x - NODE_WIDTH / 2, y: centre.y - NODE_HEADER / 2 };
      if (!at) {
        // Repeated clicks would pile nodes up in the centre; put each new one below the node it would cover.
        for (let tries = 0; tries < 100; tries++) {
          const below = nodesRef.current.find((n) => overlaps(n, position));
          if (!below) {
            break;
          }
          position.y = below.position.y + (below.measured?.height ?? 2 * NODE_HEADER) + NODE_GAP;
        }
      }
      const model = newNode(spec, position, nodesRef.current);
      const node: StepNode = {
        id: model.id,
        type: 'step',
        position: model.position,
        data: toStepData(model, catalogRef.current, [], issuesRef.current.get(model.id)),
        selected: true,
      };
      setFlow(
        [...nodesRef.current.map((n) => (n.selected ? { ...n, selected: false } : n)), node],
        edgesRef.current.map((e) => (e.selected ? { ...e, selected: false } : e)),
      );
      commit();
    },
    [setFlow, commit, viewportCentre],
  );

  const onDragOver = useCallback((e: DragEvent) => {
    if (!readOnlyRef.current && e.dataTransfer.types.includes(NODE_TYPE_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const typeId = e.dataTransfer.getData(NODE_TYPE_MIME);
      if (typeId) {
        e.preventDefault();
        addNode(typeId, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
      }
    },
    [addNode, flow],
  );

  const deleteSelection = useCallback(() => {
    const gone = new Set(nodesRef.current.filter((n) => n.selected).map((n) => n.id));
    const keptNodes = nodesRef.current.filter((n) => !gone.has(n.id));
    const keptEdges = edgesRef.current.filter((e) => !e.selected && !gone.has(e.source) && !gone.has(e.target));
    if (keptNodes.length !== nodesRef.current.length || keptEdges.length !== edgesRef.current.length) {
      setFlow(keptNodes, keptEdges);
      commit();
    }
  }, [setFlow, commit]);

  const copy = useCallback((): boolean => {
    const clip = copySelection(nodesRef.current, edgesRef.current);
    if (clip) {
      clipboard = { clip, pastes: 0 };
    }
    return !!clip;
  }, []);

  const paste = useCallback((): boolean => {
    if (!clipboard) {
      return false;
    }
    clipboard.pastes += 1;
    const offset = PASTE_OFFSET * clipboard.pastes;
    const pasted = pasteClip(clipboard.clip, { x: offset, y: offset }, nodesRef.current, edgesRef.current);
    const doc = { ...docRef.current, nodes: pasted.nodes, edges: pasted.edges };
    const added = toFlowNodes(doc, catalogRef.current, issuesRef.current, [], runStatesRef.current).map((n) => ({
      ...n,
      selected: true,
    }));
    const allNodes = [...nodesRef.current.map((n) => (n.selected ? { ...n, selected: false } : n)), ...added];
    setFlow(allNodes, [
      ...edgesRef.current.map((e) => (e.selected ? { ...e, selected: false } : e)),
      ...toFlowEdges(doc, added, [], runStatesRef.current),
    ]);
    commit();
    return true;
  }, [setFlow, commit]);

  /** Shows a graph from the history and sends it to the server. */
  const restore = useCallback(
    (doc: GraphDoc) => {
      setCurrent(doc);
      showDoc(doc);
      historyChanged();
      scheduleSend();
    },
    [setCurrent, showDoc, scheduleSend],
  );

  const undo = useCallback(() => {
    const h = history.current;
    const doc = h.past.pop();
    if (doc) {
      h.future.push(docRef.current);
      restore(doc);
    }
  }, [restore]);

  const redo = useCallback(() => {
    const h = history.current;
    const doc = h.future.pop();
    if (doc) {
      h.past.push(docRef.current);
      restore(doc);
    }
  }, [restore]);

  const layout = useCallback(() => {
    if (nodesRef.current.length === 0) {
      return;
    }
    const positions = layeredLayout(nodesRef.current, edgesRef.current);
    setFlow(nodesRef.current.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position })));
    commit();
    fitPending.current = true;
  }, [setFlow, commit]);

  const fit = useCallback(() => void flow.fitView({ ...FIT_OPTIONS, duration: 200 }), [flow]);

  const [helpOpen, setHelpOpen] = useState(false);
  const toggleHelp = useCallback(() => setHelpOpen((open) => !open), []);
  const closeHelp = useCallback(() => setHelpOpen(false), []);

  const clearSelection = useCallback(() => {
    setFlow(
      nodesRef.current.map((n) => (n.selected ? { ...n, selected: false } : n)),
      edgesRef.current.map((e) => (e.selected ? { ...e, selected: false } : e)),
    );
  }, [setFlow]);

  const onAction = useCallback(
    (action: ToolbarAction) => {
      ({ undo, redo, layout, fit, help: toggleHelp })[action]();
    },
    [undo, redo, layout, fit, toggleHelp],
  );

  // ----------------------------------------------------------------------------------------------
  // Keyboard: shortcuts apply while the canvas is the last thing the user clicked or focused.

  const active = useRef(true);
  useEffect(() => {
    const track = (e: Event) => {
      active.current = !!rootRef.current && e.composedPath().includes(rootRef.current);
    };
    document.addEventListener('pointerdown', track, true);
    document.addEventListener('focusin', track, true);
    return () => {
      document.removeEventListener('pointerdown', track, true);
      document.removeEventListener('focusin', track, true);
    };
  }, []);

  const onKey = useRef<(e: KeyboardEvent) => void>();
  onKey.current = (e: KeyboardEvent) => {
    if (e.defaultPrevented || !active.current || isTyping(e)) {
      return;
    }
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    const edit = !readOnly;
    let handled = true;
    if (mod && !e.altKey && key === 'z') {
      if (edit) (e.shiftKey ? redo : undo)();
    } else if (mod && !e.altKey && key === 'y') {
      if (edit) redo();
    } else if (mod && !e.altKey && key === 'c') {
      handled = copy(); // with nothing selected, leave Ctrl+C to the browser
    } else if (mod && !e.altKey && key === 'v') {
      handled = edit && paste();
    } else if (mod || e.altKey) {
      handled = false;
    } else if (key === 'delete' || key === 'backspace') {
      if (edit) deleteSelection();
    } else if (e.shiftKey && key === 'l') {
      if (edit) layout();
    } else if (key === 'f' && !e.shiftKey) {
      fit();
    } else if (e.key === '?') {
      toggleHelp();
    } else if (key === 'escape') {
      if (helpOpen) closeHelp();
      else clearSelection();
    } else if (key === 'enter') {
      // Enter on a focused node selects it (React Flow) and counts as a click on it.
      const nodeId = focusedNodeId(e);
      if (nodeId) sendNodeClick({ nodeId });
      handled = false;
    } else {
      handled = false;
    }
    if (handled) {
      e.preventDefault();
    }
  };
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKey.current?.(e);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);

  // ----------------------------------------------------------------------------------------------

  const h = history.current;
  return (
    <div className="fc-root" ref={rootRef} tabIndex={-1}>
      {!readOnly && <Palette catalog={catalogList} onAdd={addNode} />}
      <div className="fc-main">
        <Toolbar
          readOnly={readOnly}
          canUndo={h.past.length > 0}
          canRedo={h.future.length > 0}
          helpOpen={helpOpen}
          onAction={onAction}
        />
        <div className="fc-flow" ref={flowAreaRef}>
          <ReactFlow<StepNode, PortEdge>
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onConnectStart={onConnectStart}
            onConnectEnd={onConnectEnd}
            isValidConnection={isValidConnection}
            onNodeDragStop={onNodeDragStop}
            onNodeClick={onNodeClick}
            onSelectionDragStop={onNodeDragStop}
            onDragOver={onDragOver}
            onDrop={onDrop}
            nodesDraggable={!readOnly}
            nodesConnectable={!readOnly}
            edgesReconnectable={false}
            elementsSelectable
            deleteKeyCode={null}
            multiSelectionKeyCode={MULTI_SELECT_KEYS}
            minZoom={0.1}
            maxZoom={2}
          >
            <Background />
            <Controls showInteractive={false} />
            <MiniMap pannable zoomable nodeColor={miniMapNodeColor} style={MINIMAP_STYLE} />
          </ReactFlow>
          {nodes.length === 0 && (
            <div className="fc-empty-hint" data-testid="empty-hint">
              {readOnly ? 'This pipeline has no steps.' : EMPTY_HINT}
            </div>
          )}
          {refusal && (
            <div className="fc-banner" data-testid="connection-refused" role="alert">
              {refusal}
            </div>
          )}
          {helpOpen && <HelpPopover readOnly={readOnly} onClose={closeHelp} />}
        </div>
      </div>
    </div>
  );
}

/** Memoised so that state the canvas itself sends (selection) doesn't re-render it. */
export const Canvas = memo(CanvasView);
