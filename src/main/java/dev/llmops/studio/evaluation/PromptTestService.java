package dev.llmops.studio.evaluation;

import dev.llmops.studio.model.ChatTurn;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.registry.ModelRegistryService;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.serving.EndpointInfo;
import dev.llmops.studio.serving.EndpointService;
import dev.llmops.studio.serving.ReplicaHub;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * Runs prompt suites against an endpoint or a model version and keeps every run (docs/metrics.md, Prompt tests):
 * each case's answer is checked by its assertion ({@link OutputAssertions}, or the suite's judge endpoint for
 * LLM_JUDGE), the results and aggregates are stored, and two runs of a suite can be compared. People need
 * {@link Permission#PROMPT_TESTS_EDIT} to run a test and {@link Permission#PROMPT_TESTS_VIEW} to read and compare;
 * the Prompt test step runs for its pipeline run without a signed-in user.
 */
@Service
public class PromptTestService {

    static final int HISTORY = 100;
    private static final Path WORK_DIR = Path.of(System.getProperty("java.io.tmpdir"), "studio-prompt-tests");

    private final PromptSuiteRepository suites;
    private final PromptTestRepository tests;
    private final ReplicaHub hub;
    private final EndpointService endpoints;
    private final ModelRegistryService registry;
    private final CurrentUser currentUser;
    private final AuditLog audit;
    private final Clock clock;

    PromptTestService(PromptSuiteRepository suites, PromptTestRepository tests, ReplicaHub hub,
            EndpointService endpoints, ModelRegistryService registry, CurrentUser currentUser, AuditLog audit,
            Clock clock) {
        this.suites = suites;
        this.tests = tests;
        this.hub = hub;
        this.endpoints = endpoints;
        this.registry = registry;
        this.currentUser = currentUser;
        this.audit = audit;
        this.clock = clock;
    }

    /** Runs a saved suite with the default options (temperature 0). */
    public TestReport run(String suiteName, TestTarget target) {
        return run(suiteName, target, RunOptions.DEFAULT, TestProgress.NONE);
    }

    /**
     * Runs a saved suite as the signed-in user and returns the report once every case is checked. Takes as long as
     * the answers take: screens call it in the background. A failure (the endpoint is not deployed, the model
     * cannot be loaded) is stored with the run and thrown.
     */
    public TestReport run(String suiteName, TestTarget target, RunOptions options, TestProgress progress) {
        currentUser.require(Permission.PROMPT_TESTS_EDIT);
        PromptSuite suite = suites.byName(suiteName)
                .orElseThrow(() -> new NotFoundException("No prompt suite “" + suiteName + "”."));
        ModelUnderTest model = switch (target.kind()) {
            case ENDPOINT -> {
                EndpointInfo endpoint = endpoints.find(target.name()).orElseThrow(() -> new NotFoundException(
                        "No endpoint “" + target.name() + "”."));
                yield endpoint.stable().map(d -> new ModelUnderTest(d.modelName(), d.modelVersion(),
                        d.modelVersionId())).orElse(null);
            }
            case MODEL -> null;
        };
        audit.record("prompt_test.run", suite.name(), "against " + target.label() + ", " + suite.cases().size()
                + " cases");
        return execute(suite, target, model, options, currentUser.usernameOrSystem(), null, null, progress);
    }

    /**
     * Runs a suite for a pipeline step: saved or inline ({@link PromptSuite#id()} 0), as the run's starter, with
     * the run and step recorded on the test run.
     */
    TestReport runForStep(PromptSuite suite, TestTarget target, ModelUnderTest model, RunOptions options,
            String actor, long runId, String nodeId, TestProgress progress) {
        return execute(suite, target, model, options, actor, runId, nodeId, progress);
    }

    /** The newest runs of a suite first. */
    public List<TestRunInfo> history(String suiteName) {
        currentUser.require(Permission.PROMPT_TESTS_VIEW);
        return tests.runs(suiteName, HISTORY);
    }

    public TestReport report(long testRunId) {
        currentUser.require(Permission.PROMPT_TESTS_VIEW);
        TestRunInfo run = existingRun(testRunId);
        List<CaseResult> results = tests.results(testRunId);
        return new TestReport(run, results, PromptTestMetrics.of(results));
    }

    /** Compares a candidate run with a baseline run of the same suite. */
    public RunComparison compare(long baselineRunId, long candidateRunId) {
        currentUser.require(Permission.PROMPT_TESTS_VIEW);
        TestRunInfo baseline = existingRun(baselineRunId);
        TestRunInfo candidate = existingRun(candidateRunId);
        if (!baseline.suiteName().equals(candidate.suiteName())) {
            throw new InvalidRequestException("candidate", "Only runs of the same suite compare: run "
                    + baselineRunId + " tested “" + baseline.suiteName() + "”, run " + candidateRunId + " tested “"
                    + candidate.suiteName() + "”.");
        }
        if (baseline.status() != TestRunStatus.SUCCEEDED || candidate.status() != TestRunStatus.SUCCEEDED) {
            throw new InvalidRequestException("candidate", "Only finished runs compare; run "
                    + (baseline.status() != TestRunStatus.SUCCEEDED ? baselineRunId : candidateRunId) + " is "
                    + (baseline.status() != TestRunStatus.SUCCEEDED ? baseline : candidate).status()
                    .name().toLowerCase() + ".");
        }
        return RunComparison.of(baseline, tests.results(baselineRunId), candidate, tests.results(candidateRunId));
    }

    private TestRunInfo existingRun(long testRunId) {
        return tests.run(testRunId).orElseThrow(() -> new NotFoundException("No prompt test run " + testRunId + "."));
    }

    private TestReport execute(PromptSuite suite, TestTarget target, ModelUnderTest knownModel, RunOptions options,
            String actor, Long runId, String nodeId, TestProgress progress) {
        ModelVersionInfo version = target.kind() == TestTarget.Kind.MODEL
                ? registry.findVersion(target.name(), target.version()).orElseThrow(() -> new NotFoundException(
                        "No version " + target.version() + " of model “" + target.name() + "”."))
                : null;
        ModelUnderTest model = version != null
                ? new ModelUnderTest(version.modelName(), version.version(), version.id()) : knownModel;
        long testRunId = tests.start(suite.id() > 0 ? suite.id() : null, suite.name(), target, model, options,
                suite.cases().size(), runId, nodeId, actor, now());
        try (Answerer answerer = version != null ? ModelAnswerer.load(registry.openForServing(version.id()),
                WORK_DIR) : new EndpointAnswerer(hub, target.name())) {
            List<List<ChatTurn>> chats = suite.cases().stream().map(PromptCase::chat).toList();
            List<Answerer.Answer> answers = answerer.answer(chats, options, progress);
            List<CaseResult> results = check(suite, answers, progress);
            PromptTestMetrics metrics = PromptTestMetrics.of(results);
            tests.finish(testRunId, results, metrics.named(), now());
            return new TestReport(tests.run(testRunId).orElseThrow(), results, metrics);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tests.fail(testRunId, "interrupted", now());
            throw new IllegalStateException("the prompt test was interrupted", e);
        } catch (IOException | RuntimeException e) {
            tests.fail(testRunId, String.valueOf(e.getMessage()), now());
            throw e instanceof IOException io ? new IllegalStateException("the model version could not be loaded: "
                    + io.getMessage(), io) : (RuntimeException) e;
        }
    }

    /** Every answer checked by its case's assertion; the judge's grades are asked for all at once. */
    private List<CaseResult> check(PromptSuite suite, List<Answerer.Answer> answers, TestProgress progress)
            throws InterruptedException {
        List<PromptCase> cases = suite.cases();
        List<String> labels = new ArrayList<>(new LinkedHashSet<>(cases.stream()
                .filter(c -> c.assertion() == AssertionType.CLASSIFICATION && c.expected() != null)
                .map(c -> c.expected().strip()).toList()));
        AssertionResult[] verdicts = new AssertionResult[cases.size()];
        List<Integer> judged = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            PromptCase c = cases.get(i);
            Answerer.Answer answer = answers.get(i);
            if (answer.error() != null) {
                verdicts[i] = AssertionResult.of(false, "no answer: " + answer.error());
            } else if (c.assertion() == AssertionType.LLM_JUDGE) {
                judged.add(i);
            } else {
                verdicts[i] = OutputAssertions.check(c.assertion(), answer.text(), c.expected(), labels,
                        c.threshold());
            }
        }
        judge(suite, judged, answers, verdicts, progress);
        List<CaseResult> results = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            PromptCase c = cases.get(i);
            Answerer.Answer answer = answers.get(i);
            AssertionResult verdict = verdicts[i];
            results.add(new CaseResult(i + 1, c.shownPrompt(), c.messages(), c.expected(), c.assertion(), c.label(),
                    c.group(), answer.text(), verdict.pass(), verdict.score(), verdict.reason(),
                    verdict.predictedLabel(), answer.latencyMs(), answer.promptTokens(), answer.completionTokens()));
        }
        return results;
    }

    private void judge(PromptSuite suite, List<Integer> judged, List<Answerer.Answer> answers,
            AssertionResult[] verdicts, TestProgress progress) throws InterruptedException {
        if (judged.isEmpty()) {
            return;
        }
        if (suite.judgeEndpoint() == null) {
            judged.forEach(i -> verdicts[i] = AssertionResult.of(false, "the suite names no judge endpoint"));
            return;
        }
        List<List<ChatTurn>> requests = new ArrayList<>();
        List<Integer> asked = new ArrayList<>();
        for (int i : judged) {
            PromptCase c = suite.cases().get(i);
            String rubric = LlmJudge.rubric(c.expected(), suite.judgeRubric());
            if (rubric.isBlank()) {
                verdicts[i] = AssertionResult.of(false, "no rubric: give the case an expected value or the suite a"
                        + " judge rubric");
            } else {
                requests.add(LlmJudge.request(rubric, c.shownPrompt(), answers.get(i).text()));
                asked.add(i);
            }
        }
        List<Answerer.Answer> grades;
        try (Answerer judge = new EndpointAnswerer(hub, suite.judgeEndpoint())) {
            grades = judge.answer(requests, new RunOptions(LlmJudge.MAX_TOKENS, 0), new TestProgress() {
                @Override
                public void answered(int done, int total) {
                }

                @Override
                public boolean cancelled() {
                    return progress.cancelled();
                }
            });
        } catch (IllegalStateException e) {
            // the judge endpoint is gone: every judged case fails with that, the rest of the run stands
            asked.forEach(i -> verdicts[i] = AssertionResult.of(false, "the judge could not grade: "
                    + e.getMessage()));
            return;
        }
        for (int k = 0; k < asked.size(); k++) {
            int i = asked.get(k);
            Answerer.Answer grade = grades.get(k);
            verdicts[i] = grade.error() != null ? AssertionResult.of(false, "the judge could not grade: "
                    + grade.error()) : LlmJudge.result(grade.text(), suite.cases().get(i).threshold());
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
