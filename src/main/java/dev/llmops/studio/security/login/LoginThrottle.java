package dev.llmops.studio.security.login;

import static dev.llmops.studio.db.Tables.LOGIN_THROTTLE;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.jooq.DSLContext;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Counts failed sign-ins per user name, whether or not the user exists, and pauses sign-in for that name
 * after too many. Kept in the database so every server of a cluster sees the same count.
 */
@Component
class LoginThrottle {

    private final DSLContext db;
    private final Clock clock;
    private final int maxFailures;
    private final Duration lockDuration;
    /** Failures further apart than this start a new count. */
    private final Duration window;

    LoginThrottle(DSLContext db, Clock clock,
            @Value("${studio.security.login.max-failures:5}") int maxFailures,
            @Value("${studio.security.login.lock-duration:5m}") Duration lockDuration) {
        this.db = db;
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.lockDuration = lockDuration;
        this.window = lockDuration.multipliedBy(3);
    }

    int maxFailures() {
        return maxFailures;
    }

    Duration lockDuration() {
        return lockDuration;
    }

    @Transactional(readOnly = true)
    public boolean isLocked(String username) {
        OffsetDateTime lockedUntil = db.select(LOGIN_THROTTLE.LOCKED_UNTIL).from(LOGIN_THROTTLE)
                .where(LOGIN_THROTTLE.USERNAME.eq(username)).fetchOne(LOGIN_THROTTLE.LOCKED_UNTIL);
        return lockedUntil != null && lockedUntil.isAfter(now());
    }

    /** @return {@code true} when this failure locked the name */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public boolean recordFailure(String username) {
        OffsetDateTime now = now();
        var row = db.selectFrom(LOGIN_THROTTLE).where(LOGIN_THROTTLE.USERNAME.eq(username)).forUpdate()
                .fetchOne();
        if (row == null) {
            int inserted = db.insertInto(LOGIN_THROTTLE)
                    .set(LOGIN_THROTTLE.USERNAME, username)
                    .set(LOGIN_THROTTLE.FAILED_ATTEMPTS, 1)
                    .set(LOGIN_THROTTLE.LAST_FAILURE_AT, now)
                    .onConflictDoNothing()
                    .execute();
            return inserted == 0 ? recordFailure(username) : lockIfReached(username, 1, now);
        }
        boolean stale = row.getLastFailureAt().plus(window).isBefore(now);
        int failures = stale ? 1 : row.getFailedAttempts() + 1;
        db.update(LOGIN_THROTTLE)
                .set(LOGIN_THROTTLE.FAILED_ATTEMPTS, failures)
                .set(LOGIN_THROTTLE.LAST_FAILURE_AT, now)
                .where(LOGIN_THROTTLE.USERNAME.eq(username))
                .execute();
        return lockIfReached(username, failures, now);
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void recordSuccess(String username) {
        db.deleteFrom(LOGIN_THROTTLE).where(LOGIN_THROTTLE.USERNAME.eq(username)).execute();
    }

    private boolean lockIfReached(String username, int failures, OffsetDateTime now) {
        if (failures < maxFailures) {
            return false;
        }
        db.update(LOGIN_THROTTLE)
                .set(LOGIN_THROTTLE.FAILED_ATTEMPTS, 0)
                .set(LOGIN_THROTTLE.LOCKED_UNTIL, now.plus(lockDuration))
                .where(LOGIN_THROTTLE.USERNAME.eq(username))
                .execute();
        return true;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
