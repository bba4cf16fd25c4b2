package dev.llmops.studio.pipeline;

import java.util.List;

/**
 * One parameter of a node type. {@code defaultValue} has the Java type the parameter takes ({@code String},
 * {@code Integer}/{@code Long}, {@code Double}, {@code Boolean}) or is {@code null}; {@code min}/{@code max}
 * bound INT and FLOAT parameters ({@code null} = unbounded); {@code options} lists an ENUM's values and is
 * empty for every other type.
 */
public record ParamSpec(String name, String label, ParamType type, Object defaultValue, Double min, Double max,
        boolean required, List<String> options, String help) {

    public ParamSpec {
        options = options == null ? List.of() : List.copyOf(options);
    }
}
