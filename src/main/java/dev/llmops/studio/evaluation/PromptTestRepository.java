package dev.llmops.studio.evaluation;

import static dev.llmops.studio.db.Tables.PROMPT_TEST_RESULT;
import static dev.llmops.studio.db.Tables.PROMPT_TEST_RUN;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.studio.db.tables.records.PromptTestResultRecord;
import dev.llmops.studio.db.tables.records.PromptTestRunRecord;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Prompt test runs and their per-case results (tables prompt_test_run, prompt_test_result). */
@Repository
class PromptTestRepository {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DSLContext db;

    PromptTestRepository(DSLContext db) {
        this.db = db;
    }

    /** A new run, RUNNING until {@link #finish} or {@link #fail}. */
    long start(Long suiteId, String suiteName, TestTarget target, ModelUnderTest model, RunOptions options,
            int cases, Long runId, String nodeId, String actor, OffsetDateTime now) {
        PromptTestRunRecord record = db.newRecord(PROMPT_TEST_RUN);
        record.setSuiteId(suiteId);
        record.setSuiteName(suiteName);
        record.setTargetKind(target.kind().name());
        record.setTarget(target.name());
        record.setModelName(model == null ? null : model.name());
        record.setModelVersion(model == null ? null : model.version());
        record.setModelVersionId(model == null ? null : model.versionId());
        record.setMaxTokens(options.maxTokens());
        record.setTemperature(options.temperature());
        record.setRunId(runId);
        record.setNodeId(nodeId);
        record.setStatus(TestRunStatus.RUNNING.name());
        record.setCases(cases);
        record.setPassed(0);
        record.setCreatedBy(actor);
        record.setCreatedAt(now);
        record.store();
        return record.getId();
    }

    /** The results and the metrics in one go: a run is readable completely or still running. */
    @Transactional
    void finish(long testRunId, List<CaseResult> results, Map<String, Double> metrics, OffsetDateTime now) {
        List<PromptTestResultRecord> records = new ArrayList<>();
        int passed = 0;
        for (CaseResult result : results) {
            PromptTestResultRecord record = db.newRecord(PROMPT_TEST_RESULT);
            record.setTestRunId(testRunId);
            record.setPosition(result.position());
            record.setPrompt(result.prompt());
            record.setMessages(PromptSuiteRepository.messagesJson(result.messages()));
            record.setExpected(result.expected());
            record.setAssertion(result.assertion().name());
            record.setLabel(result.label());
            record.setGroupName(result.group());
            record.setOutput(result.output());
            record.setPassed(result.passed());
            record.setScore(result.score());
            record.setReason(result.reason());
            record.setPredictedLabel(result.predictedLabel());
            record.setLatencyMs(result.latencyMs());
            record.setPromptTokens(result.promptTokens());
            record.setCompletionTokens(result.completionTokens());
            records.add(record);
            passed += result.passed() ? 1 : 0;
        }
        db.batchInsert(records).execute();
        db.update(PROMPT_TEST_RUN).set(PROMPT_TEST_RUN.STATUS, TestRunStatus.SUCCEEDED.name())
                .set(PROMPT_TEST_RUN.CASES, results.size()).set(PROMPT_TEST_RUN.PASSED, passed)
                .set(PROMPT_TEST_RUN.SUMMARY, json(metrics)).set(PROMPT_TEST_RUN.FINISHED_AT, now)
                .where(PROMPT_TEST_RUN.ID.eq(testRunId)).execute();
    }

    void fail(long testRunId, String message, OffsetDateTime now) {
        db.update(PROMPT_TEST_RUN).set(PROMPT_TEST_RUN.STATUS, TestRunStatus.FAILED.name())
                .set(PROMPT_TEST_RUN.MESSAGE, message).set(PROMPT_TEST_RUN.FINISHED_AT, now)
                .where(PROMPT_TEST_RUN.ID.eq(testRunId)).execute();
    }

    Optional<TestRunInfo> run(long testRunId) {
        return db.selectFrom(PROMPT_TEST_RUN).where(PROMPT_TEST_RUN.ID.eq(testRunId))
                .fetchOptional(PromptTestRepository::info);
    }

    /** A suite's runs, newest first. */
    List<TestRunInfo> runs(String suiteName, int limit) {
        return db.selectFrom(PROMPT_TEST_RUN).where(PROMPT_TEST_RUN.SUITE_NAME.eq(suiteName))
                .orderBy(PROMPT_TEST_RUN.ID.desc()).limit(limit).fetch(PromptTestRepository::info);
    }

    /** The newest run of each suite, by suite name. */
    Map<String, TestRunInfo> latestRuns() {
        Map<String, TestRunInfo> latest = new LinkedHashMap<>();
        db.selectFrom(PROMPT_TEST_RUN).where(PROMPT_TEST_RUN.ID.in(DSL.select(DSL.max(PROMPT_TEST_RUN.ID))
                        .from(PROMPT_TEST_RUN).groupBy(PROMPT_TEST_RUN.SUITE_NAME)))
                .fetch(PromptTestRepository::info).forEach(run -> latest.put(run.suiteName(), run));
        return latest;
    }

    List<CaseResult> results(long testRunId) {
        return db.selectFrom(PROMPT_TEST_RESULT).where(PROMPT_TEST_RESULT.TEST_RUN_ID.eq(testRunId))
                .orderBy(PROMPT_TEST_RESULT.POSITION).fetch(r -> new CaseResult(r.getPosition(), r.getPrompt(),
                        PromptSuiteRepository.messages(r.getMessages()), r.getExpected(),
                        AssertionType.valueOf(r.getAssertion()), r.getLabel(), r.getGroupName(), r.getOutput(),
                        r.getPassed(), r.getScore(), r.getReason(), r.getPredictedLabel(), r.getLatencyMs(),
                        r.getPromptTokens(), r.getCompletionTokens()));
    }

    private static TestRunInfo info(PromptTestRunRecord r) {
        TestTarget.Kind kind = TestTarget.Kind.valueOf(r.getTargetKind());
        TestTarget target = new TestTarget(kind, r.getTarget(), kind == TestTarget.Kind.MODEL ? r.getModelVersion()
                : null);
        ModelUnderTest model = r.getModelName() == null ? null
                : new ModelUnderTest(r.getModelName(), r.getModelVersion(), r.getModelVersionId());
        return new TestRunInfo(r.getId(), r.getSuiteName(), target, model, TestRunStatus.valueOf(r.getStatus()),
                r.getCases(), r.getPassed(), metrics(r.getSummary()), r.getMessage(),
                new RunOptions(r.getMaxTokens(), r.getTemperature()), r.getRunId(), r.getNodeId(), r.getCreatedBy(),
                r.getCreatedAt(), r.getFinishedAt());
    }

    private static String json(Map<String, Double> metrics) {
        try {
            return JSON.writeValueAsString(metrics);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Double> metrics(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Double>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored metrics are not valid JSON", e);
        }
    }
}
