package dev.llmops.studio.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.llmops.studio.artifact.ArtifactRef;
import dev.llmops.studio.artifact.ArtifactStore;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;

/**
 * Turns parsed examples into a version, in two streaming passes so no file is ever held in memory. Pass one
 * applies the personal-data policy, drops exact duplicates, gathers stats and writes canonical lines to a
 * temporary file, remembering 12 bytes per example (split key, label). The split is then fixed per label: the
 * examples with the smallest seeded keys go to validation, the next to test, so it is stratified, repeatable for
 * a seed and independent of row order. Pass two streams the lines, split added, into the artifact store.
 * Without a store ({@link #inspectOnly}) pass one only counts, for the upload screen's check.
 */
final class VersionBuilder implements RowSink, AutoCloseable {

    private static final int SAMPLES_PER_FINDING = 3;
    private static final int MAX_LABELS = 1000;
    private static final int MAX_ATTRIBUTE_VALUES = 100;
    static final String TRAIN = "train";
    static final String VALIDATION = "validation";
    static final String TEST = "test";

    private final PiiDetector detector;
    private final VersionSettings settings;
    private final WorkProgress progress;
    private final long inputBytes;
    /** Share of the progress bar for pass one: all of it when only checking. */
    private final double passOneShare;
    private double reported;
    private final Path pending;
    private final Writer pendingOut;
    private final String promptField;
    private final String responseField;
    private final String textField;

    private long rowsRead;
    private long rejected;
    private final List<RowError> errors = new ArrayList<>();
    private long duplicates;
    private long droppedForPii;
    private final LongHashSet seen = new LongHashSet();
    private final Map<String, Map<PiiType, long[]>> piiCounts = new LinkedHashMap<>();
    private final Map<String, Map<PiiType, List<String>>> piiSamples = new HashMap<>();
    private final LongHashSet.LongList keys = new LongHashSet.LongList();
    private int[] labelIndexes = new int[1024];
    private final Map<String, Integer> labelIndex = new HashMap<>();
    private long kept;
    private long emptyCells;
    private final Histogram.Builder promptChars = new Histogram.Builder();
    private final Histogram.Builder responseChars = new Histogram.Builder();
    private final Histogram.Builder promptTokens = new Histogram.Builder();
    private final Histogram.Builder responseTokens = new Histogram.Builder();
    private final Map<String, Long> labels = new TreeMap<>();
    private final Map<String, Map<String, Long>> attributes = new TreeMap<>();

    private VersionBuilder(PiiDetector detector, VersionSettings settings, WorkProgress progress, long inputBytes,
            Path pending) throws IOException {
        this.detector = detector;
        this.settings = settings;
        this.progress = progress;
        this.inputBytes = Math.max(1, inputBytes);
        this.passOneShare = pending == null ? 1.0 : 0.8;
        this.pending = pending;
        ColumnMapping mapping = settings.mapping();
        // reports name the file's own columns where there are some, so people find what to fix
        this.promptField = mapping.prompt() == null ? "prompt" : "prompt (column " + mapping.prompt() + ")";
        this.responseField = mapping.response() == null ? "response" : "response (column " + mapping.response() + ")";
        this.textField = mapping.text() == null ? "text" : "text (column " + mapping.text() + ")";
        this.pendingOut = pending == null ? null
                : new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(pending), StandardCharsets.UTF_8),
                        1 << 16);
    }

    static VersionBuilder inspectOnly(PiiDetector detector, VersionSettings settings, WorkProgress progress,
            long inputBytes) throws IOException {
        return new VersionBuilder(detector, settings, progress, inputBytes, null);
    }

    static VersionBuilder writing(PiiDetector detector, VersionSettings settings, WorkProgress progress,
            long inputBytes) throws IOException {
        return new VersionBuilder(detector, settings, progress, inputBytes,
                Files.createTempFile("dataset-", ".jsonl"));
    }

    @Override
    public void position(long bytesRead) {
        report(passOneShare * Math.min(1.0, (double) bytesRead / inputBytes));
    }

    private void report(double fraction) {
        if (fraction - reported >= 0.01 || fraction >= 1.0 && reported < 1.0) {
            reported = fraction;
            progress.fraction(fraction);
        }
    }

    @Override
    public void accept(long line, DatasetRecord parsed) {
        if (progress.cancelled()) {
            throw new CancellationException("cancelled by the user");
        }
        rowsRead++;
        DatasetRecord record = applyPiiPolicy(parsed);
        if (record == null) {
            droppedForPii++;
            return;
        }
        long hash = RecordHash.of(record);
        if (settings.removeDuplicates() && !seen.add(hash)) {
            duplicates++;
            return;
        }
        count(record);
        if (pendingOut != null) {
            keys.add(RecordHash.splitKey(hash, settings.seed()));
            int label = labelIndex.computeIfAbsent(record.label() == null ? "" : record.label(),
                    l -> labelIndex.size());
            if (kept >= labelIndexes.length) {
                labelIndexes = Arrays.copyOf(labelIndexes, labelIndexes.length * 2);
            }
            labelIndexes[(int) kept] = label;
            try {
                pendingOut.write(jsonOf(record));
                pendingOut.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        kept++;
    }

    @Override
    public void reject(RowError error) {
        rowsRead++;
        rejected++;
        if (errors.size() < VersionReport.ERRORS_LISTED) {
            errors.add(error);
        }
    }

    VersionReport report() {
        List<PiiFinding> findings = new ArrayList<>();
        piiCounts.forEach((field, byType) -> byType.forEach((type, count) -> findings.add(new PiiFinding(field,
                type, count[0], piiSamples.getOrDefault(field, Map.of()).getOrDefault(type, List.of())))));
        return new VersionReport(rowsRead, rejected, errors, duplicates, droppedForPii, findings,
                new DatasetStats(kept, emptyCells, promptChars.build(), responseChars.build(), promptTokens.build(),
                        responseTokens.build(), labels, attributes));
    }

    /** The stored version: its address, size and split counts. */
    record Written(ArtifactRef artifact, long sizeBytes, long train, long validation, long test) {
    }

    /** Pass two: decides each example's split and streams the version into the store. */
    Written write(ArtifactStore store) throws IOException {
        pendingOut.close();
        long[][] thresholds = thresholds();
        long[] counts = new long[3];
        long[] size = new long[1];
        ArtifactRef ref = store.write(out -> {
            try (BufferedReader in = Files.newBufferedReader(pending, StandardCharsets.UTF_8)) {
                Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                String line;
                int i = 0;
                while ((line = in.readLine()) != null) {
                    if (progress.cancelled()) {
                        throw new CancellationException("cancelled by the user");
                    }
                    report(passOneShare + (1 - passOneShare) * i / Math.max(1, kept));
                    long key = keys.get(i);
                    long[] limits = thresholds[labelIndexes[i]];
                    int split = key < limits[0] ? 1 : key < limits[1] ? 2 : 0;
                    counts[split]++;
                    String full = "{\"split\":\"" + (split == 1 ? VALIDATION : split == 2 ? TEST : TRAIN) + "\","
                            + line.substring(1) + "\n";
                    writer.write(full);
                    size[0] += utf8Length(full);
                    i++;
                }
                writer.flush();
            }
        });
        report(1.0);
        return new Written(ref, size[0], counts[0], counts[1], counts[2]);
    }

    /**
     * Per label: keys below {@code [0]} go to validation, below {@code [1]} to test. Exact counts per label
     * (rounded shares), found by sorting that label's keys; {@link Long#MAX_VALUE} means "all of them".
     */
    private long[][] thresholds() {
        int labelsSeen = labelIndex.size();
        long[][] byLabel = new long[labelsSeen][];
        int[] sizes = new int[labelsSeen];
        for (int i = 0; i < kept; i++) {
            sizes[labelIndexes[i]]++;
        }
        long[][] keysByLabel = new long[labelsSeen][];
        for (int l = 0; l < labelsSeen; l++) {
            keysByLabel[l] = new long[sizes[l]];
        }
        int[] fill = new int[labelsSeen];
        for (int i = 0; i < kept; i++) {
            int l = labelIndexes[i];
            keysByLabel[l][fill[l]++] = keys.get(i);
        }
        for (int l = 0; l < labelsSeen; l++) {
            long[] sorted = keysByLabel[l];
            Arrays.sort(sorted);
            int n = sorted.length;
            int validation = (int) Math.round(n * settings.validationShare());
            int test = (int) Math.round(n * settings.testShare());
            if (validation + test >= n && n > 1) {
                // a tiny label still keeps one example for training
                test = Math.max(0, n - 1 - validation);
                validation = Math.min(validation, n - 1);
            }
            byLabel[l] = new long[] {at(sorted, validation), at(sorted, validation + test)};
        }
        return byLabel;
    }

    private static long at(long[] sorted, int index) {
        return index >= sorted.length ? Long.MAX_VALUE : sorted[index];
    }

    private DatasetRecord applyPiiPolicy(DatasetRecord record) {
        boolean found = false;
        List<ChatMessage> messages = new ArrayList<>(record.messages().size());
        for (ChatMessage message : record.messages()) {
            String field = "assistant".equals(message.role()) ? responseField : promptField;
            String content = scan(field, message.content());
            found |= content != message.content();
            messages.add(content == message.content() ? message : new ChatMessage(message.role(), content));
        }
        String text = scan(textField, record.text());
        found |= text != record.text();
        Map<String, String> attrs = new LinkedHashMap<>();
        for (Map.Entry<String, String> attribute : record.attributes().entrySet()) {
            String value = scan("attribute " + attribute.getKey(), attribute.getValue());
            found |= value != attribute.getValue();
            attrs.put(attribute.getKey(), value);
        }
        if (!found) {
            return record;
        }
        return switch (settings.piiPolicy()) {
            case DROP -> null;
            case KEEP -> record;
            case REDACT -> new DatasetRecord(record.id(), messages, text, record.label(), attrs, record.split());
        };
    }

    /**
     * Counts the personal data in one value; returns the value redacted (a new string) when there was some,
     * otherwise the very same instance, which is how callers tell the two apart.
     */
    private String scan(String field, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        List<PiiMatch> matches = detector.find(value);
        if (matches.isEmpty()) {
            return value;
        }
        StringBuilder redacted = new StringBuilder(value.length());
        int from = 0;
        for (PiiMatch match : matches) {
            long[] count = piiCounts.computeIfAbsent(field, f -> new LinkedHashMap<>())
                    .computeIfAbsent(match.type(), t -> new long[1]);
            count[0]++;
            List<String> samples = piiSamples.computeIfAbsent(field, f -> new HashMap<>())
                    .computeIfAbsent(match.type(), t -> new ArrayList<>());
            if (samples.size() < SAMPLES_PER_FINDING) {
                samples.add(PiiDetector.mask(value.substring(match.start(), match.end()), match.type()));
            }
            redacted.append(value, from, match.start()).append(match.type().placeholder());
            from = match.end();
        }
        return redacted.append(value, from, value.length()).toString();
    }

    private void count(DatasetRecord record) {
        if (record.chat()) {
            long promptLength = 0;
            long promptBytes = 0;
            long responseLength = 0;
            long responseBytes = 0;
            for (ChatMessage message : record.messages()) {
                long bytes = utf8Length(message.content());
                if ("assistant".equals(message.role())) {
                    responseLength += message.content().length();
                    responseBytes += bytes;
                } else {
                    promptLength += message.content().length();
                    promptBytes += bytes;
                }
            }
            promptChars.add(promptLength);
            promptTokens.add(promptBytes);
            responseChars.add(responseLength);
            responseTokens.add(responseBytes);
        } else if (record.text() != null) {
            promptChars.add(record.text().length());
            promptTokens.add(utf8Length(record.text()));
        }
        if (settings.mapping().label() != null && (record.label() == null || record.label().isEmpty())) {
            emptyCells++;
        }
        if (record.label() != null && !record.label().isEmpty()) {
            if (labels.size() < MAX_LABELS || labels.containsKey(record.label())) {
                labels.merge(record.label(), 1L, Long::sum);
            } else {
                labels.merge("(other labels)", 1L, Long::sum);
            }
        }
        for (String attribute : settings.mapping().attributes()) {
            String value = record.attributes().get(attribute);
            if (value == null || value.isEmpty()) {
                emptyCells++;
                continue;
            }
            Map<String, Long> values = attributes.computeIfAbsent(attribute, a -> new TreeMap<>());
            if (values.size() < MAX_ATTRIBUTE_VALUES || values.containsKey(value)) {
                values.merge(value, 1L, Long::sum);
            } else {
                values.merge("(other values)", 1L, Long::sum);
            }
        }
    }

    private static long utf8Length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    @Override
    public void close() throws IOException {
        if (pendingOut != null) {
            pendingOut.close();
            Files.deleteIfExists(pending);
        }
    }

    static String jsonOf(DatasetRecord record) {
        try {
            return DatasetRepository.JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
