package dev.llmops.studio.evaluation;

/**
 * What a prompt test checks in an output (docs/metrics.md, Assertions). The expected value's meaning depends on
 * the type: a text, a list of texts (a JSON array, or values separated by {@code |}), a pattern, a length range
 * {@code min..max}, a label, or a reference answer.
 */
public enum AssertionType {
    EQUALS, CONTAINS, ICONTAINS, CONTAINS_ANY, CONTAINS_ALL, ICONTAINS_ANY, ICONTAINS_ALL, REGEX, STARTS_WITH,
    LENGTH, IS_JSON, CLASSIFICATION, TOKEN_F1, ROUGE_L
}
