package dev.llmops.studio.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.studio.artifact.ArtifactStore;
import dev.llmops.studio.pipeline.GraphEdge;
import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.run.RunDetail;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.RunStatus;
import dev.llmops.studio.run.RunTrigger;
import dev.llmops.studio.run.TaskInfo;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.AuditQuery;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.FileBytes;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.RunWait;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Versions end to end on the real application: policies, splits, duplicates, atomicity, the pipeline step, and
 * erasure down to the bytes on disk.
 */
@H2Test
class DatasetVersionsTest {

    @Autowired
    DatasetService datasets;
    @Autowired
    PipelineService pipelines;
    @Autowired
    RunService runs;
    @Autowired
    AuditLog audit;
    @Autowired
    Users users;
    @Autowired
    JdbcTemplate jdbc;
    @Value("${studio.artifacts.dir}")
    Path artifacts;
    @TempDir
    Path dir;

    private String engineer;

    @BeforeEach
    void engineer() {
        engineer = users.create("data-engineer", Role.ML_ENGINEER);
    }

    @Test
    void theDemoDatasetExistsWithRedactedPersonalDataAndAStratifiedSplit() throws Exception {
        DatasetVersionInfo demo = as(() -> datasets.version("support-replies", "latest"));
        assertThat(demo.rows()).isBetween(250L, 320L);
        assertThat(demo.report().duplicatesRemoved()).isPositive();
        assertThat(demo.report().pii()).extracting(PiiFinding::type).contains(PiiType.EMAIL, PiiType.PHONE);
        assertThat(demo.train() + demo.validation() + demo.test()).isEqualTo(demo.rows());
        List<DatasetRecord> all = records("support-replies", demo.version());
        assertThat(all).noneMatch(r -> r.messages().stream().anyMatch(m -> m.content().contains("@example.com")));
        assertThat(all).anyMatch(r -> r.messages().stream().anyMatch(m -> m.content().contains("<EMAIL>")));
        // stratified: every intent has about 10 % of its examples in validation
        Map<String, int[]> perLabel = new HashMap<>();
        all.forEach(r -> perLabel.computeIfAbsent(r.label(), l -> new int[2])[r.split().equals("validation") ? 1 : 0]++);
        perLabel.forEach((label, counts) -> assertThat(counts[1]).as(label)
                .isEqualTo((int) Math.round((counts[0] + counts[1]) * 0.1)));
    }

    @Test
    void theSplitDependsOnTheSeedAndContentOnlyNotOnRowOrder() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            lines.add("{\"prompt\":\"question " + i + "\",\"completion\":\"answer " + i + "\",\"topic\":\"t" + (i % 4)
                    + "\"}");
        }
        Path forward = write("forward.jsonl", String.join("\n", lines));
        List<String> reversed = new ArrayList<>(lines);
        java.util.Collections.reverse(reversed);
        Path backward = write("backward.jsonl", String.join("\n", reversed));
        ColumnMapping mapping = new ColumnMapping(null, null, null, "topic", null, List.of());
        String name = Users.uniqueName("split");
        VersionSettings seed42 = new VersionSettings(mapping, 0.2, 0.1, 42, true, PiiPolicy.REDACT,
                OnRowError.REJECT_FILE);
        DatasetVersionInfo a = as(() -> datasets.createVersion(name, forward, "forward.jsonl", seed42, null, () -> false));
        DatasetVersionInfo b = as(() -> datasets.createVersion(name, backward, "backward.jsonl", seed42, null,
                () -> false));
        DatasetVersionInfo c = as(() -> datasets.createVersion(name, forward, "forward.jsonl",
                new VersionSettings(mapping, 0.2, 0.1, 7, true, PiiPolicy.REDACT, OnRowError.REJECT_FILE), null,
                () -> false));

        assertThat(splitsOf(name, a.version())).isEqualTo(splitsOf(name, b.version()));
        assertThat(splitsOf(name, a.version())).isNotEqualTo(splitsOf(name, c.version()));
        assertThat(a.validation()).isEqualTo(80);
        assertThat(a.test()).isEqualTo(40);
        assertThat(a.train()).isEqualTo(280);
        VersionDiff diff = as(() -> datasets.diff(name, a.version(), b.version()));
        assertThat(diff.added()).isZero();
        assertThat(diff.removed()).isZero();
        assertThat(diff.unchanged()).isEqualTo(400);
    }

    @Test
    void badRowsAreNamedAndRejectFileCreatesNothing() throws Exception {
        Path csv = write("tickets.csv", "question,answer,category\n"
                + "How do I reset my password?,Use the link on the sign-in page.,account\n"
                + "Where is my parcel?,,shipping\n"
                + "\"A quoted, multi-line\nquestion\",\"An answer\",billing\n"
                + "Too,many,fields,here\n");
        String name = Users.uniqueName("strict");
        VersionSettings reject = new VersionSettings(new ColumnMapping("question", "answer", null, "category", null,
                List.of()), 0.1, 0, 1, true, PiiPolicy.REDACT, OnRowError.REJECT_FILE);
        assertThatThrownBy(() -> as(() -> datasets.createVersion(name, csv, "tickets.csv", reject, null, () -> false)))
                .isInstanceOfSatisfying(DatasetRejectedException.class, e -> {
                    assertThat(e.report().rowsRejected()).isEqualTo(2);
                    assertThat(e.report().firstErrors()).extracting(RowError::line).containsExactly(3L, 6L);
                    assertThat(e.report().firstErrors().get(0).column()).isEqualTo(2);
                    assertThat(e.report().firstErrors().get(0).file()).isEqualTo("tickets.csv");
                });
        assertThat(as(() -> datasets.list())).extracting(DatasetSummary::name).doesNotContain(name);

        VersionSettings skip = new VersionSettings(reject.mapping(), 0.1, 0, 1, true, PiiPolicy.REDACT,
                OnRowError.SKIP_BAD_ROWS);
        DatasetVersionInfo version = as(() -> datasets.createVersion(name, csv, "tickets.csv", skip, null,
                () -> false));
        assertThat(version.rows()).isEqualTo(2);
        assertThat(version.report().rowsRejected()).isEqualTo(2);
    }

    @Test
    void dropLeavesOutExamplesWithPersonalDataAndKeepNeedsAnAdminWithAReason() throws Exception {
        Path file = write("contacts.jsonl", String.join("\n",
                "{\"prompt\":\"Call me on +44 20 7946 0123\",\"completion\":\"We will.\"}",
                "{\"prompt\":\"My card 4111 1111 1111 1111 was charged twice\",\"completion\":\"Refunded.\"}",
                "{\"prompt\":\"Opening hours?\",\"completion\":\"9 to 5.\"}"));
        String name = Users.uniqueName("contacts");
        DatasetVersionInfo dropped = as(() -> datasets.createVersion(name, file, "contacts.jsonl",
                new VersionSettings(ColumnMapping.none(), 0, 0, 1, true, PiiPolicy.DROP, OnRowError.REJECT_FILE), null,
                () -> false));
        assertThat(dropped.rows()).isEqualTo(1);
        assertThat(dropped.report().droppedForPii()).isEqualTo(2);
        assertThat(dropped.report().pii()).extracting(PiiFinding::type)
                .containsExactlyInAnyOrder(PiiType.PHONE, PiiType.PAYMENT_CARD);

        VersionSettings keep = new VersionSettings(ColumnMapping.none(), 0, 0, 1, true, PiiPolicy.KEEP,
                OnRowError.REJECT_FILE);
        assertThatThrownBy(() -> as(() -> datasets.createVersion(name, file, "contacts.jsonl", keep, "for a test",
                () -> false))).isInstanceOf(org.springframework.security.access.AccessDeniedException.class);
        String steward = users.create("data-steward", Role.ADMIN, Role.ML_ENGINEER);
        List<Role> both = List.of(Role.ADMIN, Role.ML_ENGINEER);
        assertThatThrownBy(() -> SignedIn.as(steward, both, () -> datasets.createVersion(name, file,
                "contacts.jsonl", keep, " ", () -> false))).hasMessageContaining("Say why");
        DatasetVersionInfo kept = SignedIn.as(steward, both, () -> datasets.createVersion(name, file, "contacts.jsonl",
                keep, "fraud investigation 2026-117, approved by the DPO", () -> false));
        assertThat(kept.rows()).isEqualTo(3);
        assertThat(kept.piiKeepReason()).isEqualTo("fraud investigation 2026-117, approved by the DPO");
        assertThat(records(name, kept.version())).anyMatch(r -> r.messages().get(0).content().contains("4111"));
        assertThat(SignedIn.as(steward, both, () -> audit.search(new AuditQuery(steward, "dataset.version_created",
                null, null, null), 0, 10))).singleElement().satisfies(entry ->
                assertThat(entry.details()).contains("personal data keep (reason: fraud investigation"));
    }

    @Test
    void anInterruptedVersionLeavesNoVersionAndNoFiles() throws Exception {
        StringBuilder big = new StringBuilder("prompt,response\n");
        for (int i = 0; i < 20_000; i++) {
            big.append("question ").append(i).append(",answer ").append(i).append('\n');
        }
        Path csv = write("big.csv", big.toString());
        String name = Users.uniqueName("interrupted");
        long objectsBefore = files(artifacts.resolve("objects"));
        AtomicInteger polled = new AtomicInteger();
        assertThatThrownBy(() -> as(() -> datasets.createVersion(name, csv, "big.csv",
                VersionSettings.defaults(new ColumnMapping("prompt", "response", null, null, null, List.of())), null,
                () -> polled.incrementAndGet() > 10_000)))
                .isInstanceOf(CancellationException.class);
        assertThat(as(() -> datasets.list())).extracting(DatasetSummary::name).doesNotContain(name);
        assertThat(files(artifacts.resolve("objects"))).isEqualTo(objectsBefore);
        assertThat(files(artifacts.resolve("incoming"))).isZero();
    }

    @Test
    void thePipelineStepPassesTheVersionOnAndATestStepReadsIt() throws Exception {
        Path file = write("notes.txt", "first line of text\nsecond line of text\n");
        String name = Users.uniqueName("texts");
        DatasetVersionInfo version = as(() -> datasets.createVersion(name, file, "notes.txt",
                VersionSettings.defaults(ColumnMapping.none()), null, () -> false));
        PipelineGraph graph = new PipelineGraph(null, List.of(
                new GraphNode("data", "dataset-upload", "Texts", 0, 0, Map.of("dataset", name, "version", "1")),
                new GraphNode("train", "fine-tune", "Train", 260, 0, Map.of())),
                List.of(new GraphEdge("e1", "data", "dataset", "train", "dataset")));
        long pipelineId = as(() -> pipelines.create(Users.uniqueName("reads-texts"), null, graph, null).id());
        long runId = as(() -> runs.start(pipelineId, RunTrigger.API).id());
        RunDetail done = awaitRun(runId);
        assertThat(done.summary().status()).isEqualTo(RunStatus.SUCCEEDED);
        TaskInfo data = done.tasks().stream().filter(t -> t.nodeId().equals("data")).findFirst().orElseThrow();
        assertThat(data.outputs()).containsEntry("dataset", version.artifact());
        TaskInfo train = done.tasks().stream().filter(t -> t.nodeId().equals("train")).findFirst().orElseThrow();
        assertThat(as(() -> runs.log(train.id(), 0, 100))).anyMatch(l -> l.line().startsWith("read dataset: {\"split\":")
                && l.line().contains("line of text"));
    }

    @Test
    void erasureReplacesEveryVersionAndLeavesNoTraceOnDisk() throws Exception {
        String person = "Quentin Marvelwood";
        Path file = write("crm.csv", "question,answer,agent\n"
                + "Can " + person + " call me back?,Yes: " + person + " will call you today.,desk-1\n"
                + "What are your opening hours?,We are open 9 to 17 on weekdays.,desk-2\n"
                + "Is " + person.toUpperCase() + " still working there?,Please ask our front desk.,desk-1\n");
        String name = Users.uniqueName("crm");
        ColumnMapping mapping = new ColumnMapping("question", "answer", null, null, null, List.of("agent"));
        as(() -> datasets.createVersion(name, file, "crm.csv", VersionSettings.defaults(mapping), null, () -> false));
        as(() -> datasets.createVersion(name, file, "crm.csv",
                new VersionSettings(mapping, 0.3, 0, 9, true, PiiPolicy.DROP, OnRowError.SKIP_BAD_ROWS), null,
                () -> false));
        String admin = users.create("privacy-admin", Role.ADMIN);

        ErasureResult result = SignedIn.as(admin, List.of(Role.ADMIN), () -> datasets.erase(person.toLowerCase()));

        assertThat(result.erasedVersions()).containsExactly(name + " v1", name + " v2");
        List<DatasetVersionInfo> versions = as(() -> datasets.versions(name));
        assertThat(versions).hasSize(4);
        assertThat(versions.stream().filter(DatasetVersionInfo::erased)).extracting(DatasetVersionInfo::version)
                .containsExactlyInAnyOrder(1, 2);
        List<DatasetRecord> clean = records(name, 4);
        assertThat(clean).hasSize(3).anyMatch(r -> r.messages().get(0).content().contains("<ERASED>"));
        byte[] needle = person.getBytes(StandardCharsets.UTF_8);
        byte[] upper = person.toUpperCase().getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> stored = Files.walk(artifacts)) {
            assertThat(stored.filter(Files::isRegularFile)).as("artifact files containing the erased value")
                    .noneMatch(f -> FileBytes.contains(f, needle) || FileBytes.contains(f, upper));
        }
        List<String> columns = jdbc.queryForList("SELECT settings || report || COALESCE(source_ref, '') FROM "
                + "dataset_version", String.class);
        assertThat(columns).noneMatch(text -> text.toLowerCase().contains(person.toLowerCase()));
        assertThat(SignedIn.as(admin, List.of(Role.ADMIN), () -> audit.search(new AuditQuery(null, "dataset.erasure",
                null, null, null), 0, 10))).isNotEmpty().allSatisfy(entry ->
                assertThat(String.valueOf(entry.details()) + entry.target()).doesNotContainIgnoringCase(person));
        assertThatThrownBy(() -> as(() -> datasets.open(name, 1))).hasMessageContaining("erased");
    }

    private Map<String, String> splitsOf(String name, int version) throws Exception {
        Map<String, String> splits = new HashMap<>();
        records(name, version).forEach(r -> splits.put(r.messages().get(0).content(), r.split()));
        return splits;
    }

    private List<DatasetRecord> records(String name, int version) throws Exception {
        List<DatasetRecord> records = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(as(() -> datasets.open(name, version)),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                records.add(DatasetRepository.JSON.readValue(line, DatasetRecord.class));
            }
        }
        return records;
    }

    private RunDetail awaitRun(long runId) throws Exception {
        return RunWait.finished(runs, engineer, Role.ML_ENGINEER, runId, Duration.ofSeconds(60));
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static long files(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    private <T> T as(Callable<T> action) throws Exception {
        return SignedIn.as(engineer, List.of(Role.ML_ENGINEER), action);
    }
}
