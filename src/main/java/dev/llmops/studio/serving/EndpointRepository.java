package dev.llmops.studio.serving;

import static dev.llmops.studio.db.Tables.ENDPOINT_API_KEY;
import static dev.llmops.studio.db.Tables.ENDPOINT_DEPLOYMENT;
import static dev.llmops.studio.db.Tables.ENDPOINT_EVENT;
import static dev.llmops.studio.db.Tables.ENDPOINT_REPLICA;
import static dev.llmops.studio.db.Tables.ENDPOINT_REQUEST;
import static dev.llmops.studio.db.Tables.SERVING_ENDPOINT;

import dev.llmops.studio.db.tables.records.EndpointApiKeyRecord;
import dev.llmops.studio.db.tables.records.EndpointDeploymentRecord;
import dev.llmops.studio.db.tables.records.EndpointReplicaRecord;
import dev.llmops.studio.db.tables.records.EndpointRequestRecord;
import dev.llmops.studio.db.tables.records.ServingEndpointRecord;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;

@Repository
class EndpointRepository {

    private final DSLContext db;

    EndpointRepository(DSLContext db) {
        this.db = db;
    }

    /** The endpoint row, locked, so deployment changes of one endpoint happen one at a time. */
    Optional<StoredEndpoint> lockByName(String name) {
        return db.selectFrom(SERVING_ENDPOINT).where(SERVING_ENDPOINT.NAME.eq(name)).forUpdate()
                .fetchOptional(EndpointRepository::endpoint);
    }

    Optional<StoredEndpoint> byName(String name) {
        return db.selectFrom(SERVING_ENDPOINT).where(SERVING_ENDPOINT.NAME.eq(name))
                .fetchOptional(EndpointRepository::endpoint);
    }

    Optional<StoredEndpoint> byId(long id) {
        return db.selectFrom(SERVING_ENDPOINT).where(SERVING_ENDPOINT.ID.eq(id))
                .fetchOptional(EndpointRepository::endpoint);
    }

    List<StoredEndpoint> all() {
        return db.selectFrom(SERVING_ENDPOINT).orderBy(SERVING_ENDPOINT.NAME).fetch(EndpointRepository::endpoint);
    }

    List<StoredEndpoint> running() {
        return db.selectFrom(SERVING_ENDPOINT).where(SERVING_ENDPOINT.STOPPED_AT.isNull())
                .orderBy(SERVING_ENDPOINT.NAME).fetch(EndpointRepository::endpoint);
    }

    private static StoredEndpoint endpoint(ServingEndpointRecord r) {
        return new StoredEndpoint(r.getId(), r.getName(), settings(r), r.getCreatedBy(), r.getCreatedAt(),
                r.getStoppedAt());
    }

    long insertEndpoint(String name, EndpointSettings settings, String createdBy, OffsetDateTime now) {
        ServingEndpointRecord record = db.newRecord(SERVING_ENDPOINT);
        record.setName(name);
        apply(record, settings);
        record.setCreatedBy(createdBy);
        record.setCreatedAt(now);
        record.store();
        return record.getId();
    }

    void updateSettings(long endpointId, EndpointSettings settings) {
        ServingEndpointRecord record = db.selectFrom(SERVING_ENDPOINT).where(SERVING_ENDPOINT.ID.eq(endpointId))
                .fetchSingle();
        apply(record, settings);
        record.store();
    }

    void setStopped(long endpointId, OffsetDateTime stoppedAt) {
        db.update(SERVING_ENDPOINT).set(SERVING_ENDPOINT.STOPPED_AT, stoppedAt)
                .where(SERVING_ENDPOINT.ID.eq(endpointId)).execute();
    }

    private static void apply(ServingEndpointRecord record, EndpointSettings settings) {
        record.setMinReplicas(settings.minReplicas());
        record.setMaxReplicas(settings.maxReplicas());
        record.setMaxBatchSize(settings.maxBatchSize());
        record.setMaxBatchDelayMs(settings.maxBatchDelayMs());
        record.setMaxTokens(settings.maxTokens());
        record.setRollbackErrorRate(settings.rollbackErrorRate());
        record.setLogRequests(settings.logRequests());
        record.setRedactPii(settings.redactPii());
        record.setLogRetentionDays(settings.logRetentionDays());
    }

    private static EndpointSettings settings(ServingEndpointRecord record) {
        return new EndpointSettings(record.getMinReplicas(), record.getMaxReplicas(), record.getMaxBatchSize(),
                record.getMaxBatchDelayMs(), record.getMaxTokens(), record.getRollbackErrorRate(),
                record.getLogRequests(), record.getRedactPii(), record.getLogRetentionDays());
    }

    // ---- deployments ----

    long insertDeployment(long endpointId, long modelVersionId, String modelName, int modelVersion,
            DeploymentState state, int trafficPercent, int canaryPercent, int replicas, String createdBy,
            OffsetDateTime now) {
        return db.insertInto(ENDPOINT_DEPLOYMENT)
                .set(ENDPOINT_DEPLOYMENT.ENDPOINT_ID, endpointId)
                .set(ENDPOINT_DEPLOYMENT.MODEL_VERSION_ID, modelVersionId)
                .set(ENDPOINT_DEPLOYMENT.MODEL_NAME, modelName)
                .set(ENDPOINT_DEPLOYMENT.MODEL_VERSION, modelVersion)
                .set(ENDPOINT_DEPLOYMENT.STATE, state.name())
                .set(ENDPOINT_DEPLOYMENT.TRAFFIC_PERCENT, trafficPercent)
                .set(ENDPOINT_DEPLOYMENT.CANARY_PERCENT, canaryPercent)
                .set(ENDPOINT_DEPLOYMENT.REPLICAS, replicas)
                .set(ENDPOINT_DEPLOYMENT.CREATED_BY, createdBy)
                .set(ENDPOINT_DEPLOYMENT.CREATED_AT, now)
                .returning(ENDPOINT_DEPLOYMENT.ID).fetchOne(ENDPOINT_DEPLOYMENT.ID);
    }

    /** Deployments not retired, oldest first. */
    List<DeploymentInfo> currentDeployments(long endpointId) {
        return db.selectFrom(ENDPOINT_DEPLOYMENT).where(ENDPOINT_DEPLOYMENT.ENDPOINT_ID.eq(endpointId))
                .and(ENDPOINT_DEPLOYMENT.STATE.ne(DeploymentState.RETIRED.name()))
                .orderBy(ENDPOINT_DEPLOYMENT.ID).fetch(EndpointRepository::deployment);
    }

    List<DeploymentInfo> allDeployments(long endpointId) {
        return db.selectFrom(ENDPOINT_DEPLOYMENT).where(ENDPOINT_DEPLOYMENT.ENDPOINT_ID.eq(endpointId))
                .orderBy(ENDPOINT_DEPLOYMENT.ID.desc()).fetch(EndpointRepository::deployment);
    }

    Optional<DeploymentInfo> deployment(long deploymentId) {
        return db.selectFrom(ENDPOINT_DEPLOYMENT).where(ENDPOINT_DEPLOYMENT.ID.eq(deploymentId))
                .fetchOptional(EndpointRepository::deployment);
    }

    void updateDeployment(long deploymentId, DeploymentState state, int trafficPercent, OffsetDateTime retiredAt) {
        db.update(ENDPOINT_DEPLOYMENT).set(ENDPOINT_DEPLOYMENT.STATE, state.name())
                .set(ENDPOINT_DEPLOYMENT.TRAFFIC_PERCENT, trafficPercent)
                .set(ENDPOINT_DEPLOYMENT.RETIRED_AT, retiredAt)
                .where(ENDPOINT_DEPLOYMENT.ID.eq(deploymentId)).execute();
    }

    void setWantedReplicas(long deploymentId, int replicas) {
        db.update(ENDPOINT_DEPLOYMENT).set(ENDPOINT_DEPLOYMENT.REPLICAS, replicas)
                .where(ENDPOINT_DEPLOYMENT.ID.eq(deploymentId)).execute();
    }

    /** Endpoints (name) with a deployment of the model version that is not retired. */
    List<String> endpointsUsing(String modelName, int version) {
        return db.selectDistinct(SERVING_ENDPOINT.NAME).from(ENDPOINT_DEPLOYMENT)
                .join(SERVING_ENDPOINT).on(SERVING_ENDPOINT.ID.eq(ENDPOINT_DEPLOYMENT.ENDPOINT_ID))
                .where(ENDPOINT_DEPLOYMENT.MODEL_NAME.eq(modelName))
                .and(ENDPOINT_DEPLOYMENT.MODEL_VERSION.eq(version))
                .and(ENDPOINT_DEPLOYMENT.STATE.ne(DeploymentState.RETIRED.name()))
                .fetch(SERVING_ENDPOINT.NAME);
    }

    private static DeploymentInfo deployment(EndpointDeploymentRecord r) {
        return new DeploymentInfo(r.getId(), r.getEndpointId(), r.getModelVersionId(), r.getModelName(),
                r.getModelVersion(), DeploymentState.valueOf(r.getState()), r.getTrafficPercent(),
                r.getCanaryPercent(), r.getReplicas(), r.getCreatedBy(), r.getCreatedAt(), r.getRetiredAt());
    }

    // ---- replicas ----

    long insertReplica(long deploymentId, OffsetDateTime now) {
        return db.insertInto(ENDPOINT_REPLICA).set(ENDPOINT_REPLICA.DEPLOYMENT_ID, deploymentId)
                .set(ENDPOINT_REPLICA.STATE, ReplicaState.PENDING.name())
                .set(ENDPOINT_REPLICA.CREATED_AT, now)
                .returning(ENDPOINT_REPLICA.ID).fetchOne(ENDPOINT_REPLICA.ID);
    }

    List<ReplicaInfo> replicasOf(long deploymentId) {
        return db.selectFrom(ENDPOINT_REPLICA).where(ENDPOINT_REPLICA.DEPLOYMENT_ID.eq(deploymentId))
                .orderBy(ENDPOINT_REPLICA.ID).fetch(EndpointRepository::replica);
    }

    /** The newest replicas of the endpoint's deployments, live ones first. */
    List<ReplicaInfo> recentReplicas(Collection<Long> deploymentIds, int limit) {
        return db.selectFrom(ENDPOINT_REPLICA).where(ENDPOINT_REPLICA.DEPLOYMENT_ID.in(deploymentIds))
                .orderBy(ENDPOINT_REPLICA.ENDED_AT.isNull().desc(), ENDPOINT_REPLICA.ID.desc()).limit(limit)
                .fetch(EndpointRepository::replica);
    }

    Optional<ReplicaInfo> replica(long replicaId) {
        return db.selectFrom(ENDPOINT_REPLICA).where(ENDPOINT_REPLICA.ID.eq(replicaId))
                .fetchOptional(EndpointRepository::replica);
    }

    List<ReplicaInfo> replicasOnWorker(String workerId) {
        return db.selectFrom(ENDPOINT_REPLICA).where(ENDPOINT_REPLICA.WORKER_ID.eq(workerId))
                .and(ENDPOINT_REPLICA.STATE.in(ReplicaState.LOADING.name(), ReplicaState.READY.name(),
                        ReplicaState.DRAINING.name()))
                .orderBy(ENDPOINT_REPLICA.ID).fetch(EndpointRepository::replica);
    }

    /** Pending replicas, oldest first, locked and skipped by other servers placing at the same time. */
    List<ReplicaInfo> lockPending() {
        return db.selectFrom(ENDPOINT_REPLICA).where(ENDPOINT_REPLICA.STATE.eq(ReplicaState.PENDING.name()))
                .orderBy(ENDPOINT_REPLICA.ID).forUpdate().skipLocked().fetch(EndpointRepository::replica);
    }

    List<ReplicaInfo> unended() {
        return db.selectFrom(ENDPOINT_REPLICA)
                .where(ENDPOINT_REPLICA.STATE.notIn(ReplicaState.STOPPED.name(), ReplicaState.FAILED.name()))
                .fetch(EndpointRepository::replica);
    }

    void assign(long replicaId, String workerId, OffsetDateTime now) {
        db.update(ENDPOINT_REPLICA).set(ENDPOINT_REPLICA.WORKER_ID, workerId)
                .set(ENDPOINT_REPLICA.STATE, ReplicaState.LOADING.name())
                .set(ENDPOINT_REPLICA.ASSIGNED_AT, now)
                .set(ENDPOINT_REPLICA.MESSAGE, "assigned to " + workerId)
                .where(ENDPOINT_REPLICA.ID.eq(replicaId)).execute();
    }

    /** Moves a replica to {@code state} unless it has already ended; false when it had. */
    boolean setReplicaState(long replicaId, ReplicaState state, String message, OffsetDateTime now) {
        EndpointReplicaRecord record = db.selectFrom(ENDPOINT_REPLICA).where(ENDPOINT_REPLICA.ID.eq(replicaId))
                .forUpdate().fetchOptional().orElse(null);
        if (record == null || ReplicaState.valueOf(record.getState()).ended()) {
            return false;
        }
        record.setState(state.name());
        record.setMessage(message == null ? null : truncate(message, 1000));
        if (state == ReplicaState.READY) {
            record.setReadyAt(now);
        }
        if (state.ended()) {
            record.setEndedAt(now);
        }
        record.store();
        return true;
    }

    private static ReplicaInfo replica(EndpointReplicaRecord r) {
        return new ReplicaInfo(r.getId(), r.getDeploymentId(), r.getWorkerId(), ReplicaState.valueOf(r.getState()),
                r.getMessage(), r.getCreatedAt(), r.getReadyAt(), r.getEndedAt());
    }

    // ---- API keys ----

    long insertKey(long endpointId, String name, String prefix, String hash, Integer rpm, Integer tpm,
            String createdBy, OffsetDateTime now) {
        return db.insertInto(ENDPOINT_API_KEY).set(ENDPOINT_API_KEY.ENDPOINT_ID, endpointId)
                .set(ENDPOINT_API_KEY.NAME, name).set(ENDPOINT_API_KEY.PREFIX, prefix)
                .set(ENDPOINT_API_KEY.SECRET_HASH, hash).set(ENDPOINT_API_KEY.REQUESTS_PER_MINUTE, rpm)
                .set(ENDPOINT_API_KEY.TOKENS_PER_MINUTE, tpm).set(ENDPOINT_API_KEY.CREATED_BY, createdBy)
                .set(ENDPOINT_API_KEY.CREATED_AT, now)
                .returning(ENDPOINT_API_KEY.ID).fetchOne(ENDPOINT_API_KEY.ID);
    }

    List<ApiKeyInfo> keys(long endpointId) {
        return db.selectFrom(ENDPOINT_API_KEY).where(ENDPOINT_API_KEY.ENDPOINT_ID.eq(endpointId))
                .orderBy(ENDPOINT_API_KEY.ID).fetch(EndpointRepository::key);
    }

    Optional<ApiKeyInfo> activeKeyByHash(String hash) {
        return db.selectFrom(ENDPOINT_API_KEY).where(ENDPOINT_API_KEY.SECRET_HASH.eq(hash))
                .and(ENDPOINT_API_KEY.REVOKED_AT.isNull()).fetchOptional(EndpointRepository::key);
    }

    Optional<ApiKeyInfo> key(long keyId) {
        return db.selectFrom(ENDPOINT_API_KEY).where(ENDPOINT_API_KEY.ID.eq(keyId))
                .fetchOptional(EndpointRepository::key);
    }

    void revokeKey(long keyId, OffsetDateTime now) {
        db.update(ENDPOINT_API_KEY).set(ENDPOINT_API_KEY.REVOKED_AT, now).where(ENDPOINT_API_KEY.ID.eq(keyId))
                .and(ENDPOINT_API_KEY.REVOKED_AT.isNull()).execute();
    }

    void touchKey(long keyId, OffsetDateTime now) {
        db.update(ENDPOINT_API_KEY).set(ENDPOINT_API_KEY.LAST_USED_AT, now).where(ENDPOINT_API_KEY.ID.eq(keyId))
                .execute();
    }

    private static ApiKeyInfo key(EndpointApiKeyRecord r) {
        return new ApiKeyInfo(r.getId(), r.getEndpointId(), r.getName(), r.getPrefix(), r.getRequestsPerMinute(),
                r.getTokensPerMinute(), r.getCreatedBy(), r.getCreatedAt(), r.getLastUsedAt(), r.getRevokedAt());
    }

    // ---- events and request log ----

    void insertEvent(long endpointId, String kind, String message, String actor, OffsetDateTime now) {
        db.insertInto(ENDPOINT_EVENT).set(ENDPOINT_EVENT.ENDPOINT_ID, endpointId).set(ENDPOINT_EVENT.AT, now)
                .set(ENDPOINT_EVENT.KIND, kind).set(ENDPOINT_EVENT.MESSAGE, truncate(message, 2000))
                .set(ENDPOINT_EVENT.ACTOR, actor).execute();
    }

    List<EndpointEvent> events(long endpointId, int limit) {
        return db.selectFrom(ENDPOINT_EVENT).where(ENDPOINT_EVENT.ENDPOINT_ID.eq(endpointId))
                .orderBy(ENDPOINT_EVENT.ID.desc()).limit(limit)
                .fetch(r -> new EndpointEvent(r.getAt(), r.getKind(), r.getMessage(), r.getActor()));
    }

    void insertRequests(List<LoggedRequest> requests) {
        if (requests.isEmpty()) {
            return;
        }
        List<EndpointRequestRecord> records = new java.util.ArrayList<>(requests.size());
        for (LoggedRequest request : requests) {
            EndpointRequestRecord record = db.newRecord(ENDPOINT_REQUEST);
            record.setEndpointId(request.endpointId());
            record.setDeploymentId(request.deploymentId());
            record.setApiKeyId(request.apiKeyId());
            record.setAt(request.at());
            record.setKind(request.kind());
            record.setPrompt(request.prompt());
            record.setResponse(request.response());
            record.setPromptTokens(request.promptTokens());
            record.setCompletionTokens(request.completionTokens());
            record.setLatencyMs(request.latencyMs());
            record.setFirstTokenMs(request.firstTokenMs());
            record.setStatus(request.status());
            record.setError(request.error());
            records.add(record);
        }
        db.batchInsert(records).execute();
    }

    List<LoggedRequest> recentRequests(long endpointId, int limit) {
        return db.selectFrom(ENDPOINT_REQUEST).where(ENDPOINT_REQUEST.ENDPOINT_ID.eq(endpointId))
                .orderBy(ENDPOINT_REQUEST.ID.desc()).limit(limit)
                .fetch(r -> new LoggedRequest(r.getEndpointId(), r.getDeploymentId(), r.getApiKeyId(), r.getAt(),
                        r.getKind(), r.getPrompt(), r.getResponse(), r.getPromptTokens(), r.getCompletionTokens(),
                        r.getLatencyMs(), r.getFirstTokenMs(), r.getStatus(), r.getError()));
    }

    int deleteRequestsBefore(long endpointId, OffsetDateTime before) {
        return db.deleteFrom(ENDPOINT_REQUEST).where(ENDPOINT_REQUEST.ENDPOINT_ID.eq(endpointId))
                .and(ENDPOINT_REQUEST.AT.lt(before)).execute();
    }

    static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
