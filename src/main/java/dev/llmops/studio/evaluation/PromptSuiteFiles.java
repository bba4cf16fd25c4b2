package dev.llmops.studio.evaluation;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.studio.dataset.CsvRows;
import dev.llmops.studio.dataset.DatasetFileException;
import dev.llmops.studio.dataset.RowError;
import dev.llmops.studio.model.ChatTurn;
import dev.llmops.studio.platform.InvalidRequestException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a prompt suite from a file (docs/metrics.md, Prompt tests): CSV with a header row of the columns
 * {@link #FIELDS} (only {@code prompt} is required; delimiter {@code ,} {@code ;} or tab), or JSONL, one object a
 * line with {@code prompt} or {@code messages} [{role, content}] and the same optional keys. A file is taken
 * whole or not at all: the first problem stops the import with its line (and, for CSV, column).
 */
final class PromptSuiteFiles {

    static final List<String> FIELDS = List.of("prompt", "expected", "assertion", "threshold", "label", "group");
    /** Suites are read into memory; far more cases than a person edits, far less than strains the heap. */
    static final long MAX_BYTES = 20L * 1024 * 1024;
    private static final Set<String> JSON_KEYS = Set.of("prompt", "messages", "expected", "assertion", "threshold",
            "label", "group");
    private static final ObjectMapper JSON = new ObjectMapper();

    private PromptSuiteFiles() {
    }

    static List<PromptCase> read(Path file, String fileName) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new InvalidRequestException("file", fileName + " is larger than " + MAX_BYTES / (1024 * 1024)
                    + " MB; split the suite");
        }
        String text = utf8(file, fileName);
        String lower = fileName.toLowerCase(Locale.ROOT);
        boolean jsonl = lower.endsWith(".jsonl") || lower.endsWith(".ndjson")
                || !lower.endsWith(".csv") && !lower.endsWith(".tsv") && text.stripLeading().startsWith("{");
        List<PromptCase> cases = jsonl ? jsonl(text, fileName) : csv(file, fileName, delimiter(text));
        if (cases.isEmpty()) {
            throw new InvalidRequestException("file", fileName + " has no cases");
        }
        return cases;
    }

    private static List<PromptCase> csv(Path file, String fileName, char delimiter) throws IOException {
        List<PromptCase> cases = new ArrayList<>();
        try (CsvRows rows = new CsvRows(file, fileName, delimiter)) {
            List<String> columns = rows.columns().stream().map(c -> c.strip().toLowerCase(Locale.ROOT)).toList();
            for (int i = 0; i < columns.size(); i++) {
                if (!FIELDS.contains(columns.get(i))) {
                    throw rejected(new RowError(fileName, rows.headerLine(), i + 1, "unknown column “"
                            + rows.columns().get(i) + "”; the columns are " + String.join(", ", FIELDS)));
                }
            }
            if (!columns.contains("prompt")) {
                throw rejected(new RowError(fileName, rows.headerLine(), null, "the header has no “prompt” column;"
                        + " the columns are " + String.join(", ", FIELDS)));
            }
            RowError[] failure = new RowError[1];
            rows.read(new CsvRows.Visitor() {
                @Override
                public boolean row(long line, CSVRecord record) {
                    try {
                        cases.add(checked(field -> {
                            int index = columns.indexOf(field);
                            return index < 0 ? null : record.get(index);
                        }, null));
                    } catch (FieldProblem e) {
                        int index = columns.indexOf(e.field);
                        failure[0] = new RowError(fileName, line, index < 0 ? null : index + 1, e.getMessage());
                    }
                    return failure[0] == null;
                }

                @Override
                public boolean rejected(RowError error) {
                    failure[0] = error;
                    return false;
                }
            });
            if (failure[0] != null) {
                throw rejected(failure[0]);
            }
        } catch (DatasetFileException e) {
            throw rejected(e.error());
        }
        return cases;
    }

    private static List<PromptCase> jsonl(String text, String fileName) {
        List<PromptCase> cases = new ArrayList<>();
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            long line = i + 1;
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode node;
            try (JsonParser parser = JSON.getFactory().createParser(lines[i])) {
                node = JSON.readTree(parser);
                if (parser.nextToken() != null) {
                    throw rejected(new RowError(fileName, line, column(parser.currentTokenLocation()),
                            "more than one JSON value on the line"));
                }
            } catch (JsonProcessingException e) {
                throw rejected(new RowError(fileName, line, column(e.getLocation()), "invalid JSON: "
                        + e.getOriginalMessage()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            if (!node.isObject()) {
                throw rejected(new RowError(fileName, line, null, "expected a JSON object with a prompt or messages"));
            }
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!JSON_KEYS.contains(name)) {
                    throw rejected(new RowError(fileName, line, null, "unknown key “" + name + "”; the keys are "
                            + "prompt or messages, expected, assertion, threshold, label, group"));
                }
            }
            try {
                cases.add(checked(fields(node), messages(node)));
            } catch (FieldProblem e) {
                throw rejected(new RowError(fileName, line, null, e.field + ": " + e.getMessage()));
            }
        }
        return cases;
    }

    /** A case's fields as text, by name; null for a field the file does not have. */
    private interface Fields {
        String get(String field);
    }

    /** A problem with one field of a case. */
    private static final class FieldProblem extends Exception {
        private final String field;

        FieldProblem(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }

    /** A case from its fields; the first problem is thrown with the field it is about. */
    private static PromptCase checked(Fields fields, List<ChatTurn> messages) throws FieldProblem {
        String assertionName = fields.get("assertion");
        String expected = fields.get("expected");
        AssertionType assertion;
        if (assertionName == null || assertionName.isBlank()) {
            // a bare prompt is only recorded; a prompt with an expected answer is checked leniently
            assertion = expected == null || expected.isBlank() ? AssertionType.NONE : AssertionType.ICONTAINS;
        } else {
            assertion = AssertionType.named(assertionName).orElseThrow(() -> new FieldProblem("assertion",
                    "unknown assertion “" + assertionName.strip() + "”; use one of "
                            + List.of(AssertionType.values())));
        }
        String thresholdText = fields.get("threshold");
        Double threshold = null;
        if (thresholdText != null && !thresholdText.isBlank()) {
            try {
                threshold = Double.parseDouble(thresholdText.strip());
            } catch (NumberFormatException e) {
                throw new FieldProblem("threshold", "threshold “" + thresholdText.strip() + "” is not a number");
            }
        }
        PromptCase promptCase = new PromptCase(fields.get("prompt"), messages, expected, assertion, threshold,
                fields.get("label"), fields.get("group"));
        Optional<PromptCase.Problem> problem = promptCase.problem();
        if (problem.isPresent()) {
            throw new FieldProblem(problem.get().field(), problem.get().message());
        }
        return promptCase;
    }

    /** A JSON value as text: strings as they are, numbers and objects (a JSON Schema) as JSON. */
    private static String text(JsonNode node, String field) throws FieldProblem {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return value.asText();
        }
        if (field.equals("expected") || field.equals("threshold") || field.equals("label")) {
            return value.toString();
        }
        throw new FieldProblem(field, "must be text");
    }

    private static Fields fields(JsonNode node) throws FieldProblem {
        Map<String, String> values = new HashMap<>();
        for (String field : FIELDS) {
            values.put(field, text(node, field));
        }
        return values::get;
    }

    private static List<ChatTurn> messages(JsonNode node) throws FieldProblem {
        JsonNode messages = node.get("messages");
        if (messages == null || messages.isNull()) {
            return null;
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw new FieldProblem("messages", "must be a non-empty array of {\"role\", \"content\"}");
        }
        List<ChatTurn> turns = new ArrayList<>();
        for (JsonNode message : messages) {
            try {
                turns.add(new ChatTurn(message.path("role").asText(null), message.path("content").asText(null)));
            } catch (IllegalArgumentException e) {
                throw new FieldProblem("messages", "message " + (turns.size() + 1) + ": " + e.getMessage());
            }
        }
        return turns;
    }

    private static String utf8(Path file, String fileName) throws IOException {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new InvalidRequestException("file", fileName + " is not UTF-8 text; save it as UTF-8");
        }
    }

    /** The delimiter of the header line: comma unless the line has none and has semicolons or tabs. */
    private static char delimiter(String text) {
        int end = text.indexOf('\n');
        String header = end < 0 ? text : text.substring(0, end);
        if (header.indexOf(',') >= 0) {
            return ',';
        }
        return header.indexOf('\t') >= 0 ? '\t' : header.indexOf(';') >= 0 ? ';' : ',';
    }

    private static Integer column(JsonLocation location) {
        return location == null || location.getColumnNr() < 1 ? null : location.getColumnNr();
    }

    private static InvalidRequestException rejected(RowError error) {
        return new InvalidRequestException("file", error.toString());
    }
}
