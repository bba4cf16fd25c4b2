package dev.llmops.studio.security.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.MovableClock;
import dev.llmops.studio.support.Users;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Lock timing on the real table, with a clock the test moves. */
@H2Test
class LoginThrottleTest {

    @Autowired
    LoginThrottleRepository repository;

    MovableClock clock;
    LoginThrottle throttle;

    @BeforeEach
    void setUp() {
        clock = new MovableClock();
        throttle = new LoginThrottle(repository, clock, 5, Duration.ofMinutes(5));
    }

    @Test
    void theFifthFailureLocksUntilTheLockExpires() {
        String name = Users.uniqueName("timed");
        for (int i = 1; i <= 4; i++) {
            assertThat(throttle.recordFailure(name)).as("failure %d locks", i).isFalse();
        }
        assertThat(throttle.isLocked(name)).isFalse();
        assertThat(throttle.recordFailure(name)).isTrue();
        assertThat(throttle.isLocked(name)).isTrue();

        clock.advance(Duration.ofMinutes(4).plusSeconds(59));
        assertThat(throttle.isLocked(name)).isTrue();
        clock.advance(Duration.ofSeconds(2));
        assertThat(throttle.isLocked(name)).isFalse();
        assertThat(throttle.recordFailure(name)).as("a fresh count after the lock").isFalse();
    }

    @Test
    void failuresFarApartStartANewCount() {
        String name = Users.uniqueName("sparse");
        for (int i = 0; i < 4; i++) {
            throttle.recordFailure(name);
        }
        clock.advance(Duration.ofMinutes(16));
        assertThat(throttle.recordFailure(name)).isFalse();
        assertThat(throttle.isLocked(name)).isFalse();
    }

    @Test
    void successClearsTheCount() {
        String name = Users.uniqueName("forgetful");
        for (int i = 0; i < 4; i++) {
            throttle.recordFailure(name);
        }
        throttle.recordSuccess(name);
        assertThat(throttle.recordFailure(name)).isFalse();
    }
}
