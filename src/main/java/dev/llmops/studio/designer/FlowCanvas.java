package dev.llmops.studio.designer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import com.vaadin.flow.component.dependency.NpmPackage;
import com.vaadin.flow.component.react.ReactAdapterComponent;
import com.vaadin.flow.function.SerializableConsumer;
import com.vaadin.flow.shared.Registration;
import elemental.json.JsonType;
import elemental.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pipeline canvas: a React Flow editor ({@code flow-canvas.tsx}) behind a small Java API.
 *
 * <p>The server owns the graph; the browser edits a local copy and sends the whole graph back
 * as JSON. All values cross as JSON strings so that the graph's unknown fields survive untouched.
 *
 * <p>A run view reuses the canvas read-only: {@link #setNodeStates} lays each step's run state over the graph
 * and {@link #addNodeClickListener} tells which step the user clicked.
 */
@Tag("flow-canvas")
@JsModule("./flow-canvas.tsx")
@NpmPackage(value = "@xyflow/react", version = "12.12.1")
public class FlowCanvas extends ReactAdapterComponent implements HasSize {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};
    private static final String NODE_CLICK_EVENT = "node-click";
    private static final String NODE_CLICK_ID = "event.detail.nodeId";

    /** Last graph JSON from either side; comparing against it stops echoes in both directions. */
    private String graph;

    private String selection = "[]";
    private long focusSeq;
    private final List<SerializableConsumer<String>> graphListeners = new ArrayList<>();
    private final List<SerializableConsumer<List<String>>> selectionListeners = new ArrayList<>();

    public FlowCanvas() {
        // Initial values first: the property listeners below also see server-side changes.
        setState("catalog", "[]");
        setState("readOnly", false);
        setState("issues", "[]");
        setState("selection", selection);
        setState("nodeStates", "{}");
        setSizeFull();

        addStateChangeListener("graph", String.class, json -> {
            // Property listeners also fire for our own setState; only browser edits are news.
            if (json == null || json.equals(graph)) {
                return;
            }
            graph = json;
            List.copyOf(graphListeners).forEach(l -> l.accept(json));
        });
        addStateChangeListener("selection", String.class, json -> {
            if (json == null || json.equals(selection)) {
                return;
            }
            selection = json;
            List<String> ids = parseIds(json);
            List.copyOf(selectionListeners).forEach(l -> l.accept(ids));
        });
    }

    /** The step types for the palette and the node ports (a JSON array, palette order). */
    public void setCatalog(String catalogJson) {
        setState("catalog", catalogJson == null ? "[]" : catalogJson);
    }

    /** Replaces the graph shown; the canvas records it as an undo step when it differs. */
    public void setGraph(String graphJson) {
        if (Objects.equals(graphJson, graph)) {
            return; // also the browser's own change coming back: don't push it to the browser again
        }
        graph = graphJson;
        setState("graph", graphJson);
    }

    /** Called with the whole graph JSON after each change made in the browser (not for {@link #setGraph}). */
    public Registration addGraphChangeListener(SerializableConsumer<String> listener) {
        graphListeners.add(Objects.requireNonNull(listener));
        return () -> graphListeners.remove(listener);
    }

    public void setReadOnly(boolean readOnly) {
        setState("readOnly", readOnly);
    }

    /** Validation issues as a JSON array of {@code {"nodeId","field","message"}}; nodeId may be null. */
    public void setIssues(String issuesJson) {
        setState("issues", issuesJson == null ? "[]" : issuesJson);
    }

    /** Called with the ids of the selected nodes whenever the selection changes in the browser. */
    public Registration addSelectionListener(SerializableConsumer<List<String>> listener) {
        selectionListeners.add(Objects.requireNonNull(listener));
        return () -> selectionListeners.remove(listener);
    }

    /** Selects only this node and centres the view on it; the selection listeners then hear of it. */
    public void focusNode(String nodeId) {
        // The sequence number makes a repeated focus on the same node a new value for the browser.
        // The state is not called "focus": as an element property that would hide HTMLElement.focus().
        setState("focusRequest", Map.of("nodeId", Objects.requireNonNull(nodeId), "seq", ++focusSeq));
    }

    /**
     * Shows a pipeline run's progress: a JSON object keyed by node id, for example
     * {@code {"n1": {"status": "RUNNING", "progress": 0.42, "attempt": 2, "message": "retrying after: reset"}}}.
     * Status is one of PENDING, QUEUED, LEASED, RUNNING, SUCCEEDED, FAILED, CANCELLED, WAITING; progress is 0..1;
     * message (shown as the status chip's tooltip), progress and attempt may be null. Null or {@code "{}"} removes
     * the overlay. The states are display only: they are not part of the graph or its undo history, and nodes
     * without an entry show no state.
     */
    public void setNodeStates(String statesJson) {
        setState("nodeStates", statesJson == null || statesJson.isBlank() ? "{}" : statesJson);
    }

    /**
     * Called with the node id each time the user clicks a step (or presses Enter on a focused one), also in
     * read-only mode and also when it is the step clicked last time. A click also selects the step as usual.
     */
    public Registration addNodeClickListener(SerializableConsumer<String> listener) {
        Objects.requireNonNull(listener);
        // A DOM event, not a state: every click is news, and the browser sends it only while someone listens.
        return getElement()
                .addEventListener(NODE_CLICK_EVENT, event -> {
                    JsonValue nodeId = event.getEventData().get(NODE_CLICK_ID);
                    if (nodeId != null && nodeId.getType() == JsonType.STRING) {
                        listener.accept(nodeId.asString());
                    }
                })
                .addEventData(NODE_CLICK_ID);
    }

    private static List<String> parseIds(String json) {
        try {
            List<String> ids = JSON.readValue(json, STRING_LIST);
            return ids == null ? List.of() : ids.stream().filter(Objects::nonNull).toList();
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }
}
