package dev.llmops.studio.worker;

import static dev.llmops.studio.db.Tables.WORKER;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Workers known to the cluster, with their capabilities and last heartbeat. */
@Repository
class WorkerRepository {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final DSLContext db;
    private final Clock clock;

    WorkerRepository(DSLContext db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Transactional
    void register(String id, String name, WorkerKind kind, int slots, Capabilities capabilities, Long tokenId) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        String json;
        try {
            json = JSON.writeValueAsString(capabilities);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        db.insertInto(WORKER)
                .set(WORKER.ID, id).set(WORKER.NAME, name).set(WORKER.KIND, kind.name())
                .set(WORKER.STATE, WorkerState.ONLINE.name()).set(WORKER.SLOTS, slots).set(WORKER.CAPABILITIES, json)
                .set(WORKER.REGISTERED_AT, now).set(WORKER.LAST_HEARTBEAT_AT, now).set(WORKER.TOKEN_ID, tokenId)
                .onConflict(WORKER.ID).doUpdate()
                .set(WORKER.STATE, WorkerState.ONLINE.name()).set(WORKER.SLOTS, slots).set(WORKER.CAPABILITIES, json)
                .set(WORKER.LAST_HEARTBEAT_AT, now)
                .execute();
    }

    @Transactional
    void heartbeat(String id) {
        db.update(WORKER).set(WORKER.LAST_HEARTBEAT_AT, OffsetDateTime.now(clock)).where(WORKER.ID.eq(id)).execute();
    }

    @Transactional
    void offline(String id) {
        db.update(WORKER).set(WORKER.STATE, WorkerState.OFFLINE.name()).where(WORKER.ID.eq(id)).execute();
    }

    /** Takes every worker of a revoked token offline, so even a lease request already waiting gets nothing. */
    @Transactional
    void offlineByToken(long tokenId) {
        db.update(WORKER).set(WORKER.STATE, WorkerState.OFFLINE.name()).where(WORKER.TOKEN_ID.eq(tokenId)).execute();
    }

    @Transactional
    boolean setState(String id, WorkerState state) {
        return db.update(WORKER).set(WORKER.STATE, state.name()).where(WORKER.ID.eq(id)).execute() == 1;
    }

    /** The token a remote worker registered with; empty for unknown and embedded workers. */
    Optional<Long> tokenOf(String id) {
        return db.select(WORKER.TOKEN_ID).from(WORKER).where(WORKER.ID.eq(id)).fetchOptional(WORKER.TOKEN_ID);
    }

    boolean exists(String id) {
        return db.fetchExists(WORKER, WORKER.ID.eq(id));
    }

    Optional<WorkerState> state(String id) {
        return db.select(WORKER.STATE).from(WORKER).where(WORKER.ID.eq(id)).fetchOptional(WORKER.STATE)
                .map(WorkerState::valueOf);
    }

    /** Workers heard from within a day; older ones are history (each restart registers a new id). */
    List<WorkerInfo> all() {
        OffsetDateTime dayAgo = OffsetDateTime.now(clock).minusDays(1);
        return db.selectFrom(WORKER)
                .where(WORKER.LAST_HEARTBEAT_AT.gt(dayAgo))
                .orderBy(WORKER.STATE, WORKER.NAME, WORKER.ID).fetch(w -> {
            Capabilities capabilities;
            try {
                capabilities = JSON.readValue(w.getCapabilities(), Capabilities.class);
            } catch (JsonProcessingException e) {
                capabilities = new Capabilities(0, 0, 0, List.of(), List.of());
            }
            return new WorkerInfo(w.getId(), w.getName(), WorkerKind.valueOf(w.getKind()),
                    WorkerState.valueOf(w.getState()), w.getSlots(), capabilities, w.getRegisteredAt(),
                    w.getLastHeartbeatAt());
        });
    }
}
