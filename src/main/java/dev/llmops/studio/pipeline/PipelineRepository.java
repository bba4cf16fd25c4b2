package dev.llmops.studio.pipeline;

import static dev.llmops.studio.db.Tables.PIPELINE;
import static dev.llmops.studio.db.Tables.PIPELINE_VERSION;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

@Repository
class PipelineRepository {

    private final DSLContext db;

    PipelineRepository(DSLContext db) {
        this.db = db;
    }

    boolean nameTaken(String name) {
        return db.fetchExists(PIPELINE, DSL.lower(PIPELINE.NAME).eq(name.toLowerCase(java.util.Locale.ROOT)));
    }

    long insert(String name, String description, String owner, OffsetDateTime now) {
        return db.insertInto(PIPELINE)
                .set(PIPELINE.NAME, name)
                .set(PIPELINE.DESCRIPTION, description)
                .set(PIPELINE.OWNER, owner)
                .set(PIPELINE.CREATED_AT, now)
                .set(PIPELINE.UPDATED_AT, now)
                .set(PIPELINE.CURRENT_VERSION, 1)
                .returning(PIPELINE.ID)
                .fetchOne(PIPELINE.ID);
    }

    /** Moves the pipeline from {@code baseVersion} to the next one; false when someone else got there first. */
    boolean advance(long id, int baseVersion, OffsetDateTime now) {
        return db.update(PIPELINE)
                .set(PIPELINE.CURRENT_VERSION, baseVersion + 1)
                .set(PIPELINE.UPDATED_AT, now)
                .where(PIPELINE.ID.eq(id))
                .and(PIPELINE.CURRENT_VERSION.eq(baseVersion))
                .execute() == 1;
    }

    void insertVersion(long id, int version, String graphJson, String author, OffsetDateTime now, String message,
            int issueCount, String changeSummary) {
        db.insertInto(PIPELINE_VERSION)
                .set(PIPELINE_VERSION.PIPELINE_ID, id)
                .set(PIPELINE_VERSION.VERSION, version)
                .set(PIPELINE_VERSION.GRAPH, graphJson)
                .set(PIPELINE_VERSION.AUTHOR, author)
                .set(PIPELINE_VERSION.CREATED_AT, now)
                .set(PIPELINE_VERSION.MESSAGE, message)
                .set(PIPELINE_VERSION.ISSUE_COUNT, issueCount)
                .set(PIPELINE_VERSION.CHANGE_SUMMARY, changeSummary)
                .execute();
    }

    List<PipelineSummary> find(String search) {
        Condition condition = DSL.trueCondition();
        if (search != null && !search.isBlank()) {
            String text = search.trim();
            condition = PIPELINE.NAME.containsIgnoreCase(text).or(PIPELINE.DESCRIPTION.containsIgnoreCase(text))
                    .or(PIPELINE.OWNER.containsIgnoreCase(text));
        }
        return summaries(condition);
    }

    Optional<PipelineSummary> find(long id) {
        return summaries(PIPELINE.ID.eq(id)).stream().findFirst();
    }

    Optional<String> graph(long id, int version) {
        return db.select(PIPELINE_VERSION.GRAPH).from(PIPELINE_VERSION)
                .where(PIPELINE_VERSION.PIPELINE_ID.eq(id)).and(PIPELINE_VERSION.VERSION.eq(version))
                .fetchOptional(PIPELINE_VERSION.GRAPH);
    }

    List<PipelineVersionInfo> versions(long id) {
        return db.selectFrom(PIPELINE_VERSION).where(PIPELINE_VERSION.PIPELINE_ID.eq(id))
                .orderBy(PIPELINE_VERSION.VERSION.desc())
                .fetch(v -> new PipelineVersionInfo(v.getVersion(), v.getCreatedAt(), v.getAuthor(), v.getMessage(),
                        v.getIssueCount(), v.getChangeSummary()));
    }

    Optional<PipelineVersionInfo> version(long id, int version) {
        return versions(id).stream().filter(v -> v.version() == version).findFirst();
    }

    boolean delete(long id) {
        return db.deleteFrom(PIPELINE).where(PIPELINE.ID.eq(id)).execute() == 1;
    }

    private List<PipelineSummary> summaries(Condition condition) {
        return db.select(PIPELINE.ID, PIPELINE.NAME, PIPELINE.DESCRIPTION, PIPELINE.OWNER, PIPELINE.UPDATED_AT,
                        PIPELINE.CURRENT_VERSION, PIPELINE_VERSION.ISSUE_COUNT)
                .from(PIPELINE).join(PIPELINE_VERSION)
                .on(PIPELINE_VERSION.PIPELINE_ID.eq(PIPELINE.ID)
                        .and(PIPELINE_VERSION.VERSION.eq(PIPELINE.CURRENT_VERSION)))
                .where(condition)
                .orderBy(PIPELINE.UPDATED_AT.desc(), PIPELINE.ID.desc())
                .fetch(PipelineRepository::summary);
    }

    private static PipelineSummary summary(Record r) {
        return new PipelineSummary(r.get(PIPELINE.ID), r.get(PIPELINE.NAME), r.get(PIPELINE.DESCRIPTION),
                r.get(PIPELINE.OWNER), r.get(PIPELINE.UPDATED_AT), r.get(PIPELINE.CURRENT_VERSION),
                r.get(PIPELINE_VERSION.ISSUE_COUNT));
    }
}
