package dev.llmops.studio.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a model's output against a test case's expectation (see {@link AssertionType}). Pure functions: the
 * same output and expectation always give the same verdict, with a reason a reviewer can read. The one type that
 * needs another model, {@link AssertionType#LLM_JUDGE}, is judged by {@link LlmJudge} instead.
 */
public final class OutputAssertions {

    /** Overlap checks pass at this score unless the case sets its own threshold. */
    public static final double DEFAULT_THRESHOLD = 0.5;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RANGE = Pattern.compile("\\s*(\\d*)\\s*\\.\\.\\s*(\\d*)\\s*");

    private OutputAssertions() {
    }

    /**
     * @param labels for {@link AssertionType#CLASSIFICATION}: the label set the output is mapped to
     * @param threshold for {@link AssertionType#TOKEN_F1} and {@link AssertionType#ROUGE_L}; null = default
     */
    public static AssertionResult check(AssertionType type, String output, String expected, List<String> labels,
            Double threshold) {
        String out = output == null ? "" : output;
        String want = expected == null ? "" : expected;
        return switch (type) {
            case NONE -> AssertionResult.of(true, "recorded; no assertion");
            case EQUALS -> AssertionResult.of(out.strip().equals(want.strip()),
                    out.strip().equals(want.strip()) ? "equals the expected text" : "differs from the expected text");
            case CONTAINS -> contains(out, List.of(want), false, true);
            case ICONTAINS -> contains(out, List.of(want), true, true);
            case CONTAINS_ANY -> contains(out, list(want), false, false);
            case CONTAINS_ALL -> contains(out, list(want), false, true);
            case ICONTAINS_ANY -> contains(out, list(want), true, false);
            case ICONTAINS_ALL -> contains(out, list(want), true, true);
            case REGEX -> regex(out, want);
            case STARTS_WITH -> AssertionResult.of(out.strip().startsWith(want.strip()),
                    out.strip().startsWith(want.strip()) ? "starts with “" + want.strip() + "”"
                            : "does not start with “" + want.strip() + "”");
            case LENGTH -> length(out, want);
            case IS_JSON -> json(out);
            case JSON_SCHEMA -> JsonSchemaCheck.check(out, want);
            case CLASSIFICATION -> classification(out, want, labels);
            case TOKEN_F1 -> overlap("token F1", TextOverlap.tokenF1(out, want), threshold);
            case ROUGE_L -> overlap("ROUGE-L", TextOverlap.rougeL(out, want), threshold);
            case LLM_JUDGE -> AssertionResult.of(false, "an LLM judge grades this output: run it in a prompt test,"
                    + " whose suite names the judge endpoint");
        };
    }

    /** The label an output names: the first label (whole words, any case) found in it, earliest position first. */
    public static Optional<String> mapToLabel(String output, List<String> labels) {
        String best = null;
        int bestAt = Integer.MAX_VALUE;
        for (String label : labels) {
            Matcher matcher = Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(label.strip())
                    + "(?![\\p{L}\\p{N}])", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE).matcher(output);
            if (matcher.find() && matcher.start() < bestAt) {
                bestAt = matcher.start();
                best = label.strip();
            }
        }
        return Optional.ofNullable(best);
    }

    private static AssertionResult contains(String output, List<String> wanted, boolean ignoreCase, boolean all) {
        String haystack = ignoreCase ? output.toLowerCase(Locale.ROOT) : output;
        List<String> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String value : wanted) {
            (haystack.contains(ignoreCase ? value.toLowerCase(Locale.ROOT) : value) ? found : missing).add(value);
        }
        boolean pass = all ? missing.isEmpty() : !found.isEmpty();
        String reason = pass ? "contains " + (all ? found : found.get(0)) : all ? "missing " + missing
                : "contains none of " + wanted;
        return AssertionResult.of(pass, reason);
    }

    private static AssertionResult regex(String output, String pattern) {
        try {
            boolean found = Pattern.compile(pattern).matcher(output).find();
            return AssertionResult.of(found, found ? "matches /" + pattern + "/" : "does not match /" + pattern + "/");
        } catch (PatternSyntaxException e) {
            return AssertionResult.of(false, "the expected pattern is not a valid regular expression: "
                    + e.getDescription());
        }
    }

    private static AssertionResult length(String output, String range) {
        Matcher matcher = RANGE.matcher(range);
        if (!matcher.matches()) {
            return AssertionResult.of(false, "the expected length must be a range such as 10..200, ..80 or 5..");
        }
        int length = output.strip().codePointCount(0, output.strip().length());
        int min = matcher.group(1).isEmpty() ? 0 : Integer.parseInt(matcher.group(1));
        int max = matcher.group(2).isEmpty() ? Integer.MAX_VALUE : Integer.parseInt(matcher.group(2));
        boolean pass = length >= min && length <= max;
        return AssertionResult.of(pass, length + " characters, " + (pass ? "within " : "outside ") + range.strip());
    }

    private static AssertionResult json(String output) {
        try {
            JsonNode node = JSON.readTree(output.strip());
            boolean pass = node != null && !node.isMissingNode();
            return AssertionResult.of(pass, pass ? "valid JSON" : "empty output is not JSON");
        } catch (JsonProcessingException e) {
            return AssertionResult.of(false, "not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static AssertionResult classification(String output, String expected, List<String> labels) {
        List<String> labelSet = labels == null || labels.isEmpty() ? List.of(expected) : labels;
        Optional<String> predicted = mapToLabel(output, labelSet);
        boolean pass = predicted.isPresent() && predicted.get().equalsIgnoreCase(expected.strip());
        String reason = predicted.map(label -> "answered “" + label + "”, expected “" + expected.strip() + "”")
                .orElse("named none of the labels " + labelSet);
        return new AssertionResult(pass, pass ? 1 : 0, reason, predicted.orElse(null));
    }

    private static AssertionResult overlap(String name, double score, Double threshold) {
        double bar = threshold == null ? DEFAULT_THRESHOLD : threshold;
        boolean pass = score >= bar;
        return new AssertionResult(pass, score, String.format(Locale.ROOT, "%s %.3f %s threshold %.2f", name, score,
                pass ? "≥" : "<", bar), null);
    }

    /** A JSON array of strings, or values separated by {@code |}. */
    static List<String> list(String expected) {
        String trimmed = expected.strip();
        if (trimmed.startsWith("[")) {
            try {
                List<String> values = new ArrayList<>();
                JSON.readTree(trimmed).forEach(node -> values.add(node.asText()));
                return values;
            } catch (JsonProcessingException e) {
                // not an array after all: read it as |-separated text
            }
        }
        List<String> values = new ArrayList<>();
        for (String value : trimmed.split("\\|")) {
            if (!value.strip().isEmpty()) {
                values.add(value.strip());
            }
        }
        return values;
    }
}
