package dev.llmops.studio.run;

import dev.llmops.studio.pipeline.ScheduledPipeline;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.quartz.CronTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerKey;

/**
 * What {@link PipelineScheduler} must change so that the Quartz triggers in its group match the pipelines that
 * have a schedule: pure, so the decisions can be tested without a scheduler.
 *
 * @param schedule pipelines whose trigger is missing or differs (expression, time zone, misfire policy)
 * @param remove triggers in the group that no pipeline wants (deleted, unscheduled, invalid cron, foreign names)
 * @param invalid pipelines whose schedule is not a valid cron expression (they get no trigger)
 * @param unchanged how many triggers are already right
 */
record SchedulePlan(List<ScheduledPipeline> schedule, List<TriggerKey> remove, List<ScheduledPipeline> invalid,
        int unchanged) {

    static SchedulePlan between(Collection<ScheduledPipeline> wanted, Collection<? extends Trigger> existing) {
        List<ScheduledPipeline> schedule = new ArrayList<>();
        List<ScheduledPipeline> invalid = new ArrayList<>();
        Set<TriggerKey> keep = new HashSet<>();
        int unchanged = 0;
        for (ScheduledPipeline pipeline : wanted) {
            if (Schedules.parse(pipeline.schedule()).isEmpty()) {
                invalid.add(pipeline);
                continue;
            }
            TriggerKey key = PipelineScheduler.triggerKey(pipeline.id());
            keep.add(key);
            Trigger current = existing.stream().filter(t -> t.getKey().equals(key)).findFirst().orElse(null);
            if (current != null && matches(current, pipeline.schedule())) {
                unchanged++;
            } else {
                schedule.add(pipeline);
            }
        }
        List<TriggerKey> remove = existing.stream().map(Trigger::getKey).filter(key -> !keep.contains(key))
                .distinct().toList();
        return new SchedulePlan(List.copyOf(schedule), remove, List.copyOf(invalid), unchanged);
    }

    /** Whether a trigger already fires on {@code cron} the way {@link PipelineScheduler} would schedule it. */
    static boolean matches(Trigger trigger, String cron) {
        return trigger instanceof CronTrigger cronTrigger
                && sameCron(cronTrigger.getCronExpression(), cron)
                && cronTrigger.getTimeZone() != null
                && cronTrigger.getTimeZone().toZoneId().normalized().equals(Schedules.ZONE)
                && cronTrigger.getMisfireInstruction() == CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING;
    }

    /**
     * Whether a trigger's expression is {@code cron}. Quartz keeps expressions upper-cased ("mon" comes back as
     * "MON"), so both are compared the way Quartz stores them.
     */
    static boolean sameCron(String triggerCron, String cron) {
        return Schedules.parse(cron).map(expression -> Objects.equals(expression.getCronExpression(), triggerCron))
                .orElse(false);
    }
}
