package dev.llmops.studio.security.login;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
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

    private final LoginThrottleRepository entries;
    private final Clock clock;
    private final int maxFailures;
    private final Duration lockDuration;
    /** Failures further apart than this start a new count. */
    private final Duration window;

    LoginThrottle(LoginThrottleRepository entries, Clock clock,
            @Value("${studio.security.login.max-failures:5}") int maxFailures,
            @Value("${studio.security.login.lock-duration:5m}") Duration lockDuration) {
        this.entries = entries;
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
        return entries.lockedUntil(username).map(until -> until.isAfter(now())).orElse(false);
    }

    /** @return {@code true} when this failure locked the name */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public boolean recordFailure(String username) {
        OffsetDateTime now = now();
        var entry = entries.findForUpdate(username);
        if (entry.isEmpty()) {
            if (!entries.insertFirstFailure(username, now)) {
                return recordFailure(username);
            }
            return lockIfReached(username, 1, now);
        }
        boolean stale = entry.get().lastFailureAt().plus(window).isBefore(now);
        int failures = stale ? 1 : entry.get().failedAttempts() + 1;
        entries.updateFailures(username, failures, now);
        return lockIfReached(username, failures, now);
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void recordSuccess(String username) {
        entries.delete(username);
    }

    private boolean lockIfReached(String username, int failures, OffsetDateTime now) {
        if (failures < maxFailures) {
            return false;
        }
        entries.lock(username, now.plus(lockDuration));
        return true;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
