package dev.llmops.studio.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/** The node types users can place on the canvas, in palette order. Fixed at start-up; safe to share. */
@Component
public class NodeTypeCatalog {

    /** The parameter every step has: worker labels the step requires (comma-separated, empty = any worker). */
    public static final String WORKER_LABELS = "workerLabels";

    private final List<NodeType> types;
    private final String json;

    public NodeTypeCatalog() {
        this(CatalogEntries.all());
    }

    /** For tests that need node types the shipped catalog lacks (a CRON parameter, say). */
    NodeTypeCatalog(List<NodeType> types) {
        Set<String> ids = new HashSet<>();
        for (NodeType type : types) {
            if (!ids.add(type.id())) {
                throw new IllegalArgumentException("Node type id used twice: " + type.id());
            }
        }
        this.types = List.copyOf(types);
        this.json = render(this.types);
    }

    public List<NodeType> all() {
        return types;
    }

    public Optional<NodeType> find(String id) {
        return types.stream().filter(type -> type.id().equals(id)).findFirst();
    }

    /**
     * The catalog for the browser canvas: an array of node types in palette order. Absent values (no default,
     * unbounded, no help) are left out rather than written as {@code null}, and {@code options} appears only
     * on ENUM parameters; outputs carry only {@code id}, {@code label} and {@code type}.
     */
    public String toJson() {
        return json;
    }

    /** Whole bounds as integers, so the canvas shows 2147483647 rather than 2.147483647E9. */
    private static void putBound(ObjectNode param, String name, Double bound) {
        if (bound == null) {
            return;
        }
        if (bound == Math.rint(bound) && Math.abs(bound) < 1e15) {
            param.put(name, bound.longValue());
        } else {
            param.put(name, bound);
        }
    }

    private static String render(List<NodeType> types) {
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode array = mapper.createArrayNode();
        for (NodeType type : types) {
            ObjectNode node = array.addObject();
            node.put("id", type.id());
            node.put("name", type.name());
            node.put("category", type.category());
            node.put("icon", type.icon());
            node.put("description", type.description());
            ArrayNode inputs = node.putArray("inputs");
            type.inputs().forEach(port -> inputs.addObject()
                    .put("id", port.id())
                    .put("label", port.label())
                    .put("type", port.type().name())
                    .put("required", port.required())
                    .put("multiple", port.multiple()));
            ArrayNode outputs = node.putArray("outputs");
            type.outputs().forEach(port -> outputs.addObject()
                    .put("id", port.id())
                    .put("label", port.label())
                    .put("type", port.type().name()));
            ArrayNode params = node.putArray("params");
            for (ParamSpec spec : type.params()) {
                ObjectNode param = params.addObject()
                        .put("name", spec.name())
                        .put("label", spec.label())
                        .put("type", spec.type().name());
                if (spec.defaultValue() != null) {
                    param.set("default", mapper.valueToTree(spec.defaultValue()));
                }
                putBound(param, "min", spec.min());
                putBound(param, "max", spec.max());
                param.put("required", spec.required());
                if (spec.type() == ParamType.ENUM) {
                    ArrayNode options = param.putArray("options");
                    spec.options().forEach(options::add);
                }
                if (spec.help() != null) {
                    param.put("help", spec.help());
                }
            }
            node.putObject("resources")
                    .put("cpuCores", type.resources().cpuCores())
                    .put("gpus", type.resources().gpus())
                    .put("memoryMb", type.resources().memoryMb());
        }
        try {
            return mapper.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the node type catalog as JSON", e);
        }
    }
}
