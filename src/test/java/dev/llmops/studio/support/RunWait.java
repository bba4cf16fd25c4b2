package dev.llmops.studio.support;

import dev.llmops.studio.run.RunDetail;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.security.Role;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** Waits, polling as a signed-in user, until a run is in a state a test expects. */
public final class RunWait {

    private RunWait() {
    }

    public static RunDetail finished(RunService runs, String user, Role role, long runId, Duration timeout)
            throws Exception {
        return until(runs, user, role, runId, d -> d.summary().status().finished(), timeout);
    }

    public static RunDetail until(RunService runs, String user, Role role, long runId, Predicate<RunDetail> condition,
            Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        RunDetail detail = SignedIn.as(user, List.of(role), () -> runs.detail(runId));
        while (!condition.test(detail)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + "; run is " + detail.summary()
                        + " with tasks " + detail.tasks() + "; process logs in "
                        + StudioProcess.LOGS.toAbsolutePath());
            }
            Thread.sleep(100);
            detail = SignedIn.as(user, List.of(role), () -> runs.detail(runId));
        }
        return detail;
    }
}
