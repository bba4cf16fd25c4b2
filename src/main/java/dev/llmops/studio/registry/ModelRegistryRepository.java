package dev.llmops.studio.registry;

import static dev.llmops.studio.db.Tables.MODEL_ALIAS;
import static dev.llmops.studio.db.Tables.MODEL_VERSION;
import static dev.llmops.studio.db.Tables.REGISTERED_MODEL;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmops.studio.db.tables.ModelVersion;
import dev.llmops.studio.db.tables.records.ModelVersionRecord;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

@Repository
class ModelRegistryRepository {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DSLContext db;

    ModelRegistryRepository(DSLContext db) {
        this.db = db;
    }

    /**
     * The model's id, creating the model first if it is new; locks its row so versions number in sequence. When
     * two transactions create the same new model at once, one of them fails on the unique name with a
     * {@link org.springframework.dao.DuplicateKeyException}; the caller retries it, and then finds the row.
     */
    long lockOrCreateModel(String name, String createdBy, OffsetDateTime now) {
        Optional<Long> existing = db.select(REGISTERED_MODEL.ID).from(REGISTERED_MODEL)
                .where(REGISTERED_MODEL.NAME.eq(name)).forUpdate().fetchOptional(REGISTERED_MODEL.ID);
        if (existing.isPresent()) {
            return existing.get();
        }
        return db.insertInto(REGISTERED_MODEL).set(REGISTERED_MODEL.NAME, name)
                .set(REGISTERED_MODEL.CREATED_BY, createdBy).set(REGISTERED_MODEL.CREATED_AT, now)
                .returning(REGISTERED_MODEL.ID).fetchOne(REGISTERED_MODEL.ID);
    }

    int nextVersion(long modelId) {
        Integer max = db.select(DSL.max(MODEL_VERSION.VERSION)).from(MODEL_VERSION)
                .where(MODEL_VERSION.MODEL_ID.eq(modelId)).fetchOne(0, Integer.class);
        return max == null ? 1 : max + 1;
    }

    record NewVersion(long modelId, int version, String artifact, String storedRef, long sizeBytes, String format,
            long parameters, String quantization, String method, String sourceKind, Long runId, String nodeId,
            String nodeLabel, Long baseVersionId, String datasetArtifact, JsonNode metadata, String createdBy,
            OffsetDateTime createdAt) {
    }

    long insertVersion(NewVersion v) {
        return db.insertInto(MODEL_VERSION)
                .set(MODEL_VERSION.MODEL_ID, v.modelId())
                .set(MODEL_VERSION.VERSION, v.version())
                .set(MODEL_VERSION.ARTIFACT, v.artifact())
                .set(MODEL_VERSION.STORED_REF, v.storedRef())
                .set(MODEL_VERSION.SIZE_BYTES, v.sizeBytes())
                .set(MODEL_VERSION.FORMAT, v.format())
                .set(MODEL_VERSION.PARAMETERS, v.parameters())
                .set(MODEL_VERSION.QUANTIZATION, v.quantization())
                .set(MODEL_VERSION.METHOD, v.method())
                .set(MODEL_VERSION.SOURCE_KIND, v.sourceKind())
                .set(MODEL_VERSION.RUN_ID, v.runId())
                .set(MODEL_VERSION.NODE_ID, v.nodeId())
                .set(MODEL_VERSION.NODE_LABEL, v.nodeLabel())
                .set(MODEL_VERSION.BASE_VERSION_ID, v.baseVersionId())
                .set(MODEL_VERSION.DATASET_ARTIFACT, v.datasetArtifact())
                .set(MODEL_VERSION.METADATA, write(v.metadata()))
                .set(MODEL_VERSION.CREATED_BY, v.createdBy())
                .set(MODEL_VERSION.CREATED_AT, v.createdAt())
                .returning(MODEL_VERSION.ID).fetchOne(MODEL_VERSION.ID);
    }

    /** The newest version stored for this plaintext package, if any: for lineage and to register only once. */
    Optional<Long> versionIdByArtifact(String artifact) {
        return db.select(MODEL_VERSION.ID).from(MODEL_VERSION).where(MODEL_VERSION.ARTIFACT.eq(artifact))
                .orderBy(MODEL_VERSION.ID.desc()).limit(1).fetchOptional(MODEL_VERSION.ID);
    }

    Optional<Long> versionIdByRunStep(long runId, String nodeId) {
        return db.select(MODEL_VERSION.ID).from(MODEL_VERSION)
                .where(MODEL_VERSION.RUN_ID.eq(runId).and(MODEL_VERSION.NODE_ID.eq(nodeId)))
                .fetchOptional(MODEL_VERSION.ID);
    }

    List<String> artifactsOfRun(long runId) {
        return db.selectDistinct(MODEL_VERSION.ARTIFACT).from(MODEL_VERSION).where(MODEL_VERSION.RUN_ID.eq(runId))
                .fetch(MODEL_VERSION.ARTIFACT);
    }

    Optional<String> modelNameOfVersion(long versionId) {
        return db.select(REGISTERED_MODEL.NAME).from(MODEL_VERSION).join(REGISTERED_MODEL)
                .on(REGISTERED_MODEL.ID.eq(MODEL_VERSION.MODEL_ID)).where(MODEL_VERSION.ID.eq(versionId))
                .fetchOptional(REGISTERED_MODEL.NAME);
    }

    List<RegisteredModel> models(String search) {
        var condition = search == null || search.isBlank() ? DSL.noCondition()
                : REGISTERED_MODEL.NAME.likeIgnoreCase("%" + search.trim().replace("%", "\\%") + "%");
        List<RegisteredModel> models = new ArrayList<>();
        var rows = db.select(REGISTERED_MODEL.ID, REGISTERED_MODEL.NAME, REGISTERED_MODEL.DESCRIPTION,
                        DSL.count(MODEL_VERSION.ID), DSL.max(MODEL_VERSION.VERSION), DSL.max(MODEL_VERSION.CREATED_AT))
                .from(REGISTERED_MODEL).leftJoin(MODEL_VERSION).on(MODEL_VERSION.MODEL_ID.eq(REGISTERED_MODEL.ID))
                .where(condition)
                .groupBy(REGISTERED_MODEL.ID, REGISTERED_MODEL.NAME, REGISTERED_MODEL.DESCRIPTION)
                .orderBy(DSL.max(MODEL_VERSION.CREATED_AT).desc().nullsLast(), REGISTERED_MODEL.NAME).fetch();
        for (var row : rows) {
            Integer latest = row.value5();
            models.add(new RegisteredModel(row.value1(), row.value2(), row.value3(), row.value4(),
                    latest == null ? 0 : latest, aliases(row.value1()), row.value6()));
        }
        return models;
    }

    Map<String, Integer> aliases(long modelId) {
        Map<String, Integer> aliases = new LinkedHashMap<>();
        db.select(MODEL_ALIAS.ALIAS, MODEL_VERSION.VERSION).from(MODEL_ALIAS).join(MODEL_VERSION)
                .on(MODEL_VERSION.ID.eq(MODEL_ALIAS.VERSION_ID)).where(MODEL_ALIAS.MODEL_ID.eq(modelId))
                .orderBy(MODEL_ALIAS.ALIAS).forEach(r -> aliases.put(r.value1(), r.value2()));
        return aliases;
    }

    List<ModelVersionInfo> versions(String modelName) {
        return select().where(REGISTERED_MODEL.NAME.eq(modelName)).orderBy(MODEL_VERSION.VERSION.desc()).fetch()
                .map(this::info);
    }

    Optional<ModelVersionInfo> version(String modelName, int version) {
        return select().where(REGISTERED_MODEL.NAME.eq(modelName).and(MODEL_VERSION.VERSION.eq(version)))
                .fetchOptional().map(this::info);
    }

    Optional<ModelVersionInfo> versionById(long id) {
        return select().where(MODEL_VERSION.ID.eq(id)).fetchOptional().map(this::info);
    }

    Optional<String> storedRef(long versionId) {
        return db.select(MODEL_VERSION.STORED_REF).from(MODEL_VERSION).where(MODEL_VERSION.ID.eq(versionId))
                .fetchOptional(MODEL_VERSION.STORED_REF);
    }

    long modelId(long versionId) {
        return db.select(MODEL_VERSION.MODEL_ID).from(MODEL_VERSION).where(MODEL_VERSION.ID.eq(versionId))
                .fetchOne(MODEL_VERSION.MODEL_ID);
    }

    /** Moves (or sets) an alias; returns the version it pointed at before, if any. */
    Optional<Integer> setAlias(long modelId, String alias, long versionId, String by, OffsetDateTime now) {
        Optional<Integer> previous = db.select(MODEL_VERSION.VERSION).from(MODEL_ALIAS).join(MODEL_VERSION)
                .on(MODEL_VERSION.ID.eq(MODEL_ALIAS.VERSION_ID))
                .where(MODEL_ALIAS.MODEL_ID.eq(modelId).and(MODEL_ALIAS.ALIAS.eq(alias))).forUpdate()
                .fetchOptional(MODEL_VERSION.VERSION);
        db.deleteFrom(MODEL_ALIAS).where(MODEL_ALIAS.MODEL_ID.eq(modelId).and(MODEL_ALIAS.ALIAS.eq(alias))).execute();
        db.insertInto(MODEL_ALIAS).set(MODEL_ALIAS.MODEL_ID, modelId).set(MODEL_ALIAS.ALIAS, alias)
                .set(MODEL_ALIAS.VERSION_ID, versionId).set(MODEL_ALIAS.ASSIGNED_BY, by)
                .set(MODEL_ALIAS.ASSIGNED_AT, now).execute();
        return previous;
    }

    void setNotes(long versionId, String notes) {
        db.update(MODEL_VERSION).set(MODEL_VERSION.NOTES, notes).where(MODEL_VERSION.ID.eq(versionId)).execute();
    }

    void deleteVersion(long versionId) {
        db.deleteFrom(MODEL_VERSION).where(MODEL_VERSION.ID.eq(versionId)).execute();
    }

    boolean storedRefStillUsed(String storedRef) {
        return db.fetchExists(MODEL_VERSION, MODEL_VERSION.STORED_REF.eq(storedRef));
    }

    private org.jooq.SelectOnConditionStep<org.jooq.Record> select() {
        ModelVersion base = MODEL_VERSION.as("base");
        var baseModel = REGISTERED_MODEL.as("base_model");
        return db.select(MODEL_VERSION.fields()).select(REGISTERED_MODEL.NAME, base.VERSION, baseModel.NAME)
                .from(MODEL_VERSION).join(REGISTERED_MODEL).on(REGISTERED_MODEL.ID.eq(MODEL_VERSION.MODEL_ID))
                .leftJoin(base).on(base.ID.eq(MODEL_VERSION.BASE_VERSION_ID))
                .leftJoin(baseModel).on(baseModel.ID.eq(base.MODEL_ID));
    }

    private ModelVersionInfo info(org.jooq.Record row) {
        ModelVersionRecord v = row.into(MODEL_VERSION);
        String baseName = row.get(REGISTERED_MODEL.as("base_model").NAME);
        Integer baseVersion = row.get(MODEL_VERSION.as("base").VERSION);
        List<String> aliases = db.select(MODEL_ALIAS.ALIAS).from(MODEL_ALIAS)
                .where(MODEL_ALIAS.VERSION_ID.eq(v.getId())).orderBy(MODEL_ALIAS.ALIAS).fetch(MODEL_ALIAS.ALIAS);
        return new ModelVersionInfo(v.getId(), row.get(REGISTERED_MODEL.NAME), v.getVersion(), v.getArtifact(),
                v.getSizeBytes(), v.getFormat(), v.getParameters(), v.getQuantization(), v.getMethod(),
                v.getSourceKind(), v.getRunId(), v.getNodeId(), v.getNodeLabel(),
                baseName == null ? null : baseName + " v" + baseVersion, v.getDatasetArtifact(),
                read(v.getMetadata()), v.getNotes(), v.getCreatedBy(), v.getCreatedAt(), aliases);
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored model metadata is not JSON", e);
        }
    }
}
