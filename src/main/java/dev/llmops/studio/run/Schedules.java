package dev.llmops.studio.run;

import dev.llmops.studio.pipeline.PipelineService;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import org.quartz.CronExpression;
import org.springframework.stereotype.Service;

/**
 * When a pipeline's cron schedule fires, for screens and the API. Computed from the expression alone (in UTC, as
 * {@link PipelineScheduler} schedules it), so it works for an unsaved schedule too and does not need the Quartz
 * trigger to exist.
 */
@Service
public class Schedules {

    /** Schedules are evaluated in UTC on every server, whatever the servers' own time zone. */
    public static final ZoneOffset ZONE = ZoneOffset.UTC;

    private static final int MAX_COUNT = 100;

    private final PipelineService pipelines;
    private final Clock clock;

    Schedules(PipelineService pipelines, Clock clock) {
        this.pipelines = pipelines;
        this.clock = clock;
    }

    /**
     * The next {@code count} times (at most 100) the newest saved version of a pipeline would start, in UTC;
     * empty when it has no schedule or an invalid one. Needs permission to view the pipeline.
     */
    public Optional<List<ZonedDateTime>> nextFireTimes(long pipelineId, int count) {
        return nextFireTimes(pipelines.open(pipelineId).graph().schedule(), count);
    }

    /** The next {@code count} times (at most 100) after now that {@code cron} fires; empty when blank or invalid. */
    public Optional<List<ZonedDateTime>> nextFireTimes(String cron, int count) {
        return nextFireTimes(cron, clock.instant(), count);
    }

    /** The next {@code count} times (at most 100) after {@code after} that {@code cron} fires, in UTC. */
    public static Optional<List<ZonedDateTime>> nextFireTimes(String cron, Instant after, int count) {
        return parse(cron).map(expression -> {
            List<ZonedDateTime> times = new ArrayList<>();
            Date next = Date.from(after);
            for (int i = 0; i < Math.max(0, Math.min(count, MAX_COUNT)); i++) {
                next = expression.getNextValidTimeAfter(next);
                if (next == null) {
                    break; // an expression that ends (a year field in the past)
                }
                times.add(next.toInstant().atZone(ZONE));
            }
            return List.copyOf(times);
        });
    }

    /** The expression in UTC, or empty when {@code cron} is null, blank or not a valid Quartz cron expression. */
    static Optional<CronExpression> parse(String cron) {
        if (cron == null || cron.isBlank()) {
            return Optional.empty();
        }
        try {
            CronExpression expression = new CronExpression(cron);
            expression.setTimeZone(TimeZone.getTimeZone(ZONE));
            return Optional.of(expression);
        } catch (ParseException e) {
            return Optional.empty();
        }
    }
}
