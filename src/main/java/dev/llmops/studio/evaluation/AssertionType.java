package dev.llmops.studio.evaluation;

import java.util.Locale;
import java.util.Optional;

/**
 * What a prompt test checks in an output (docs/metrics.md, Assertions). The expected value's meaning depends on
 * the type: a text, a list of texts (a JSON array, or values separated by {@code |}), a pattern, a length range
 * {@code min..max}, a label, a reference answer, a JSON Schema, or a rubric for an LLM judge. {@link #NONE} only
 * records the output (for reading or human review) and always passes.
 */
public enum AssertionType {
    NONE, EQUALS, CONTAINS, ICONTAINS, CONTAINS_ANY, CONTAINS_ALL, ICONTAINS_ANY, ICONTAINS_ALL, REGEX, STARTS_WITH,
    LENGTH, IS_JSON, JSON_SCHEMA, CLASSIFICATION, TOKEN_F1, ROUGE_L, LLM_JUDGE;

    /** The type a file or form names, in any case and with dashes or underscores: "json-schema", "IContains". */
    public static Optional<AssertionType> named(String name) {
        String normalized = name == null ? "" : name.strip().toUpperCase(Locale.ROOT).replace('-', '_')
                .replace(' ', '_');
        for (AssertionType type : values()) {
            if (type.name().equals(normalized)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
