package dev.llmops.studio.worker;

import static dev.llmops.studio.db.Tables.WORKER_TOKEN;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;

@Repository
class WorkerTokenRepository {

    private final DSLContext db;

    WorkerTokenRepository(DSLContext db) {
        this.db = db;
    }

    long insert(String name, String prefix, String hash, String createdBy, OffsetDateTime now) {
        return db.insertInto(WORKER_TOKEN)
                .set(WORKER_TOKEN.NAME, name)
                .set(WORKER_TOKEN.TOKEN_PREFIX, prefix)
                .set(WORKER_TOKEN.TOKEN_HASH, hash)
                .set(WORKER_TOKEN.CREATED_BY, createdBy)
                .set(WORKER_TOKEN.CREATED_AT, now)
                .returning(WORKER_TOKEN.ID)
                .fetchOne(WORKER_TOKEN.ID);
    }

    List<WorkerToken> all() {
        return db.selectFrom(WORKER_TOKEN)
                .orderBy(WORKER_TOKEN.REVOKED_AT.isNull().desc(), WORKER_TOKEN.CREATED_AT.desc())
                .fetch(t -> new WorkerToken(t.getId(), t.getName(), t.getTokenPrefix(), t.getCreatedBy(),
                        t.getCreatedAt(), t.getLastUsedAt(), t.getRevokedAt()));
    }

    /** @return the token's name when it was live and is now revoked */
    Optional<String> revoke(long id, OffsetDateTime now) {
        return db.update(WORKER_TOKEN).set(WORKER_TOKEN.REVOKED_AT, now)
                .where(WORKER_TOKEN.ID.eq(id)).and(WORKER_TOKEN.REVOKED_AT.isNull())
                .returning(WORKER_TOKEN.NAME).fetchOptional(WORKER_TOKEN.NAME);
    }

    Optional<WorkerToken> findLive(String hash) {
        return db.selectFrom(WORKER_TOKEN)
                .where(WORKER_TOKEN.TOKEN_HASH.eq(hash)).and(WORKER_TOKEN.REVOKED_AT.isNull())
                .fetchOptional(t -> new WorkerToken(t.getId(), t.getName(), t.getTokenPrefix(), t.getCreatedBy(),
                        t.getCreatedAt(), t.getLastUsedAt(), t.getRevokedAt()));
    }

    void touch(long id, OffsetDateTime now) {
        db.update(WORKER_TOKEN).set(WORKER_TOKEN.LAST_USED_AT, now).where(WORKER_TOKEN.ID.eq(id)).execute();
    }
}
