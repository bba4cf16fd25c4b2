package dev.llmops.studio.dataset;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads uploaded dataset files (CSV, JSON Lines, plain text; UTF-8 with or without a byte order mark) as streams:
 * only the row at hand is in memory, whatever the file's size.
 *
 * <p>Every row-level problem goes to {@link RowSink#reject} with the file name, the physical line where the row
 * starts and, where it helps, a column: for CSV the 1-based field, for JSON Lines the character Jackson points
 * at, and for invalid UTF-8 the character position in the line. Only problems with the file as a whole throw: an
 * {@link java.io.IOException} when it cannot be read, a {@link DatasetFileException} (an
 * {@link IllegalArgumentException}) when it is empty, not UTF-8 text, of unknown format or has an unusable CSV
 * header, and an {@link IllegalArgumentException} for a mapping that does not fit the file. A CSV file with a
 * header and no rows yields the single row error "no data rows".
 */
final class DatasetParser {

    static final String CHAT = "chat";
    static final String INSTRUCTION = "instruction";
    static final String PROMPT_COMPLETION = "prompt-completion";
    static final String TEXT = "text";

    private static final int SAMPLE = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    // name lists in order of preference: the first that a column matches wins
    private static final List<String> PROMPT_NAMES = List.of("prompt", "instruction", "question", "query", "input");
    private static final List<String> RESPONSE_NAMES =
            List.of("response", "answer", "output", "completion", "reply");
    private static final List<String> TEXT_NAMES = List.of("text", "content", "body");
    private static final List<String> LABEL_NAMES = List.of("label", "category", "class", "intent");
    private static final List<String> ID_NAMES = List.of("id", "uuid");
    private static final Set<String> ATTRIBUTE_NAMES = Set.of("gender", "sex", "age", "agegroup", "group", "region",
            "language", "lang", "locale", "dialect", "country", "nationality", "ethnicity", "race", "religion",
            "disability");

    private DatasetParser() {
    }

    /** Row-level callbacks shared by the CSV and the line readers. */
    private interface LineVisitor {

        /** A non-blank line; false stops the reading. */
        boolean line(long line, LineReader text) throws IOException;

        /** A line that could not be read; false stops the reading. */
        boolean rejected(RowError error);
    }

    /** A row that does not make a record: thrown by the validation helpers, turned into a {@link RowError}. */
    private static final class Reject extends Exception {

        private final Integer column;

        Reject(Integer column, String reason) {
            super(reason, null, false, false);
            this.column = column;
        }

        RowError at(String fileName, long line) {
            return new RowError(fileName, line, column, getMessage());
        }
    }

    /**
     * The format from the file name's extension, else from the first 64 KB; for CSV the delimiter and the header,
     * for JSON Lines the keys and the shape of the first objects.
     */
    static Detection detect(Path file, String fileName) throws IOException {
        char[] sample = new char[SAMPLE];
        int length = 0;
        boolean bom;
        boolean malformed;
        try (Utf8Reader in = Utf8Reader.open(file)) {
            for (int n; length < SAMPLE && (n = in.read(sample, length, SAMPLE - length)) > 0; ) {
                length += n;
            }
            bom = in.bom();
            malformed = in.pollError(Long.MAX_VALUE) != null;
        }
        int first = 0;
        while (first < length && Character.isWhitespace(sample[first])) {
            first++;
        }
        boolean truncated = length == SAMPLE;
        if (first == length && !truncated) {
            throw empty(fileName);
        }
        String extension = extension(fileName);
        SourceFormat format = switch (extension) {
            case "csv", "tsv" -> SourceFormat.CSV;
            case "jsonl", "ndjson", "json-lines" -> SourceFormat.JSONL;
            case "txt", "text" -> SourceFormat.TEXT;
            default -> sniff(fileName, sample, length, truncated, first < length ? sample[first] : ' ', malformed);
        };
        return switch (format) {
            case CSV -> {
                char found = delimiter(sample, length, truncated, extension.equals("tsv"), false);
                char delimiter = found != 0 ? found : extension.equals("tsv") ? '\t' : ',';
                try (CsvRows rows = new CsvRows(file, fileName, delimiter)) {
                    yield new Detection(SourceFormat.CSV, delimiter, bom, rows.columns(), null);
                }
            }
            case JSONL -> detectJsonl(file, fileName, bom);
            case TEXT -> new Detection(SourceFormat.TEXT, '\0', bom, List.of(TEXT), null);
        };
    }

    /** The first {@code rows} rows (readable or not) for the upload screen. */
    static Preview preview(Path file, String fileName, Detection detection, int rows) throws IOException {
        if (rows < 1) {
            throw new IllegalArgumentException("a preview needs at least one row");
        }
        List<Map<String, String>> shown = new ArrayList<>();
        List<RowError> errors = new ArrayList<>();
        switch (detection.format()) {
            case CSV -> {
                try (CsvRows csv = new CsvRows(file, fileName, detection.delimiter())) {
                    List<String> columns = csv.columns();
                    csv.read(new CsvRows.Visitor() {
                        @Override
                        public boolean row(long line, CSVRecord record) {
                            Map<String, String> row = new LinkedHashMap<>();
                            for (int i = 0; i < columns.size(); i++) {
                                row.put(columns.get(i), record.get(i));
                            }
                            shown.add(row);
                            return shown.size() + errors.size() < rows;
                        }

                        @Override
                        public boolean rejected(RowError error) {
                            errors.add(error);
                            return shown.size() + errors.size() < rows;
                        }
                    });
                    return new Preview(columns, shown, errors);
                }
            }
            case JSONL -> eachLine(file, fileName, new LineVisitor() {
                @Override
                public boolean line(long line, LineReader text) throws IOException {
                    try {
                        JsonNode node = json(text);
                        if (!node.isObject()) {
                            throw notAnObject(node);
                        }
                        Map<String, String> row = new LinkedHashMap<>();
                        for (String column : detection.columns()) {
                            row.put(column, "");
                        }
                        node.properties().forEach(field -> row.put(field.getKey(), render(field.getValue())));
                        shown.add(row);
                    } catch (Reject reject) {
                        errors.add(reject.at(fileName, line));
                    }
                    return shown.size() + errors.size() < rows;
                }

                @Override
                public boolean rejected(RowError error) {
                    errors.add(error);
                    return shown.size() + errors.size() < rows;
                }
            });
            case TEXT -> eachLine(file, fileName, new LineVisitor() {
                @Override
                public boolean line(long line, LineReader text) {
                    shown.add(Map.of(TEXT, text.text()));
                    return shown.size() + errors.size() < rows;
                }

                @Override
                public boolean rejected(RowError error) {
                    errors.add(error);
                    return shown.size() + errors.size() < rows;
                }
            });
        }
        return new Preview(detection.columns(), shown, errors);
    }

    /**
     * A mapping from the column names (case and separators ignored): prompt and response when both are found,
     * else a text column; label, id and group attributes in any case. For JSON Lines the shape fixes prompt and
     * response, so only label, id and attributes are suggested.
     */
    static ColumnMapping suggestMapping(Detection detection) {
        List<String> columns = detection.columns();
        String label = column(columns, LABEL_NAMES);
        String id = column(columns, ID_NAMES);
        List<String> attributes = columns.stream().filter(c -> ATTRIBUTE_NAMES.contains(normalize(c))).toList();
        return switch (detection.format()) {
            case TEXT -> new ColumnMapping(null, null, TEXT, null, null, List.of());
            case JSONL -> new ColumnMapping(null, null, null, label, id, attributes);
            case CSV -> {
                String prompt = column(columns, PROMPT_NAMES);
                String response = column(columns, RESPONSE_NAMES);
                if (prompt != null && response != null) {
                    yield new ColumnMapping(prompt, response, null, label, id, attributes);
                }
                String text = column(columns, TEXT_NAMES);
                if (text == null && columns.size() == 1) {
                    text = columns.get(0);
                }
                yield new ColumnMapping(null, null, text, label, id, attributes);
            }
        };
    }

    /**
     * Every row of the file, in order, to the sink: accepted as a {@link DatasetRecord} or rejected with its
     * position. For JSON Lines each line's shape is told by its keys ({@code messages}; {@code instruction} or
     * {@code output}; {@code prompt} or {@code completion}; {@code text}), the detected shape naming what is
     * missing when none is there; the mapping's label, id and attributes name top-level keys.
     */
    static void parse(Path file, String fileName, Detection detection, ColumnMapping mapping, RowSink sink)
            throws IOException {
        switch (detection.format()) {
            case CSV -> parseCsv(file, fileName, detection, mapping, sink);
            case JSONL -> eachLine(file, fileName, sink, new LineVisitor() {
                @Override
                public boolean line(long line, LineReader text) throws IOException {
                    try {
                        sink.accept(line, fromJson(json(text), line, detection.jsonShape(), mapping));
                    } catch (Reject reject) {
                        sink.reject(reject.at(fileName, line));
                    }
                    return true;
                }

                @Override
                public boolean rejected(RowError error) {
                    sink.reject(error);
                    return true;
                }
            });
            case TEXT -> eachLine(file, fileName, sink, new LineVisitor() {
                @Override
                public boolean line(long line, LineReader text) {
                    sink.accept(line, new DatasetRecord(generatedId(line), null, text.text(), null, null, null));
                    return true;
                }

                @Override
                public boolean rejected(RowError error) {
                    sink.reject(error);
                    return true;
                }
            });
        }
    }

    private static void parseCsv(Path file, String fileName, Detection detection, ColumnMapping mapping,
            RowSink sink) throws IOException {
        try (CsvRows csv = new CsvRows(file, fileName, detection.delimiter())) {
            CsvMapping columns = CsvMapping.of(mapping, csv.columns());
            long[] rows = {0};
            csv.read(new CsvRows.Visitor() {
                @Override
                public boolean row(long line, CSVRecord record) {
                    rows[0]++;
                    try {
                        sink.accept(line, columns.toRecord(line, record));
                    } catch (Reject reject) {
                        sink.reject(reject.at(fileName, line));
                    }
                    sink.position(csv.bytesRead());
                    return true;
                }

                @Override
                public boolean rejected(RowError error) {
                    rows[0]++;
                    sink.reject(error);
                    return true;
                }
            });
            if (rows[0] == 0) {
                sink.reject(new RowError(fileName, csv.headerLine(), null, "no data rows"));
            }
        }
    }

    /** The mapping resolved to field indexes once, so a row costs array reads, not name lookups. */
    private record CsvMapping(List<String> columns, int prompt, int response, int text, int label, int id,
            int[] attributes) {

        static CsvMapping of(ColumnMapping mapping, List<String> columns) {
            boolean chat = mapping.prompt() != null || mapping.response() != null;
            if (chat && (mapping.prompt() == null || mapping.response() == null)) {
                throw new IllegalArgumentException("map both a prompt and a response column");
            }
            if (chat && mapping.text() != null) {
                throw new IllegalArgumentException("map either prompt and response, or text, not both");
            }
            if (!chat && mapping.text() == null) {
                throw new IllegalArgumentException("map a prompt and a response column, or a text column");
            }
            int[] attributes = mapping.attributes().stream().mapToInt(name -> index(columns, name)).toArray();
            return new CsvMapping(columns, index(columns, mapping.prompt()), index(columns, mapping.response()),
                    index(columns, mapping.text()), index(columns, mapping.label()), index(columns, mapping.id()),
                    attributes);
        }

        private static int index(List<String> columns, String name) {
            if (name == null) {
                return -1;
            }
            int index = columns.indexOf(name);
            if (index < 0) {
                throw new IllegalArgumentException("the file has no column '" + name + "'");
            }
            return index;
        }

        DatasetRecord toRecord(long line, CSVRecord record) throws Reject {
            List<ChatMessage> messages = null;
            String content = null;
            if (prompt >= 0) {
                messages = List.of(new ChatMessage("user", required(record, prompt, "prompt")),
                        new ChatMessage("assistant", required(record, response, "response")));
            } else {
                content = required(record, text, TEXT);
            }
            Map<String, String> values = Map.of();
            if (attributes.length > 0) {
                values = new HashMap<>();
                for (int attribute : attributes) {
                    String value = record.get(attribute);
                    if (!value.isBlank()) {
                        values.put(columns.get(attribute), value);
                    }
                }
            }
            String given = optional(record, id);
            return new DatasetRecord(given == null ? generatedId(line) : given, messages, content,
                    optional(record, label), values, null);
        }

        private String required(CSVRecord record, int index, String part) throws Reject {
            String value = record.get(index);
            if (value.isBlank()) {
                throw new Reject(index + 1,
                        "empty " + part + " (column " + (index + 1) + ", '" + columns.get(index) + "')");
            }
            return value;
        }

        private static String optional(CSVRecord record, int index) {
            if (index < 0) {
                return null;
            }
            String value = record.get(index);
            return value.isBlank() ? null : value;
        }
    }

    private static DatasetRecord fromJson(JsonNode node, long line, String detectedShape, ColumnMapping mapping)
            throws Reject {
        if (!node.isObject()) {
            throw notAnObject(node);
        }
        String shape = shape(node);
        if (shape == null) {
            if (detectedShape == null) {
                throw new Reject(null, "unknown shape: expected 'messages', 'instruction' and 'output', "
                        + "'prompt' and 'completion', or 'text'");
            }
            shape = detectedShape;
        }
        List<ChatMessage> messages = null;
        String text = null;
        switch (shape) {
            case CHAT -> messages = chat(node);
            case INSTRUCTION -> {
                String instruction = required(node, "instruction");
                String input = optional(node, "input");
                String output = required(node, "output");
                messages = List.of(
                        new ChatMessage("user", input == null ? instruction : instruction + "\n\n" + input),
                        new ChatMessage("assistant", output));
            }
            case PROMPT_COMPLETION -> messages = List.of(new ChatMessage("user", required(node, "prompt")),
                    new ChatMessage("assistant", required(node, "completion")));
            default -> text = required(node, TEXT);
        }
        Map<String, String> attributes = Map.of();
        if (!mapping.attributes().isEmpty()) {
            attributes = new HashMap<>();
            for (String key : mapping.attributes()) {
                String value = value(node, key);
                if (value != null) {
                    attributes.put(key, value);
                }
            }
        }
        String id = value(node, mapping.id());
        return new DatasetRecord(id == null ? generatedId(line) : id, messages, text, value(node, mapping.label()),
                attributes, null);
    }

    /** The shape a JSON object's keys tell, or null. */
    private static String shape(JsonNode node) {
        if (node.has("messages")) {
            return CHAT;
        }
        if (node.has("instruction") || node.has("output")) {
            return INSTRUCTION;
        }
        if (node.has("prompt") || node.has("completion")) {
            return PROMPT_COMPLETION;
        }
        return node.has(TEXT) ? TEXT : null;
    }

    private static List<ChatMessage> chat(JsonNode node) throws Reject {
        JsonNode messages = node.get("messages");
        if (messages == null || messages.isNull()) {
            throw new Reject(null, "missing 'messages'");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw new Reject(null, "'messages' must be a non-empty array");
        }
        List<ChatMessage> chat = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String which = "message " + (i + 1);
            if (!message.isObject()) {
                throw new Reject(null, which + " must be an object with 'role' and 'content'");
            }
            JsonNode role = message.get("role");
            if (role == null || !role.isTextual() || !isRole(role.textValue())) {
                throw new Reject(null, which + ": role must be system, user or assistant"
                        + (role == null ? " (it is missing)" : " (got " + role + ")"));
            }
            JsonNode content = message.get("content");
            if (content == null || !content.isTextual()) {
                throw new Reject(null, which + ": content must be a string");
            }
            if (content.textValue().isBlank()) {
                throw new Reject(null, which + ": empty content");
            }
            chat.add(new ChatMessage(role.textValue(), content.textValue()));
        }
        if (!chat.get(chat.size() - 1).role().equals("assistant")) {
            throw new Reject(null, "last message must be the assistant's");
        }
        return chat;
    }

    private static boolean isRole(String role) {
        return switch (role) {
            case "system", "user", "assistant" -> true;
            default -> false;
        };
    }

    private static String required(JsonNode node, String key) throws Reject {
        String value = optional(node, key);
        if (value == null) {
            JsonNode present = node.get(key);
            throw new Reject(null, present == null || present.isNull() ? "missing '" + key + "'"
                    : "empty '" + key + "'");
        }
        return value;
    }

    /** A string value, null when absent, null or blank. */
    private static String optional(JsonNode node, String key) throws Reject {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new Reject(null, "'" + key + "' must be a string");
        }
        return value.textValue().isBlank() ? null : value.textValue();
    }

    /** Any top-level value as text (numbers and booleans as written, objects and arrays as JSON); null if absent. */
    private static String value(JsonNode node, String key) {
        if (key == null) {
            return null;
        }
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        String text = render(value);
        return text.isBlank() ? null : text;
    }

    private static String render(JsonNode value) {
        if (value.isNull()) {
            return "";
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static Reject notAnObject(JsonNode node) {
        return new Reject(null, "expected a JSON object, found " + node.getNodeType().name().toLowerCase(Locale.ROOT));
    }

    /** One line as JSON: Jackson reads straight from the line's characters, with no String made for it. */
    private static JsonNode json(LineReader text) throws IOException, Reject {
        try (JsonParser parser = JSON.getFactory().createParser(text.chars(), text.start(), text.length())) {
            JsonNode node = JSON.readTree(parser);
            if (parser.nextToken() != null) {
                throw new Reject(column(parser.currentTokenLocation()),
                        "invalid JSON: more than one value on the line");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new Reject(column(e.getLocation()), "invalid JSON: " + e.getOriginalMessage());
        }
    }

    private static Integer column(JsonLocation location) {
        return location == null || location.getColumnNr() < 1 ? null : location.getColumnNr();
    }

    /** The non-blank lines of a text file; encoding errors and over-long lines are rejected on the way. */
    private static void eachLine(Path file, String fileName, LineVisitor visitor) throws IOException {
        eachLine(file, fileName, null, visitor);
    }

    private static void eachLine(Path file, String fileName, RowSink progress, LineVisitor visitor)
            throws IOException {
        try (Utf8Reader in = Utf8Reader.open(file)) {
            LineReader lines = new LineReader(in);
            boolean any = false;
            boolean more = true;
            while (more && lines.next()) {
                long line = lines.lineNumber();
                Utf8Reader.Malformed malformed = in.pollError(line);
                if (malformed != null) {
                    more = visitor.rejected(new RowError(fileName, line, malformed.column(), malformed.reason()));
                } else if (lines.tooLong()) {
                    more = visitor.rejected(new RowError(fileName, line, null,
                            "line longer than " + LineReader.MAX_LINE / (1024 * 1024) + " Mi characters"));
                } else if (lines.blank()) {
                    continue;
                } else {
                    more = visitor.line(line, lines);
                }
                any = true;
                if (progress != null) {
                    progress.position(in.bytesRead());
                }
            }
            if (!any) {
                throw empty(fileName);
            }
        }
    }

    private static Detection detectJsonl(Path file, String fileName, boolean bom) throws IOException {
        Set<String> keys = new LinkedHashSet<>();
        Map<String, Integer> shapes = new LinkedHashMap<>();
        long[] read = {0, 0};
        eachLine(file, fileName, new LineVisitor() {
            @Override
            public boolean line(long line, LineReader text) throws IOException {
                read[0] += text.length() + 1;
                try {
                    JsonNode node = json(text);
                    if (node.isObject()) {
                        node.fieldNames().forEachRemaining(keys::add);
                        String shape = shape(node);
                        if (shape != null) {
                            shapes.merge(shape, 1, Integer::sum);
                        }
                        read[1]++;
                    }
                } catch (Reject invalid) {
                    // the sample only looks at valid objects; parse reports the rest
                }
                return enough(line);
            }

            @Override
            public boolean rejected(RowError error) {
                return enough(error.line());
            }

            private boolean enough(long line) {
                return read[1] < 100 && (read[0] < SAMPLE || read[1] == 0 && line < 1000);
            }
        });
        String shape = null;
        int most = 0;
        for (Map.Entry<String, Integer> entry : shapes.entrySet()) {
            if (entry.getValue() > most) {
                shape = entry.getKey();
                most = entry.getValue();
            }
        }
        return new Detection(SourceFormat.JSONL, '\0', bom, List.copyOf(keys), shape);
    }

    private static SourceFormat sniff(String fileName, char[] sample, int length, boolean truncated, char first,
            boolean malformed) {
        for (int i = 0; i < length && !malformed; i++) {
            malformed = sample[i] == '\0';
        }
        if (malformed) {
            throw new DatasetFileException(new RowError(fileName, 1, null,
                    "unknown format: the file is not UTF-8 text (expected CSV, JSON Lines or plain text)"));
        }
        if (first == '{') {
            return SourceFormat.JSONL;
        }
        if (first == '[') {
            throw new DatasetFileException(new RowError(fileName, 1, 1,
                    "a JSON array is not supported: upload JSON Lines (one object per line)"));
        }
        return delimiter(sample, length, truncated, false, true) != 0 ? SourceFormat.CSV : SourceFormat.TEXT;
    }

    /**
     * The delimiter among , ; tab | under which the header has more than one field and most records have as many
     * as the header; 0 when there is none. Quotes are respected, so delimiters inside quoted fields do not count,
     * and the last record of a cut-off sample is left out. {@code needRows}: a header alone does not make CSV.
     */
    private static char delimiter(char[] sample, int length, boolean truncated, boolean tsv, boolean needRows) {
        char[] candidates = tsv ? new char[] {'\t', ',', ';', '|'} : new char[] {',', ';', '\t', '|'};
        char best = 0;
        double bestScore = 0;
        int bestFields = 0;
        for (char candidate : candidates) {
            CsvScan scan = new CsvScan(sample, 0, length, 1, candidate);
            int header = 0;
            int rows = 0;
            int matching = 0;
            while (scan.next()) {
                if (truncated && scan.position() == length || scan.problem() == CsvScan.Problem.UNTERMINATED) {
                    break;
                }
                if (scan.blank()) {
                    continue;
                }
                if (header == 0) {
                    header = scan.fields();
                } else {
                    rows++;
                    if (scan.problem() == null && scan.fields() == header) {
                        matching++;
                    }
                }
            }
            if (header < 2 || rows == 0 && needRows) {
                continue;
            }
            double score = rows == 0 ? 1 : (double) matching / rows;
            if (score >= 0.5 && (score > bestScore || score == bestScore && header > bestFields)) {
                best = candidate;
                bestScore = score;
                bestFields = header;
            }
        }
        return best;
    }

    private static String column(List<String> columns, List<String> names) {
        for (String name : names) {
            for (String column : columns) {
                if (normalize(column).equals(name)) {
                    return column;
                }
            }
        }
        return null;
    }

    private static String normalize(String name) {
        StringBuilder normal = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '_' && c != '-' && !Character.isWhitespace(c)) {
                normal.append(Character.toLowerCase(c));
            }
        }
        return normal.toString();
    }

    private static String extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String generatedId(long line) {
        return "line-" + line;
    }

    private static DatasetFileException empty(String fileName) {
        return new DatasetFileException(new RowError(fileName, 1, null, "the file is empty"));
    }
}
