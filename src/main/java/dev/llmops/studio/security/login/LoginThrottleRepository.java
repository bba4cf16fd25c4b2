package dev.llmops.studio.security.login;

import static dev.llmops.studio.db.Tables.LOGIN_THROTTLE;

import java.time.OffsetDateTime;
import java.util.Optional;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;

@Repository
class LoginThrottleRepository {

    record Entry(int failedAttempts, OffsetDateTime lastFailureAt, OffsetDateTime lockedUntil) {
    }

    private final DSLContext db;

    LoginThrottleRepository(DSLContext db) {
        this.db = db;
    }

    Optional<OffsetDateTime> lockedUntil(String username) {
        return db.select(LOGIN_THROTTLE.LOCKED_UNTIL).from(LOGIN_THROTTLE)
                .where(LOGIN_THROTTLE.USERNAME.eq(username)).fetchOptional(LOGIN_THROTTLE.LOCKED_UNTIL);
    }

    /** Reads the entry and locks its row until the transaction ends, so concurrent failures all count. */
    Optional<Entry> findForUpdate(String username) {
        return db.selectFrom(LOGIN_THROTTLE).where(LOGIN_THROTTLE.USERNAME.eq(username)).forUpdate()
                .fetchOptional(r -> new Entry(r.getFailedAttempts(), r.getLastFailureAt(), r.getLockedUntil()));
    }

    /** @return false when another request inserted the entry first */
    boolean insertFirstFailure(String username, OffsetDateTime at) {
        return db.insertInto(LOGIN_THROTTLE)
                .set(LOGIN_THROTTLE.USERNAME, username)
                .set(LOGIN_THROTTLE.FAILED_ATTEMPTS, 1)
                .set(LOGIN_THROTTLE.LAST_FAILURE_AT, at)
                .onConflictDoNothing()
                .execute() == 1;
    }

    void updateFailures(String username, int failures, OffsetDateTime at) {
        db.update(LOGIN_THROTTLE)
                .set(LOGIN_THROTTLE.FAILED_ATTEMPTS, failures)
                .set(LOGIN_THROTTLE.LAST_FAILURE_AT, at)
                .where(LOGIN_THROTTLE.USERNAME.eq(username))
                .execute();
    }

    void lock(String username, OffsetDateTime until) {
        db.update(LOGIN_THROTTLE)
                .set(LOGIN_THROTTLE.FAILED_ATTEMPTS, 0)
                .set(LOGIN_THROTTLE.LOCKED_UNTIL, until)
                .where(LOGIN_THROTTLE.USERNAME.eq(username))
                .execute();
    }

    void delete(String username) {
        db.deleteFrom(LOGIN_THROTTLE).where(LOGIN_THROTTLE.USERNAME.eq(username)).execute();
    }
}
