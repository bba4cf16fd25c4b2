package dev.llmops.studio.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.studio.pipeline.ScheduledPipeline;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.quartz.CronScheduleBuilder;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;

/** The reconciliation decisions of {@link PipelineScheduler}, without a scheduler. */
class SchedulePlanTest {

    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    @Test
    void nothingToDoWhenEveryTriggerMatches() {
        SchedulePlan plan = SchedulePlan.between(List.of(pipeline(1, "0 0 3 * * ?"), pipeline(2, "0/2 * * * * ?")),
                List.of(cron(1, "0 0 3 * * ?", UTC, true), cron(2, "0/2 * * * * ?", UTC, true)));
        assertThat(plan.schedule()).isEmpty();
        assertThat(plan.remove()).isEmpty();
        assertThat(plan.invalid()).isEmpty();
        assertThat(plan.unchanged()).isEqualTo(2);
    }

    @Test
    void missingTriggersAreAdded() {
        SchedulePlan plan = SchedulePlan.between(List.of(pipeline(1, "0 0 3 * * ?")), List.of());
        assertThat(plan.schedule()).extracting(ScheduledPipeline::id).containsExactly(1L);
        assertThat(plan.remove()).isEmpty();
    }

    @Test
    void triggersThatDifferInExpressionZoneOrMisfirePolicyAreReplaced() {
        SchedulePlan plan = SchedulePlan.between(
                List.of(pipeline(1, "0 0 3 * * ?"), pipeline(2, "0 0 3 * * ?"), pipeline(3, "0 0 3 * * ?"),
                        pipeline(4, "0 0 3 * * ?")),
                List.of(cron(1, "0 0 4 * * ?", UTC, true), cron(2, "0 0 3 * * ?",
                        TimeZone.getTimeZone("Europe/Berlin"), true), cron(3, "0 0 3 * * ?", UTC, false),
                        simple(4)));
        assertThat(plan.schedule()).extracting(ScheduledPipeline::id).containsExactly(1L, 2L, 3L, 4L);
        assertThat(plan.remove()).isEmpty();
        assertThat(plan.unchanged()).isZero();
    }

    @Test
    void expressionsCompareAsQuartzStoresThem() {
        // Quartz upper-cases expressions: "mon-fri" comes back as "MON-FRI" and is still the same schedule
        SchedulePlan plan = SchedulePlan.between(List.of(pipeline(1, "0 0 3 ? * mon-fri")),
                List.of(cron(1, "0 0 3 ? * mon-fri", UTC, true)));
        assertThat(plan.unchanged()).isEqualTo(1);
        assertThat(SchedulePlan.sameCron("0 0 3 ? * MON-FRI", "0 0 3 ? * mon-fri")).isTrue();
        assertThat(SchedulePlan.sameCron("0 0 3 ? * MON-FRI", null)).isFalse();
    }

    @Test
    void triggersNoPipelineWantsAreRemoved() {
        TriggerKey foreign = TriggerKey.triggerKey("something-else", PipelineScheduler.GROUP);
        SchedulePlan plan = SchedulePlan.between(List.of(pipeline(1, "0 0 3 * * ?")),
                List.of(cron(1, "0 0 3 * * ?", UTC, true), cron(7, "0 0 3 * * ?", UTC, true),
                        TriggerBuilder.newTrigger().withIdentity(foreign).build()));
        assertThat(plan.remove()).containsExactlyInAnyOrder(PipelineScheduler.triggerKey(7), foreign);
        assertThat(plan.unchanged()).isEqualTo(1);
    }

    @Test
    void anInvalidExpressionGetsNoTriggerAndLosesTheOldOne() {
        SchedulePlan plan = SchedulePlan.between(List.of(pipeline(1, "every day at 3")),
                List.of(cron(1, "0 0 3 * * ?", UTC, true)));
        assertThat(plan.invalid()).extracting(ScheduledPipeline::id).containsExactly(1L);
        assertThat(plan.schedule()).isEmpty();
        assertThat(plan.remove()).containsExactly(PipelineScheduler.triggerKey(1));
    }

    private static ScheduledPipeline pipeline(long id, String cron) {
        return new ScheduledPipeline(id, "p" + id, cron);
    }

    private static Trigger cron(long id, String cron, TimeZone zone, boolean doNothingOnMisfire) {
        CronScheduleBuilder schedule = CronScheduleBuilder.cronSchedule(cron).inTimeZone(zone);
        if (doNothingOnMisfire) {
            schedule = schedule.withMisfireHandlingInstructionDoNothing();
        }
        return TriggerBuilder.newTrigger().withIdentity(PipelineScheduler.triggerKey(id)).withSchedule(schedule)
                .build();
    }

    private static Trigger simple(long id) {
        return TriggerBuilder.newTrigger().withIdentity(PipelineScheduler.triggerKey(id))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule()).build();
    }
}
