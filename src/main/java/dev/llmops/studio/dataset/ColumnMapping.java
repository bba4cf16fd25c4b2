package dev.llmops.studio.dataset;

import java.util.List;

/**
 * Which CSV columns (by header name) play which part. {@code prompt} and {@code response} make a chat example;
 * {@code text} alone makes a plain-text example; {@code label}, {@code id} and {@code attributes} (group or
 * sensitive attributes for fairness reports) are optional. For JSONL the shapes fix prompt and response, and the
 * mapping may still name top-level keys for label, id and attributes.
 */
public record ColumnMapping(String prompt, String response, String text, String label, String id,
        List<String> attributes) {

    public ColumnMapping {
        attributes = attributes == null ? List.of() : List.copyOf(attributes);
    }

    public static ColumnMapping none() {
        return new ColumnMapping(null, null, null, null, null, List.of());
    }
}
