package dev.llmops.studio.evaluation;

import static dev.llmops.studio.db.Tables.PROMPT_CASE;
import static dev.llmops.studio.db.Tables.PROMPT_SUITE;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.studio.db.tables.records.PromptCaseRecord;
import dev.llmops.studio.db.tables.records.PromptSuiteRecord;
import dev.llmops.studio.model.ChatTurn;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/** Prompt suites and their cases (tables prompt_suite, prompt_case). */
@Repository
class PromptSuiteRepository {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DSLContext db;

    PromptSuiteRepository(DSLContext db) {
        this.db = db;
    }

    /** Every suite by name with its number of cases; the latest run is the service's to add. */
    List<PromptSuiteSummary> summaries() {
        Map<Long, Integer> counts = db.select(PROMPT_CASE.SUITE_ID, DSL.count()).from(PROMPT_CASE)
                .groupBy(PROMPT_CASE.SUITE_ID).fetchMap(PROMPT_CASE.SUITE_ID, DSL.count());
        return db.selectFrom(PROMPT_SUITE).orderBy(PROMPT_SUITE.NAME).fetch(r -> new PromptSuiteSummary(r.getName(),
                r.getDescription(), counts.getOrDefault(r.getId(), 0), r.getUpdatedBy(), r.getUpdatedAt(), null));
    }

    Optional<PromptSuite> byName(String name) {
        return db.selectFrom(PROMPT_SUITE).where(PROMPT_SUITE.NAME.eq(name)).fetchOptional()
                .map(r -> suite(r, cases(r.getId())));
    }

    /** The suite row, locked, so two saves of one suite happen one after the other. */
    Optional<Long> lockByName(String name) {
        return db.select(PROMPT_SUITE.ID).from(PROMPT_SUITE).where(PROMPT_SUITE.NAME.eq(name)).forUpdate()
                .fetchOptional(PROMPT_SUITE.ID);
    }

    long insert(String name, SuiteContent content, String actor, OffsetDateTime now) {
        PromptSuiteRecord record = db.newRecord(PROMPT_SUITE);
        record.setName(name);
        apply(record, content);
        record.setCreatedBy(actor);
        record.setCreatedAt(now);
        record.setUpdatedBy(actor);
        record.setUpdatedAt(now);
        record.store();
        insertCases(record.getId(), content.cases());
        return record.getId();
    }

    void update(long suiteId, SuiteContent content, String actor, OffsetDateTime now) {
        PromptSuiteRecord record = db.selectFrom(PROMPT_SUITE).where(PROMPT_SUITE.ID.eq(suiteId)).fetchSingle();
        apply(record, content);
        record.setUpdatedBy(actor);
        record.setUpdatedAt(now);
        record.store();
        db.deleteFrom(PROMPT_CASE).where(PROMPT_CASE.SUITE_ID.eq(suiteId)).execute();
        insertCases(suiteId, content.cases());
    }

    boolean delete(String name) {
        return db.deleteFrom(PROMPT_SUITE).where(PROMPT_SUITE.NAME.eq(name)).execute() > 0;
    }

    private void insertCases(long suiteId, List<PromptCase> cases) {
        List<PromptCaseRecord> records = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            PromptCase c = cases.get(i);
            PromptCaseRecord record = db.newRecord(PROMPT_CASE);
            record.setSuiteId(suiteId);
            record.setPosition(i + 1);
            record.setPrompt(c.prompt());
            record.setMessages(messagesJson(c.messages()));
            record.setExpected(c.expected());
            record.setAssertion(c.assertion().name());
            record.setThreshold(c.threshold());
            record.setLabel(c.label());
            record.setGroupName(c.group());
            records.add(record);
        }
        db.batchInsert(records).execute();
    }

    private List<PromptCase> cases(long suiteId) {
        return db.selectFrom(PROMPT_CASE).where(PROMPT_CASE.SUITE_ID.eq(suiteId)).orderBy(PROMPT_CASE.POSITION)
                .fetch(r -> new PromptCase(r.getPrompt(), messages(r.getMessages()), r.getExpected(),
                        AssertionType.valueOf(r.getAssertion()), r.getThreshold(), r.getLabel(), r.getGroupName()));
    }

    private static void apply(PromptSuiteRecord record, SuiteContent content) {
        record.setDescription(content.description());
        record.setJudgeEndpoint(content.judgeEndpoint());
        record.setJudgeRubric(content.judgeRubric());
    }

    private static PromptSuite suite(PromptSuiteRecord r, List<PromptCase> cases) {
        return new PromptSuite(r.getId(), r.getName(), r.getDescription(), r.getJudgeEndpoint(), r.getJudgeRubric(),
                cases, r.getCreatedBy(), r.getCreatedAt(), r.getUpdatedBy(), r.getUpdatedAt());
    }

    /** A chat as stored: a JSON array of {role, content}; null for a single-prompt case. */
    static String messagesJson(List<ChatTurn> messages) {
        if (messages == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(messages);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<ChatTurn> messages(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, new TypeReference<List<ChatTurn>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored chat messages are not valid JSON", e);
        }
    }
}
