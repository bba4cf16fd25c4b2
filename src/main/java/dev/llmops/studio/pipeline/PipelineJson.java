package dev.llmops.studio.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pipelines as JSON (schema version 1), the one format of files, the database and the browser canvas:
 *
 * <pre>{@code
 * { "schemaVersion": 1, "schedule": "0 0 3 * * ?",
 *   "nodes": [ {"id": "n1", "type": "fine-tune", "label": "Fine-tune", "position": {"x": 120, "y": 80},
 *               "params": {"epochs": 3, "method": "lora"}} ],
 *   "edges": [ {"id": "e1", "source": "n1", "sourcePort": "model", "target": "n2", "targetPort": "model"} ] }
 * }</pre>
 *
 * <p>{@link #read} refuses only what cannot be turned into a {@link PipelineGraph}; whether the graph makes
 * sense (known node types, fitting ports, valid parameters, no cycles) is {@link GraphValidator}'s job, so a
 * half-finished pipeline can still be saved and reopened. Other top-level fields (a template's name and
 * description) are ignored.
 */
public final class PipelineJson {

    public static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            // nested parameter maps too, so equal graphs give equal text whatever map they were built with
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    /** Indented with "\n" on every platform: files diff well and the text does not depend on the server's OS. */
    private static final ObjectWriter WRITER;

    static {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withArrayEmptySeparator("")
                .withObjectEmptySeparator(""));
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        WRITER = MAPPER.writer(printer);
    }

    private PipelineJson() {
    }

    /** The same graph always gives the same text: nodes and edges in list order, parameters sorted by name. */
    public static String write(PipelineGraph graph) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schemaVersion", SCHEMA_VERSION);
        if (graph.schedule() != null) {
            root.put("schedule", graph.schedule());
        }
        ArrayNode nodes = root.putArray("nodes");
        for (GraphNode node : graph.nodes()) {
            ObjectNode json = nodes.addObject();
            json.put("id", node.id());
            json.put("type", node.type());
            if (node.label() != null) {
                json.put("label", node.label());
            }
            ObjectNode position = json.putObject("position");
            putCoordinate(position, "x", node.x());
            putCoordinate(position, "y", node.y());
            json.set("params", MAPPER.valueToTree(new TreeMap<>(node.params())));
        }
        ArrayNode edges = root.putArray("edges");
        for (GraphEdge edge : graph.edges()) {
            ObjectNode json = edges.addObject();
            if (edge.id() != null) {
                json.put("id", edge.id());
            }
            json.put("source", edge.source());
            json.put("sourcePort", edge.sourcePort());
            json.put("target", edge.target());
            json.put("targetPort", edge.targetPort());
        }
        try {
            return WRITER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a pipeline as JSON", e);
        }
    }

    /** Whole-number coordinates as integers ("x": 120), which is what people write by hand and the canvas sends. */
    private static void putCoordinate(ObjectNode position, String name, double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            position.put(name, (long) value);
        } else {
            position.put(name, value);
        }
    }

    /**
     * Reads pipeline JSON, collecting every structural problem before giving up.
     *
     * @throws InvalidPipelineFileException with all reasons when the text is not a pipeline of this version
     */
    public static PipelineGraph read(String json) throws InvalidPipelineFileException {
        if (json == null || json.isBlank()) {
            throw new InvalidPipelineFileException(List.of("the file is empty"));
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidPipelineFileException(List.of(syntaxReason(e)));
        }
        if (!root.isObject()) {
            throw new InvalidPipelineFileException(List.of("the top level must be a JSON object"));
        }
        JsonNode version = root.get("schemaVersion");
        if (version == null || version.isNull()) {
            throw new InvalidPipelineFileException(
                    List.of("missing \"schemaVersion\" (this version reads " + SCHEMA_VERSION + ")"));
        }
        if (!version.isIntegralNumber()) {
            throw new InvalidPipelineFileException(List.of("\"schemaVersion\" must be a whole number (this version reads "
                    + SCHEMA_VERSION + ")"));
        }
        if (!version.canConvertToInt() || version.intValue() != SCHEMA_VERSION) {
            // a later version may mean anything; reporting its details as errors would only mislead
            throw new InvalidPipelineFileException(List.of("schemaVersion " + version.asText()
                    + " is not supported (this version reads " + SCHEMA_VERSION + ")"));
        }
        return new Reader().graph(root);
    }

    /** Jackson's message without its location suffix, prefixed by line and column. */
    private static String syntaxReason(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "not valid JSON" : e.getOriginalMessage();
        if (message.startsWith("Trailing token")) {
            message = "unexpected text after the end of the pipeline";
        }
        int cut = message.indexOf('\n');
        if (cut >= 0) {
            message = message.substring(0, cut);
        }
        // "(for Array starting at [Source: …; line: 3, column: 12])" repeats what the prefix says
        cut = message.indexOf("[Source:");
        if (cut >= 0) {
            message = message.substring(0, Math.max(0, message.lastIndexOf(" (", cut)));
        }
        message = message.strip();
        if (message.endsWith(":")) {
            message = message.substring(0, message.length() - 1);
        }
        if (!message.isEmpty()) {
            message = message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
        }
        return e.getLocation() == null ? message
                : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": " + message;
    }

    /** One read: collects reasons instead of stopping at the first. */
    private static final class Reader {

        private final List<String> reasons = new ArrayList<>();

        PipelineGraph graph(JsonNode root) {
            String schedule = null;
            JsonNode scheduleJson = root.get("schedule");
            if (scheduleJson != null && !scheduleJson.isNull()) {
                if (scheduleJson.isTextual()) {
                    schedule = scheduleJson.textValue();
                } else {
                    reasons.add("\"schedule\" must be a string");
                }
            }
            List<GraphNode> nodes = new ArrayList<>();
            Map<String, Integer> firstIndex = new HashMap<>();
            JsonNode nodesJson = array(root, "nodes");
            for (int i = 0; i < nodesJson.size(); i++) {
                GraphNode node = node("nodes[" + i + "]", nodesJson.get(i));
                if (node == null) {
                    continue;
                }
                Integer earlier = firstIndex.putIfAbsent(node.id(), i);
                if (earlier != null) {
                    reasons.add("nodes[" + i + "]: duplicate id \"" + node.id() + "\" (also used by nodes[" + earlier
                            + "])");
                } else {
                    nodes.add(node);
                }
            }
            List<GraphEdge> edges = new ArrayList<>();
            JsonNode edgesJson = array(root, "edges");
            for (int i = 0; i < edgesJson.size(); i++) {
                GraphEdge edge = edge("edges[" + i + "]", edgesJson.get(i));
                if (edge != null) {
                    edges.add(edge);
                }
            }
            if (!reasons.isEmpty()) {
                throw new InvalidPipelineFileException(reasons);
            }
            return new PipelineGraph(schedule, nodes, edges);
        }

        /** An absent list is an empty one: a pipeline without edges need not spell them out. */
        private JsonNode array(JsonNode root, String name) {
            JsonNode value = root.get(name);
            if (value == null) {
                return MAPPER.createArrayNode();
            }
            if (!value.isArray()) {
                reasons.add("\"" + name + "\" must be an array");
                return MAPPER.createArrayNode();
            }
            return value;
        }

        private GraphNode node(String path, JsonNode json) {
            if (!json.isObject()) {
                reasons.add(path + ": must be an object");
                return null;
            }
            int before = reasons.size();
            String id = requiredText(path, json, "id");
            String type = requiredText(path, json, "type");
            String label = optionalText(path, json, "label");
            double x = 0;
            double y = 0;
            JsonNode position = json.get("position");
            if (position != null && !position.isNull()) {
                if (position.isObject() && isFiniteNumber(position.get("x")) && isFiniteNumber(position.get("y"))) {
                    x = position.get("x").doubleValue();
                    y = position.get("y").doubleValue();
                } else {
                    reasons.add(path + ": \"position\" must be an object with numbers \"x\" and \"y\"");
                }
            }
            Map<String, Object> params = new LinkedHashMap<>();
            JsonNode paramsJson = json.get("params");
            if (paramsJson != null && !paramsJson.isNull()) {
                if (paramsJson.isObject()) {
                    paramsJson.properties().forEach(
                            entry -> params.put(entry.getKey(), value(path + ": parameter \"" + entry.getKey() + "\"",
                                    entry.getValue())));
                } else {
                    reasons.add(path + ": \"params\" must be an object");
                }
            }
            return reasons.size() > before ? null : new GraphNode(id, type, label, x, y, params);
        }

        private GraphEdge edge(String path, JsonNode json) {
            if (!json.isObject()) {
                reasons.add(path + ": must be an object");
                return null;
            }
            int before = reasons.size();
            String id = optionalText(path, json, "id");
            String source = requiredText(path, json, "source");
            String sourcePort = requiredText(path, json, "sourcePort");
            String target = requiredText(path, json, "target");
            String targetPort = requiredText(path, json, "targetPort");
            return reasons.size() > before ? null : new GraphEdge(id, source, sourcePort, target, targetPort);
        }

        private String requiredText(String path, JsonNode json, String field) {
            JsonNode value = json.get(field);
            if (value == null || value.isNull()) {
                reasons.add(path + ": missing \"" + field + "\"");
                return null;
            }
            if (!value.isTextual()) {
                reasons.add(path + ": \"" + field + "\" must be a string");
                return null;
            }
            if (value.textValue().isBlank()) {
                reasons.add(path + ": \"" + field + "\" must not be empty");
                return null;
            }
            return value.textValue();
        }

        private String optionalText(String path, JsonNode json, String field) {
            JsonNode value = json.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isTextual()) {
                reasons.add(path + ": \"" + field + "\" must be a string");
                return null;
            }
            return value.textValue();
        }

        /** Plain Java values: integers as Integer or Long (BigInteger beyond), decimals as Double. */
        private Object value(String path, JsonNode json) {
            if (json.isNull()) {
                return null;
            }
            if (json.isTextual()) {
                return json.textValue();
            }
            if (json.isBoolean()) {
                return json.booleanValue();
            }
            if (json.isInt()) {
                return json.intValue();
            }
            if (json.isLong()) {
                return json.longValue();
            }
            if (json.isIntegralNumber()) {
                return json.bigIntegerValue();
            }
            if (json.isNumber()) {
                if (!Double.isFinite(json.doubleValue())) {
                    reasons.add(path + " is too large a number");
                    return null;
                }
                return json.doubleValue();
            }
            if (json.isArray()) {
                List<Object> list = new ArrayList<>();
                for (int i = 0; i < json.size(); i++) {
                    list.add(value(path + "[" + i + "]", json.get(i)));
                }
                return list;
            }
            Map<String, Object> map = new LinkedHashMap<>();
            json.properties().forEach(entry -> map.put(entry.getKey(),
                    value(path + "." + entry.getKey(), entry.getValue())));
            return map;
        }

        private static boolean isFiniteNumber(JsonNode value) {
            return value != null && value.isNumber() && Double.isFinite(value.doubleValue());
        }
    }
}
