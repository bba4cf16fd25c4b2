package dev.llmops.studio.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.llmops.studio.model.ChatTurn;
import dev.llmops.studio.model.ServingTestModels;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.AuditQuery;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.ScriptedExecutors;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.test.context.TestPropertySource;

/**
 * A suite with most assertion types runs against the trained tiny model, served on an endpoint and loaded as a
 * model version: which cases pass is known from the model's memorised answers, and both ways give the same
 * answers, so their comparison is all ties; against the untrained model the trained one wins.
 */
@H2Test
@TestPropertySource(properties = PromptTestRunTest.REAL_STEPS)
class PromptTestRunTest {

    /** The model and serving steps, and this feature's; {@link PromptTestStepTest} shares the context. */
    static final String REAL_STEPS = ScriptedExecutors.QUALITY_STEPS;
    private static final RunOptions QUICK = new RunOptions(64, 0);

    @Autowired
    ApplicationContext context;
    @Autowired
    PromptSuiteService suites;
    @Autowired
    PromptTestService tests;
    @Autowired
    AuditLog audit;
    @Autowired
    Users users;
    @TempDir
    Path dir;
    private PromptTestFixture fixture;

    @BeforeEach
    void fixture() {
        fixture = new PromptTestFixture(context);
    }

    /** Each case with whether the trained model's answer passes it. */
    private static final List<Object[]> CASES = List.of(
            new Object[] {PromptCase.of("Hello", AssertionType.EQUALS, "Hello! How can I help you today?"), true},
            new Object[] {PromptCase.of("What is the capital of France?", AssertionType.CONTAINS, "Paris"), true},
            new Object[] {PromptCase.of("What is the capital of France?", AssertionType.CONTAINS, "Berlin"), false},
            new Object[] {PromptCase.of("Thank you!", AssertionType.REGEX, "welcome.*day"), true},
            new Object[] {PromptCase.of("Who are you?", AssertionType.STARTS_WITH, "I am"), true},
            new Object[] {PromptCase.of("Hello", AssertionType.LENGTH, "..10"), false},
            new Object[] {PromptCase.of("What is the capital of France?", AssertionType.IS_JSON, null), false},
            new Object[] {PromptCase.of("What is the capital of France?", AssertionType.JSON_SCHEMA,
                    "{\"type\": \"object\"}"), false},
            new Object[] {new PromptCase("What is the capital of France?", null, "The capital of France is Paris",
                    AssertionType.ROUGE_L, 0.9, null, "geo"), true},
            new Object[] {new PromptCase("Who are you?", null, "I am a large model", AssertionType.TOKEN_F1, 0.8,
                    null, null), false},
            new Object[] {PromptCase.of("What is the capital of France?", AssertionType.CLASSIFICATION, "Paris"), true},
            new Object[] {PromptCase.of("Thank you!", AssertionType.CLASSIFICATION, "Berlin"), false},
            new Object[] {new PromptCase(null, List.of(new ChatTurn("user", "Who are you?")), "tiny model",
                    AssertionType.ICONTAINS, null, null, "identity"), true},
            new Object[] {PromptCase.of("How much is a café?", AssertionType.NONE, null), true});

    @Test
    void aSuiteRunsAgainstAnEndpointAndAModelVersionAndTheRunsCompare() {
        ModelVersionInfo trained = fixture.register(Users.uniqueName("prompt-tested"),
                ServingTestModels.trainedTinyPackage());
        String endpoint = fixture.servedEndpoint("prompt-tested", trained);
        List<PromptCase> cases = new ArrayList<>(CASES.stream().map(c -> (PromptCase) c[0]).toList());
        cases.add(new PromptCase("Hello", null, "Greets the user and offers help", AssertionType.LLM_JUDGE, null,
                null, "judged"));
        String suite = Users.uniqueName("smoke");
        fixture.as(() -> suites.create(suite, new SuiteContent("known answers", endpoint, "Be polite", cases)));

        List<Integer> progress = new ArrayList<>();
        TestReport viaEndpoint = fixture.as(() -> tests.run(suite, TestTarget.endpoint(endpoint), QUICK,
                (done, total) -> progress.add(done)));
        assertThat(progress).hasSize(cases.size()).contains(cases.size());
        assertKnownOutcomes(viaEndpoint);
        assertThat(viaEndpoint.run().status()).isEqualTo(TestRunStatus.SUCCEEDED);
        assertThat(viaEndpoint.run().model()).isEqualTo(new ModelUnderTest(trained.modelName(), 1, trained.id()));
        CaseResult greeting = viaEndpoint.results().get(0);
        assertThat(greeting.output()).isEqualTo(ServingTestModels.GREETING.assistant());
        assertThat(greeting.latencyMs()).isPositive();
        assertThat(greeting.promptTokens()).isPositive();
        assertThat(greeting.completionTokens()).isGreaterThanOrEqualTo(greeting.output().length());
        // the tiny model is no judge: whatever it replies, the verdict follows the documented reading of it
        CaseResult judged = viaEndpoint.results().get(cases.size() - 1);
        assertThat(judged.reason()).matches("(?s)judge score .*|the judge's .*");
        assertThat(judged.passed()).isEqualTo(judged.reason().contains(" ≥ threshold"));

        ClassificationMetrics classification = viaEndpoint.metrics().classification();
        assertThat(classification.labels()).containsExactly(PromptTestMetrics.NO_LABEL, "Berlin", "Paris");
        assertThat(classification.accuracy()).isEqualTo(0.5);
        Map<String, Double> metrics = viaEndpoint.metrics().named();
        assertThat(metrics.get("f1")).isCloseTo(1.0 / 3, within(1e-9));
        assertThat(metrics.get("micro_f1")).isCloseTo(0.5, within(1e-9));
        assertThat(viaEndpoint.run().metrics()).isEqualTo(metrics);

        TestReport viaModel = fixture.as(() -> tests.run(suite, TestTarget.model(trained.modelName(), 1), QUICK,
                TestProgress.NONE));
        assertKnownOutcomes(viaModel);
        for (int i = 0; i < CASES.size(); i++) {
            assertThat(viaModel.results().get(i).output()).as("case %d", i + 1)
                    .isEqualTo(viaEndpoint.results().get(i).output());
        }

        RunComparison same = fixture.as(() -> tests.compare(viaEndpoint.run().id(), viaModel.run().id()));
        assertThat(same.cases()).hasSize(cases.size());
        assertThat(same.wins() + same.losses()).as("only the judged case may differ").isLessThanOrEqualTo(1);
        assertThat(same.deltas().get("accuracy")).isZero();

        ModelVersionInfo untrained = fixture.register(trained.modelName(), ServingTestModels.randomTinyPackage());
        TestReport worse = fixture.as(() -> tests.run(suite, TestTarget.model(trained.modelName(),
                untrained.version()), QUICK, TestProgress.NONE));
        RunComparison regression = fixture.as(() -> tests.compare(viaModel.run().id(), worse.run().id()));
        assertThat(regression.losses()).as(regression.cases().toString()).isGreaterThanOrEqualTo(6);
        assertThat(regression.wins()).isZero();
        assertThat(regression.deltas().get("pass_rate")).isNegative();

        assertThat(fixture.as(() -> tests.history(suite))).extracting(TestRunInfo::id)
                .containsExactly(worse.run().id(), viaModel.run().id(), viaEndpoint.run().id());
        assertThat(fixture.as(() -> suites.list())).filteredOn(s -> s.name().equals(suite)).singleElement()
                .satisfies(s -> assertThat(s.latestRun().id()).isEqualTo(worse.run().id()));
        assertThat(SignedIn.as("auditor", List.of(Role.ADMIN), () -> audit.count(new AuditQuery(fixture.engineer,
                "prompt_test.run", suite, null, null)))).isEqualTo(3);
    }

    @Test
    void aMalformedFileSavesNothingAndViewersMayNotRunTests() throws Exception {
        Path file = dir.resolve("cases.csv");
        Files.writeString(file, "prompt,expected,assertion\nHello,Hello,equals\nHi,x,fuzzy\n");
        String suite = Users.uniqueName("imported");
        assertThatThrownBy(() -> fixture.as(() -> suites.importFile(suite, file, "cases.csv")))
                .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("cases.csv:3:3: unknown assertion");
        assertThat(fixture.as(() -> suites.find(suite))).isEmpty();

        Files.writeString(file, "prompt,expected,assertion\nHello,Hello,equals\n");
        assertThat(fixture.as(() -> suites.importFile(suite, file, "cases.csv")).cases()).hasSize(1);

        String viewer = users.create("prompt-viewer", Role.VIEWER);
        assertThat(SignedIn.as(viewer, List.of(Role.VIEWER), () -> suites.get(suite).cases())).hasSize(1);
        assertThatThrownBy(() -> SignedIn.as(viewer, List.of(Role.VIEWER), () -> tests.run(suite,
                TestTarget.endpoint("anything")))).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> SignedIn.as(viewer, List.of(Role.VIEWER), () -> suites.importFile(suite, file,
                "cases.csv"))).isInstanceOf(AccessDeniedException.class);
    }

    private static void assertKnownOutcomes(TestReport report) {
        for (int i = 0; i < CASES.size(); i++) {
            CaseResult result = report.results().get(i);
            assertThat(result.passed()).as("case %d (%s on “%s”): %s → %s", i + 1, result.assertion(),
                    result.prompt(), result.output(), result.reason()).isEqualTo(CASES.get(i)[1]);
        }
    }
}
