package dev.llmops.studio.dataset;

import static dev.llmops.studio.db.Tables.DATASET;
import static dev.llmops.studio.db.Tables.DATASET_VERSION;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.llmops.studio.db.tables.DatasetVersion;
import dev.llmops.studio.db.tables.records.DatasetVersionRecord;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

@Repository
class DatasetRepository {

    static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final DSLContext db;

    DatasetRepository(DSLContext db) {
        this.db = db;
    }

    Optional<Long> datasetId(String name) {
        return db.select(DATASET.ID).from(DATASET).where(DATASET.NAME.eq(name)).fetchOptional(DATASET.ID);
    }

    long insertDataset(String name, String description, String createdBy, OffsetDateTime now) {
        return db.insertInto(DATASET).set(DATASET.NAME, name).set(DATASET.DESCRIPTION, description)
                .set(DATASET.CREATED_BY, createdBy).set(DATASET.CREATED_AT, now)
                .returning(DATASET.ID).fetchOne(DATASET.ID);
    }

    /** Locks the dataset row so two uploads to one dataset number their versions one after the other. */
    int nextVersion(long datasetId) {
        db.select(DATASET.ID).from(DATASET).where(DATASET.ID.eq(datasetId)).forUpdate().fetch();
        Integer max = db.select(DSL.max(DATASET_VERSION.VERSION)).from(DATASET_VERSION)
                .where(DATASET_VERSION.DATASET_ID.eq(datasetId)).fetchOne(0, Integer.class);
        return max == null ? 1 : max + 1;
    }

    record NewVersion(long datasetId, int version, String artifact, long sizeBytes, long rows, long train,
            long validation, long test, SourceKind sourceKind, String sourceRef, Long parentVersionId,
            PiiPolicy piiPolicy, String keepReason, VersionSettings settings, VersionReport report, String createdBy,
            OffsetDateTime createdAt) {
    }

    long insertVersion(NewVersion v) {
        return db.insertInto(DATASET_VERSION)
                .set(DATASET_VERSION.DATASET_ID, v.datasetId())
                .set(DATASET_VERSION.VERSION, v.version())
                .set(DATASET_VERSION.ARTIFACT, v.artifact())
                .set(DATASET_VERSION.SIZE_BYTES, v.sizeBytes())
                .set(DATASET_VERSION.ROWS_TOTAL, v.rows())
                .set(DATASET_VERSION.ROWS_TRAIN, v.train())
                .set(DATASET_VERSION.ROWS_VALIDATION, v.validation())
                .set(DATASET_VERSION.ROWS_TEST, v.test())
                .set(DATASET_VERSION.SOURCE_KIND, v.sourceKind().name())
                .set(DATASET_VERSION.SOURCE_REF, v.sourceRef())
                .set(DATASET_VERSION.PARENT_VERSION_ID, v.parentVersionId())
                .set(DATASET_VERSION.PII_POLICY, v.piiPolicy().name())
                .set(DATASET_VERSION.PII_KEEP_REASON, v.keepReason())
                .set(DATASET_VERSION.SETTINGS, json(v.settings()))
                .set(DATASET_VERSION.REPORT, json(v.report()))
                .set(DATASET_VERSION.CREATED_BY, v.createdBy())
                .set(DATASET_VERSION.CREATED_AT, v.createdAt())
                .returning(DATASET_VERSION.ID).fetchOne(DATASET_VERSION.ID);
    }

    List<DatasetSummary> summaries() {
        DatasetVersion latest = DATASET_VERSION.as("latest");
        var versions = DSL.selectCount().from(DATASET_VERSION).where(DATASET_VERSION.DATASET_ID.eq(DATASET.ID))
                .asField("versions");
        var latestId = DSL.select(DSL.max(DATASET_VERSION.ID)).from(DATASET_VERSION)
                .where(DATASET_VERSION.DATASET_ID.eq(DATASET.ID)).and(DATASET_VERSION.ERASED_AT.isNull());
        return db.select(DATASET.ID, DATASET.NAME, DATASET.DESCRIPTION, DATASET.CREATED_BY, DATASET.CREATED_AT,
                        versions, latest.VERSION, latest.ROWS_TOTAL, latest.CREATED_AT)
                .from(DATASET).leftJoin(latest).on(latest.ID.eq(latestId))
                .orderBy(DSL.coalesce(latest.CREATED_AT, DATASET.CREATED_AT).desc(), DATASET.NAME)
                .fetch(r -> new DatasetSummary(r.get(DATASET.ID), r.get(DATASET.NAME), r.get(DATASET.DESCRIPTION),
                        r.get(versions, Integer.class), r.get(latest.VERSION),
                        r.get(latest.ROWS_TOTAL) == null ? 0 : r.get(latest.ROWS_TOTAL),
                        r.get(latest.CREATED_AT) == null ? r.get(DATASET.CREATED_AT) : r.get(latest.CREATED_AT),
                        r.get(DATASET.CREATED_BY)));
    }

    List<DatasetVersionInfo> versions(long datasetId) {
        return select().where(DATASET_VERSION.DATASET_ID.eq(datasetId)).orderBy(DATASET_VERSION.VERSION.desc())
                .fetch(DatasetRepository::info);
    }

    Optional<DatasetVersionInfo> version(long datasetId, int version) {
        return select().where(DATASET_VERSION.DATASET_ID.eq(datasetId)).and(DATASET_VERSION.VERSION.eq(version))
                .fetchOptional(DatasetRepository::info);
    }

    /** The newest version that still has its content. */
    Optional<DatasetVersionInfo> latest(long datasetId) {
        return select().where(DATASET_VERSION.DATASET_ID.eq(datasetId)).and(DATASET_VERSION.ERASED_AT.isNull())
                .orderBy(DATASET_VERSION.VERSION.desc()).limit(1).fetchOptional(DatasetRepository::info);
    }

    /** Every version whose content still exists, for erasure to scan. */
    List<DatasetVersionInfo> withContent() {
        return select().where(DATASET_VERSION.ARTIFACT.isNotNull()).orderBy(DATASET_VERSION.ID)
                .fetch(DatasetRepository::info);
    }

    void markErased(long versionId, VersionReport scrubbedReport, OffsetDateTime now) {
        db.update(DATASET_VERSION).set(DATASET_VERSION.ARTIFACT, (String) null)
                .set(DATASET_VERSION.REPORT, json(scrubbedReport))
                .set(DATASET_VERSION.ERASED_AT, now).where(DATASET_VERSION.ID.eq(versionId)).execute();
    }

    private org.jooq.SelectOnConditionStep<Record> select() {
        DatasetVersion parent = DATASET_VERSION.as("parent");
        return db.select(DATASET_VERSION.fields()).select(DATASET.NAME, parent.VERSION)
                .from(DATASET_VERSION).join(DATASET).on(DATASET.ID.eq(DATASET_VERSION.DATASET_ID))
                .leftJoin(parent).on(parent.ID.eq(DATASET_VERSION.PARENT_VERSION_ID));
    }

    private static DatasetVersionInfo info(Record r) {
        DatasetVersionRecord v = r.into(DATASET_VERSION);
        return new DatasetVersionInfo(v.getId(), v.getDatasetId(), r.get(DATASET.NAME), v.getVersion(),
                v.getArtifact(), v.getSizeBytes(), v.getRowsTotal(), v.getRowsTrain(), v.getRowsValidation(),
                v.getRowsTest(), SourceKind.valueOf(v.getSourceKind()), v.getSourceRef(),
                r.get(DATASET_VERSION.as("parent").VERSION), PiiPolicy.valueOf(v.getPiiPolicy()),
                v.getPiiKeepReason(), read(v.getSettings(), VersionSettings.class),
                read(v.getReport(), VersionReport.class), v.getCreatedBy(), v.getCreatedAt(), v.getErasedAt());
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Corrupt stored " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
