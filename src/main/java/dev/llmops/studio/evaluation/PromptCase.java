package dev.llmops.studio.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.studio.model.ChatTurn;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One case of a prompt suite: what is sent (a {@code prompt}, sent as one user message, or a whole chat in
 * {@code messages}), how the answer is checked ({@code assertion} with its {@code expected} value and optional
 * {@code threshold}), and optional attributes: a {@code label} (for classification the expected label) and a
 * {@code group} to slice results by.
 */
public record PromptCase(String prompt, List<ChatTurn> messages, String expected, AssertionType assertion,
                         Double threshold, String label, String group) {

    static final int MAX_ATTRIBUTE = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RANGE = Pattern.compile("\\s*\\d*\\s*\\.\\.\\s*\\d*\\s*");

    public PromptCase {
        prompt = blankToNull(prompt);
        messages = messages == null || messages.isEmpty() ? null : List.copyOf(messages);
        expected = blankToNull(expected);
        assertion = assertion == null ? AssertionType.NONE : assertion;
        label = blankToNull(label);
        group = blankToNull(group);
        if (assertion == AssertionType.CLASSIFICATION && label == null && expected != null) {
            label = expected.strip();
        }
    }

    /** A single-prompt case. */
    public static PromptCase of(String prompt, AssertionType assertion, String expected) {
        return new PromptCase(prompt, null, expected, assertion, null, null, null);
    }

    /** What the model is sent: the prompt as one user message, or the case's chat. */
    public List<ChatTurn> chat() {
        return messages != null ? messages : List.of(new ChatTurn("user", prompt == null ? "" : prompt));
    }

    /** The prompt as screens and reports show it: the prompt, or the last user message of the chat. */
    public String shownPrompt() {
        if (messages == null) {
            return prompt == null ? "" : prompt;
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role().equals("user")) {
                return messages.get(i).content();
            }
        }
        return messages.get(messages.size() - 1).content();
    }

    /**
     * What is wrong with the case, if anything, as (field, message): a field of the file formats (prompt,
     * expected, threshold, label, group), so an import can point at the column.
     */
    Optional<Problem> problem() {
        if (prompt == null && messages == null) {
            return problem("prompt", "the prompt is empty");
        }
        if (prompt != null && messages != null) {
            return problem("prompt", "give a prompt or chat messages, not both");
        }
        boolean needsExpected = switch (assertion) {
            case NONE, IS_JSON, LLM_JUDGE -> false;
            default -> true;
        };
        if (needsExpected && expected == null) {
            return problem("expected", assertion + " needs an expected value");
        }
        switch (assertion) {
            case REGEX -> {
                try {
                    Pattern.compile(expected);
                } catch (PatternSyntaxException e) {
                    return problem("expected", "the expected value is not a valid regular expression: "
                            + e.getDescription());
                }
            }
            case LENGTH -> {
                if (!RANGE.matcher(expected).matches()) {
                    return problem("expected", "LENGTH needs a range such as 10..200, ..80 or 5..");
                }
            }
            case JSON_SCHEMA -> {
                try {
                    if (!JSON.readTree(expected).isObject()) {
                        return problem("expected", "JSON_SCHEMA needs a JSON Schema object as the expected value");
                    }
                } catch (JsonProcessingException e) {
                    return problem("expected", "the expected JSON Schema is not valid JSON: "
                            + e.getOriginalMessage());
                }
            }
            default -> { }
        }
        if (threshold != null) {
            boolean judge = assertion == AssertionType.LLM_JUDGE;
            double min = judge ? 1 : 0;
            double max = judge ? 5 : 1;
            if (!(threshold >= min && threshold <= max)) {
                return problem("threshold", "the threshold of " + assertion + " is between " + (int) min + " and "
                        + (int) max + (judge ? " (the judge's score)" : "") + ", not " + threshold);
            }
        }
        if (label != null && label.length() > MAX_ATTRIBUTE) {
            return problem("label", "the label is longer than " + MAX_ATTRIBUTE + " characters");
        }
        if (group != null && group.length() > MAX_ATTRIBUTE) {
            return problem("group", "the group is longer than " + MAX_ATTRIBUTE + " characters");
        }
        return Optional.empty();
    }

    /** A problem with one field of a case. */
    record Problem(String field, String message) {
    }

    private static Optional<Problem> problem(String field, String message) {
        return Optional.of(new Problem(field, message));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
