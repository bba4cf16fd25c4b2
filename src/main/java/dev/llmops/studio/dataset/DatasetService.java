package dev.llmops.studio.dataset;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.llmops.studio.artifact.ArtifactRef;
import dev.llmops.studio.artifact.ArtifactStore;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Datasets and their versions: look at an upload, check it in full, turn it into an immutable version
 * (atomically: the content is stored first, the version row only after), list, compare, read and erase.
 * Long work runs outside database transactions; each write is a short transaction of its own.
 */
@Service
public class DatasetService {

    /** "latest" or a version number, as the pipeline step's parameter takes it. */
    public static final String LATEST = "latest";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}");
    private static final int PREVIEW_ROWS = 20;
    private static final int DIFF_SAMPLES = 10;
    private static final int MIN_ERASURE_LENGTH = 4;
    private static final String ERASED = "<ERASED>";

    private final DatasetRepository datasets;
    private final ArtifactStore artifacts;
    private final PiiDetector detector = new PiiDetector();
    private final CurrentUser currentUser;
    private final AuditLog audit;
    private final TransactionTemplate transaction;
    private final Clock clock;

    DatasetService(DatasetRepository datasets, ArtifactStore artifacts, CurrentUser currentUser, AuditLog audit,
            TransactionTemplate transaction, Clock clock) {
        this.datasets = datasets;
        this.artifacts = artifacts;
        this.currentUser = currentUser;
        this.audit = audit;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** Format, columns, the first rows and a suggested mapping; reads only the start of the file. */
    public UploadAnalysis analyze(Path file, String fileName) throws IOException {
        currentUser.require(Permission.DATASETS_EDIT);
        Detection detection = detect(file, fileName);
        return new UploadAnalysis(fileName, detection.format(), detection.jsonShape(), detection.delimiter(),
                detection.columns(), DatasetParser.preview(file, fileName, detection, PREVIEW_ROWS).rows(),
                DatasetParser.suggestMapping(detection));
    }

    /** Reads the whole file as a version would, without creating one: errors, personal data, stats. */
    public VersionReport inspect(Path file, String fileName, VersionSettings settings, WorkProgress progress)
            throws IOException {
        currentUser.require(Permission.DATASETS_EDIT);
        Detection detection = detect(file, fileName);
        try (VersionBuilder builder = VersionBuilder.inspectOnly(detector, settings, progress, Files.size(file))) {
            DatasetParser.parse(file, fileName, detection, settings.mapping(), builder);
            return builder.report();
        }
    }

    /**
     * Makes the file the dataset's next version (creating the dataset on its first upload). With
     * {@link OnRowError#REJECT_FILE} a single bad row means no version and a {@link DatasetRejectedException}.
     * Keeping personal data needs {@link Permission#DATASETS_KEEP_PII} and a reason, and is audited.
     */
    public DatasetVersionInfo createVersion(String datasetName, Path file, String fileName, VersionSettings settings,
            String keepReason, WorkProgress progress) throws IOException {
        currentUser.require(Permission.DATASETS_EDIT);
        String name = checkedName(datasetName);
        if (settings.piiPolicy() == PiiPolicy.KEEP) {
            currentUser.require(Permission.DATASETS_KEEP_PII);
            if (keepReason == null || keepReason.isBlank()) {
                throw new InvalidRequestException("keepReason", "Say why this version may keep personal data.");
            }
        }
        Detection detection = detect(file, fileName);
        String reason = settings.piiPolicy() == PiiPolicy.KEEP ? keepReason.strip() : null;
        return build(name, settings, reason, SourceKind.UPLOAD, fileName, null, progress, Files.size(file),
                sink -> DatasetParser.parse(file, fileName, detection, settings.mapping(), sink));
    }

    /**
     * A version made from people's work in another feature (reviewed answers), recorded with that lineage: the
     * source kind and a reference a person can follow back. The caller has checked the actor's right to make it;
     * personal data is redacted as on any upload.
     */
    public DatasetVersionInfo createDerivedVersion(String actor, String datasetName, Path file, String fileName,
            SourceKind source, String sourceRef, ColumnMapping mapping) throws IOException {
        Detection detection = detect(file, fileName);
        VersionSettings settings = VersionSettings.defaults(mapping);
        return build(checkedName(datasetName), settings, null, source, sourceRef, null, () -> false,
                Files.size(file), sink -> DatasetParser.parse(file, fileName, detection, settings.mapping(), sink),
                actor, null);
    }

    /** Datasets made by the system (demo data on first start), under the given principal's name. */
    DatasetVersionInfo createVersionAs(String actor, String datasetName, Path file, String fileName,
            VersionSettings settings, String description) throws IOException {
        Detection detection = detect(file, fileName);
        return build(checkedName(datasetName), settings, null, SourceKind.UPLOAD, fileName, null, () -> false,
                Files.size(file), sink -> DatasetParser.parse(file, fileName, detection, settings.mapping(), sink),
                actor, description);
    }

    /** A file that is not a dataset at all (empty, unusable header, not UTF-8) is the user's to fix: say where. */
    private static Detection detect(Path file, String fileName) throws IOException {
        try {
            return DatasetParser.detect(file, fileName);
        } catch (DatasetFileException e) {
            throw new InvalidRequestException("file", e.getMessage());
        }
    }

    public List<DatasetSummary> list() {
        currentUser.require(Permission.DATASETS_VIEW);
        return datasets.summaries();
    }

    public List<DatasetVersionInfo> versions(String datasetName) {
        currentUser.require(Permission.DATASETS_VIEW);
        return datasets.versions(datasetId(datasetName));
    }

    public DatasetVersionInfo version(String datasetName, String versionSpec) {
        currentUser.require(Permission.DATASETS_VIEW);
        return resolve(datasetName, versionSpec);
    }

    /** The version's examples, streamed (canonical JSONL, one per line, split included). */
    public InputStream open(String datasetName, int version) throws IOException {
        currentUser.require(Permission.DATASETS_VIEW);
        DatasetVersionInfo info = resolve(datasetName, Integer.toString(version));
        audit.record("dataset.downloaded", info.datasetName(), "version " + info.version());
        return artifacts.open(content(info));
    }

    /** The first examples of a version, for the detail screen. */
    public List<DatasetRecord> head(String datasetName, int version, int limit) throws IOException {
        currentUser.require(Permission.DATASETS_VIEW);
        List<DatasetRecord> records = new ArrayList<>();
        try (BufferedReader in = reader(content(resolve(datasetName, Integer.toString(version))))) {
            String line;
            while (records.size() < limit && (line = in.readLine()) != null) {
                records.add(DatasetRepository.JSON.readValue(line, DatasetRecord.class));
            }
        }
        return records;
    }

    public VersionDiff diff(String datasetName, int from, int to) throws IOException {
        currentUser.require(Permission.DATASETS_VIEW);
        ArtifactRef a = content(resolve(datasetName, Integer.toString(from)));
        ArtifactRef b = content(resolve(datasetName, Integer.toString(to)));
        LongHashSet inA = hashes(a);
        LongHashSet inB = hashes(b);
        long[] added = {0};
        long[] unchanged = {0};
        List<DatasetRecord> addedSamples = new ArrayList<>();
        forEachRecord(b, record -> {
            if (inA.contains(RecordHash.of(record))) {
                unchanged[0]++;
            } else {
                added[0]++;
                if (addedSamples.size() < DIFF_SAMPLES) {
                    addedSamples.add(record);
                }
            }
        });
        long[] removed = {0};
        List<DatasetRecord> removedSamples = new ArrayList<>();
        forEachRecord(a, record -> {
            if (!inB.contains(RecordHash.of(record))) {
                removed[0]++;
                if (removedSamples.size() < DIFF_SAMPLES) {
                    removedSamples.add(record);
                }
            }
        });
        return new VersionDiff(from, to, added[0], removed[0], unchanged[0], addedSamples, removedSamples);
    }

    /**
     * The right to be forgotten: every version whose examples contain the value (case-insensitive) is replaced by
     * a clean version (the value becomes {@code <ERASED>}), and the old content is deleted from disk. The audit
     * log records what was erased where, never the value itself.
     */
    public ErasureResult erase(String value) throws IOException {
        currentUser.require(Permission.DATASETS_ERASE);
        if (value == null || value.strip().length() < MIN_ERASURE_LENGTH) {
            throw new InvalidRequestException("value", "Give the value to erase (at least " + MIN_ERASURE_LENGTH
                    + " characters), e.g. the person's e-mail address.");
        }
        String needle = value.strip();
        Pattern pattern = Pattern.compile(Pattern.quote(needle), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        String escapedLower = new String(JsonStringEncoder.getInstance().quoteAsString(needle))
                .toLowerCase(Locale.ROOT);
        List<String> erased = new ArrayList<>();
        List<String> clean = new ArrayList<>();
        Map<String, ArtifactRef> cleanedContent = new LinkedHashMap<>();
        List<DatasetVersionInfo> affected = new ArrayList<>();
        for (DatasetVersionInfo version : datasets.withContent()) {
            ArtifactRef old = ArtifactRef.parse(version.artifact());
            if (!cleanedContent.containsKey(version.artifact())) {
                if (!contains(old, escapedLower, pattern)) {
                    continue;
                }
                cleanedContent.put(version.artifact(), artifacts.write(out -> {
                    Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                    forEachRecord(old, record -> {
                        try {
                            writer.write(VersionBuilder.jsonOf(scrub(record, pattern)));
                            writer.write('\n');
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                    writer.flush();
                }));
            }
            affected.add(version);
        }
        String actor = currentUser.usernameOrSystem();
        for (DatasetVersionInfo version : affected) {
            ArtifactRef cleaned = cleanedContent.get(version.artifact());
            DatasetVersionInfo replacement = transaction.execute(status -> {
                int next = datasets.nextVersion(version.datasetId());
                // reports hold label and attribute values, which may be the very value being erased
                VersionReport report = scrub(version.report(), escapedLower);
                datasets.insertVersion(new DatasetRepository.NewVersion(version.datasetId(), next, cleaned.toString(),
                        artifacts.size(cleaned), version.rows(), version.train(), version.validation(), version.test(),
                        SourceKind.ERASURE, "erasure of v" + version.version(), version.id(), version.piiPolicy(),
                        version.piiKeepReason(), version.settings(), report, actor, now()));
                datasets.markErased(version.id(), report, now());
                return datasets.version(version.datasetId(), next).orElseThrow();
            });
            erased.add(version.datasetName() + " v" + version.version());
            clean.add(replacement.datasetName() + " v" + replacement.version());
        }
        for (String artifact : cleanedContent.keySet()) {
            artifacts.delete(ArtifactRef.parse(artifact));
        }
        audit.record("dataset.erasure", "personal data", erased.isEmpty() ? "value not found in any dataset"
                : "erased from " + String.join(", ", erased) + "; replaced by " + String.join(", ", clean));
        return new ErasureResult(erased, clean);
    }

    /** For the pipeline step, which runs without a signed-in user: the content of a dataset version. */
    DatasetVersionInfo resolveForRun(String datasetName, String versionSpec) {
        return resolve(datasetName, versionSpec);
    }

    private DatasetVersionInfo resolve(String datasetName, String versionSpec) {
        long datasetId = datasetId(datasetName);
        String spec = versionSpec == null || versionSpec.isBlank() ? LATEST : versionSpec.strip();
        if (LATEST.equalsIgnoreCase(spec)) {
            return datasets.latest(datasetId).orElseThrow(() -> new NotFoundException("Dataset “" + datasetName
                    + "” has no version with content yet; upload one on the Datasets screen."));
        }
        int number;
        try {
            number = Integer.parseInt(spec.startsWith("v") ? spec.substring(1) : spec);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("version", "Version must be “latest” or a number, not “" + spec + "”.");
        }
        return datasets.version(datasetId, number).orElseThrow(() -> new NotFoundException("Dataset “"
                + datasetName + "” has no version " + number + "."));
    }

    private long datasetId(String datasetName) {
        return datasets.datasetId(datasetName == null ? "" : datasetName.strip())
                .orElseThrow(() -> new NotFoundException("No dataset named “" + datasetName + "”."));
    }

    public static ArtifactRef content(DatasetVersionInfo version) {
        if (version.artifact() == null) {
            throw new NotFoundException(version.datasetName() + " version " + version.version()
                    + " was erased; use a newer version.");
        }
        return ArtifactRef.parse(version.artifact());
    }

    @FunctionalInterface
    private interface Parse {
        void into(RowSink sink) throws IOException;
    }

    private DatasetVersionInfo build(String name, VersionSettings settings, String keepReason, SourceKind source,
            String sourceRef, Long parent, WorkProgress progress, long inputBytes, Parse parse) throws IOException {
        return build(name, settings, keepReason, source, sourceRef, parent, progress, inputBytes, parse,
                currentUser.usernameOrSystem(), null);
    }

    private DatasetVersionInfo build(String name, VersionSettings settings, String keepReason, SourceKind source,
            String sourceRef, Long parent, WorkProgress progress, long inputBytes, Parse parse, String actor,
            String description) throws IOException {
        try (VersionBuilder builder = VersionBuilder.writing(detector, settings, progress, inputBytes)) {
            parse.into(builder);
            VersionReport report = builder.report();
            if (settings.onRowError() == OnRowError.REJECT_FILE && report.rowsRejected() > 0) {
                throw new DatasetRejectedException(report);
            }
            if (report.stats().rows() == 0) {
                throw new InvalidRequestException("file", "No usable examples in " + sourceRef + ": "
                        + report.rowsRejected() + " row(s) rejected"
                        + (report.firstErrors().isEmpty() ? "" : " (first: " + report.firstErrors().get(0) + ")")
                        + ".");
            }
            VersionBuilder.Written written = builder.write(artifacts);
            DatasetVersionInfo created = transaction.execute(status -> {
                long datasetId = datasets.datasetId(name)
                        .orElseGet(() -> datasets.insertDataset(name, description, actor, now()));
                int version = datasets.nextVersion(datasetId);
                datasets.insertVersion(new DatasetRepository.NewVersion(datasetId, version,
                        written.artifact().toString(), written.sizeBytes(), report.stats().rows(), written.train(),
                        written.validation(), written.test(), source, sourceRef, parent, settings.piiPolicy(),
                        keepReason, settings, report, actor, now()));
                return datasets.version(datasetId, version).orElseThrow();
            });
            audit.recordAs(actor, "dataset.version_created", name, "version " + created.version() + " from "
                    + sourceRef + ": " + created.rows() + " examples, personal data "
                    + settings.piiPolicy().name().toLowerCase(Locale.ROOT)
                    + (settings.piiPolicy() == PiiPolicy.KEEP ? " (reason: " + keepReason + ")" : ""));
            return created;
        }
    }

    private static String checkedName(String datasetName) {
        String name = datasetName == null ? "" : datasetName.strip();
        if (!NAME.matcher(name).matches()) {
            throw new InvalidRequestException("name", "A dataset name is 1 to 100 letters, digits, spaces, '.', '_'"
                    + " or '-', starting with a letter or digit.");
        }
        return name;
    }

    private boolean contains(ArtifactRef ref, String escapedLower, Pattern pattern) throws IOException {
        try (BufferedReader in = reader(ref)) {
            String line;
            while ((line = in.readLine()) != null) {
                // cheap test on the raw line first; only candidates are parsed and checked field by field
                if (line.toLowerCase(Locale.ROOT).contains(escapedLower)) {
                    DatasetRecord record = DatasetRepository.JSON.readValue(line, DatasetRecord.class);
                    if (!scrub(record, pattern).equals(record)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static VersionReport scrub(VersionReport report, String escapedLower) {
        try {
            String json = DatasetRepository.JSON.writeValueAsString(report);
            String scrubbed = Pattern.compile(Pattern.quote(escapedLower), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
                    .matcher(json).replaceAll(Matcher.quoteReplacement(ERASED));
            return DatasetRepository.JSON.readValue(scrubbed, VersionReport.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DatasetRecord scrub(DatasetRecord record, Pattern pattern) {
        List<ChatMessage> messages = record.messages().stream()
                .map(m -> new ChatMessage(m.role(), replace(m.content(), pattern))).toList();
        Map<String, String> attributes = new LinkedHashMap<>();
        record.attributes().forEach((k, v) -> attributes.put(k, replace(v, pattern)));
        return new DatasetRecord(replace(record.id(), pattern), messages, replace(record.text(), pattern),
                replace(record.label(), pattern), attributes, record.split());
    }

    private static String replace(String value, Pattern pattern) {
        return value == null ? null : pattern.matcher(value).replaceAll(Matcher.quoteReplacement(ERASED));
    }

    private LongHashSet hashes(ArtifactRef ref) throws IOException {
        LongHashSet set = new LongHashSet();
        forEachRecord(ref, record -> set.add(RecordHash.of(record)));
        return set;
    }

    private void forEachRecord(ArtifactRef ref, java.util.function.Consumer<DatasetRecord> action) throws IOException {
        try (BufferedReader in = reader(ref)) {
            String line;
            while ((line = in.readLine()) != null) {
                action.accept(DatasetRepository.JSON.readValue(line, DatasetRecord.class));
            }
        }
    }

    private BufferedReader reader(ArtifactRef ref) throws IOException {
        return new BufferedReader(new InputStreamReader(artifacts.open(ref), StandardCharsets.UTF_8), 1 << 16);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
