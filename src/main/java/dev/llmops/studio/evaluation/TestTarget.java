package dev.llmops.studio.evaluation;

import java.util.Objects;

/** What a prompt test runs against: a deployed endpoint, or a registered model version loaded for the test. */
public record TestTarget(Kind kind, String name, Integer version) {

    public enum Kind { ENDPOINT, MODEL }

    public TestTarget {
        Objects.requireNonNull(kind, "kind");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(kind == Kind.ENDPOINT ? "name the endpoint" : "name the model");
        }
        name = name.strip();
        if (kind == Kind.MODEL && (version == null || version < 1)) {
            throw new IllegalArgumentException("name the version of model " + name);
        }
        version = kind == Kind.ENDPOINT ? null : version;
    }

    public static TestTarget endpoint(String endpoint) {
        return new TestTarget(Kind.ENDPOINT, endpoint, null);
    }

    public static TestTarget model(String modelName, int version) {
        return new TestTarget(Kind.MODEL, modelName, version);
    }

    /** "support-bot" or "support-model v3". */
    public String label() {
        return kind == Kind.ENDPOINT ? name : name + " v" + version;
    }
}
