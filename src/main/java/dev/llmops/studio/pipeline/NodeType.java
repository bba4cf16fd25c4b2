package dev.llmops.studio.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A kind of step the designer's palette offers: its ports, parameters and the resources one run needs. */
public record NodeType(String id, String name, String category, String icon, String description,
        List<Port> inputs, List<Port> outputs, List<ParamSpec> params, Resources resources) {

    public NodeType {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        params = List.copyOf(params);
    }

    public Optional<Port> input(String id) {
        return inputs.stream().filter(port -> port.id().equals(id)).findFirst();
    }

    public Optional<Port> output(String id) {
        return outputs.stream().filter(port -> port.id().equals(id)).findFirst();
    }

    public Optional<ParamSpec> param(String name) {
        return params.stream().filter(param -> param.name().equals(name)).findFirst();
    }

    /** The parameters a new node starts with: a fresh, modifiable map in schema order, without params that have no default. */
    public Map<String, Object> defaultParams() {
        Map<String, Object> defaults = new LinkedHashMap<>();
        for (ParamSpec param : params) {
            if (param.defaultValue() != null) {
                defaults.put(param.name(), param.defaultValue());
            }
        }
        return defaults;
    }
}
