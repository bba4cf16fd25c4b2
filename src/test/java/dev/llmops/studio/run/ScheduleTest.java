package dev.llmops.studio.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineTemplates;
import dev.llmops.studio.pipeline.ScheduledPipeline;
import dev.llmops.studio.security.AuditEntry;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.AuditQuery;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.ScriptedExecutors;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Cron schedules end to end: the real clustered Quartz scheduler fires {@link ScheduledRunJob}, which starts runs
 * that the embedded worker completes with the scripted executors.
 */
@H2Test
class ScheduleTest {

    private static final String EVERY_2_SECONDS = "0/2 * * * * ?";

    @Autowired
    RunService runs;
    @Autowired
    PipelineService pipelines;
    @Autowired
    PipelineTemplates templates;
    @Autowired
    Schedules schedules;
    @Autowired
    PipelineScheduler pipelineScheduler;
    @Autowired
    Scheduler quartz;
    @Autowired
    AuditLog audit;
    @Autowired
    Users users;

    String engineer;
    PipelineGraph template;
    final List<Long> created = new ArrayList<>();

    @BeforeEach
    void engineer() {
        ScriptedExecutors.reset();
        engineer = users.create("scheduling", Role.ML_ENGINEER);
        template = templates.get("fine-tune-and-deploy").graph();
    }

    @AfterEach
    void unschedule() {
        // the context is shared with other tests: leave no schedule firing behind
        for (long id : created) {
            try {
                as(() -> {
                    pipelines.delete(id);
                    return null;
                });
            } catch (RuntimeException alreadyDeleted) {
                // deleted by the test itself
            }
        }
        ScriptedExecutors.reset();
    }

    @Test
    void aScheduleStartsRunsOfTheSavedVersionAsTheSchedulerUntilItIsRemoved() throws Exception {
        long id = create(new PipelineGraph(EVERY_2_SECONDS, template.nodes(), template.edges()));
        assertThat(quartz.checkExists(PipelineScheduler.triggerKey(id))).isTrue();
        CronTrigger trigger = (CronTrigger) quartz.getTrigger(PipelineScheduler.triggerKey(id));
        assertThat(trigger.getTimeZone().getID()).isEqualTo("UTC");
        assertThat(trigger.getMisfireInstruction()).isEqualTo(CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING);

        RunSummary run = await(Duration.ofSeconds(20), "a scheduled run that succeeds",
                () -> scheduledRuns(id).stream().filter(r -> r.status() == RunStatus.SUCCEEDED).findFirst());
        assertThat(run.startedBy()).isEqualTo(ScheduledRunJob.PRINCIPAL);
        assertThat(run.trigger()).isEqualTo(RunTrigger.SCHEDULE);
        assertThat(run.pipelineVersion()).isEqualTo(1);
        assertThat(run.tasksSucceeded()).isEqualTo(template.nodes().size());
        assertThat(auditOf(run.pipelineName(), "run.started")).isNotEmpty()
                .allSatisfy(entry -> assertThat(entry.actor()).isEqualTo(ScheduledRunJob.PRINCIPAL));

        as(() -> pipelines.save(id, 1, template, "no schedule"));
        assertThat(quartz.checkExists(PipelineScheduler.triggerKey(id))).isFalse();
        assertThat(as(() -> schedules.nextFireTimes(id, 3))).isEmpty();

        // a firing that was already under way may still finish starting its run; wait for everything to settle
        List<RunSummary> settled = await(Duration.ofSeconds(30), "all runs finished", () -> {
            List<RunSummary> all = as(() -> runs.list(id, null, null, 500));
            return all.stream().allMatch(r -> r.status().finished()) ? Optional.of(all) : Optional.empty();
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(as(() -> runs.list(id, null, null, 500))).as("no run after the schedule was removed")
                    .hasSameSizeAs(settled);
            Thread.sleep(200);
        }
    }

    @Test
    void aScheduledPipelineThatCannotRunIsSkippedAndAudited() throws Exception {
        String name = Users.uniqueName("scheduled-draft");
        long id = as(() -> pipelines.create(name, null, new PipelineGraph(EVERY_2_SECONDS, List.of(), List.of()),
                null).id());
        created.add(id);

        AuditEntry skipped = await(Duration.ofSeconds(20), "a skipped firing in the audit log",
                () -> auditOf(name, "run.schedule_skipped").stream().findFirst());
        assertThat(skipped.actor()).isEqualTo(ScheduledRunJob.PRINCIPAL);
        assertThat(skipped.details()).contains("validation issue");
        assertThat(as(() -> runs.list(id, null, null, 10))).isEmpty();

        as(() -> {
            pipelines.delete(id);
            return null;
        });
        assertThat(quartz.checkExists(PipelineScheduler.triggerKey(id))).isFalse();
    }

    @Test
    void aSavedInvalidScheduleGetsNoTrigger() throws Exception {
        long id = create(new PipelineGraph(EVERY_2_SECONDS, template.nodes(), template.edges()));
        as(() -> pipelines.save(id, 1, new PipelineGraph("every day", template.nodes(), template.edges()), "typo"));
        assertThat(quartz.checkExists(PipelineScheduler.triggerKey(id))).isFalse();
        assertThat(as(() -> schedules.nextFireTimes(id, 3))).isEmpty();
    }

    @Test
    void startUpReconciliationAddsMissingFixesChangedAndRemovesStaleTriggers() throws Exception {
        long missing = create(new PipelineGraph("0 0 3 * * ?", template.nodes(), template.edges()));
        long changed = create(new PipelineGraph("0 0 4 * * ?", template.nodes(), template.edges()));
        // as if this server missed the events: no trigger for one, an outdated one for the other, and a stale one
        quartz.unscheduleJob(PipelineScheduler.triggerKey(missing));
        quartz.rescheduleJob(PipelineScheduler.triggerKey(changed), TriggerBuilder.newTrigger()
                .withIdentity(PipelineScheduler.triggerKey(changed)).forJob(PipelineScheduler.jobKey(changed))
                .withSchedule(org.quartz.CronScheduleBuilder.cronSchedule("0 0 5 * * ?")).build());
        TriggerKey stale = TriggerKey.triggerKey("pipeline-999999", PipelineScheduler.GROUP);
        quartz.scheduleJob(JobBuilder.newJob(ScheduledRunJob.class).withIdentity("pipeline-999999",
                        PipelineScheduler.GROUP).usingJobData(PipelineScheduler.PIPELINE_ID, 999999L).build(),
                TriggerBuilder.newTrigger().withIdentity(stale).startAt(java.util.Date.from(Instant.now()
                        .plus(Duration.ofDays(1)))).withSchedule(SimpleScheduleBuilder.simpleSchedule()).build());

        List<ScheduledPipeline> wanted = pipelines.scheduled();
        assertThat(wanted).extracting(ScheduledPipeline::id).contains(missing, changed);
        SchedulePlan plan = pipelineScheduler.reconcile(wanted);

        assertThat(plan.schedule()).extracting(ScheduledPipeline::id).contains(missing, changed);
        assertThat(plan.remove()).contains(stale);
        assertThat(cronOf(missing)).isEqualTo("0 0 3 * * ?");
        assertThat(cronOf(changed)).isEqualTo("0 0 4 * * ?");
        assertThat(quartz.checkExists(stale)).isFalse();
        assertThat(pipelineScheduler.reconcile(pipelines.scheduled()).schedule()).isEmpty();
    }

    @Test
    void nextFireTimesAreComputedFromTheExpressionInUtc() {
        long id = create(new PipelineGraph(EVERY_2_SECONDS, template.nodes(), template.edges()));
        List<ZonedDateTime> next = as(() -> schedules.nextFireTimes(id, 3)).orElseThrow();
        assertThat(next).hasSize(3);
        assertThat(Duration.between(next.get(0), next.get(1))).isEqualTo(Duration.ofSeconds(2));
        assertThat(Duration.between(next.get(1), next.get(2))).isEqualTo(Duration.ofSeconds(2));
        assertThat(next.get(0).getSecond() % 2).isZero();
        assertThat(next.get(0).getZone()).isEqualTo(Schedules.ZONE);

        assertThat(Schedules.nextFireTimes("0 0 3 * * ?", Instant.parse("2030-01-01T05:00:00Z"), 2).orElseThrow())
                .extracting(ZonedDateTime::toString)
                .containsExactly("2030-01-02T03:00Z", "2030-01-03T03:00Z");
        assertThat(schedules.nextFireTimes((String) null, 3)).isEmpty();
        assertThat(schedules.nextFireTimes("not a cron", 3)).isEmpty();
    }

    private long create(PipelineGraph graph) {
        long id = as(() -> pipelines.create(Users.uniqueName("scheduled"), null, graph, null).id());
        created.add(id);
        return id;
    }

    private String cronOf(long pipelineId) throws SchedulerException {
        Trigger trigger = quartz.getTrigger(PipelineScheduler.triggerKey(pipelineId));
        assertThat(trigger).isInstanceOf(CronTrigger.class);
        assertThat(SchedulePlan.matches(trigger, ((CronTrigger) trigger).getCronExpression())).isTrue();
        return ((CronTrigger) trigger).getCronExpression();
    }

    private List<RunSummary> scheduledRuns(long pipelineId) {
        return as(() -> runs.list(pipelineId, null, null, 500)).stream()
                .filter(r -> r.trigger() == RunTrigger.SCHEDULE).toList();
    }

    private List<AuditEntry> auditOf(String target, String action) {
        return SignedIn.as("admin", List.of(Role.ADMIN),
                () -> audit.search(new AuditQuery(null, action, target, null, null), 0, 50)).stream()
                .filter(entry -> target.equals(entry.target())).toList();
    }

    private <T> T as(Callable<T> action) {
        return SignedIn.as(engineer, List.of(Role.ML_ENGINEER), action);
    }

    private static <T> T await(Duration timeout, String what, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<T> found = probe.get();
        while (found.isEmpty()) {
            assertThat(System.nanoTime()).as("waited %s for %s", timeout, what).isLessThan(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            found = probe.get();
        }
        return found.get();
    }
}
