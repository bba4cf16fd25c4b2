package dev.llmops.studio.run;

import dev.llmops.studio.pipeline.OpenedPipeline;
import dev.llmops.studio.pipeline.PipelineScheduleChanged;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.ScheduledPipeline;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.security.AuditLog;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.TimeZone;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Keeps one Quartz cron trigger per scheduled pipeline ({@code pipeline-<id>} in group {@value #GROUP}, firing
 * {@link ScheduledRunJob}) in step with the pipelines' newest versions. The triggers live in the clustered JDBC job
 * store, so each firing happens on exactly one server, whichever saved the pipeline.
 *
 * <ul>
 * <li>After a save, create, copy, import, restore or delete commits ({@link PipelineScheduleChanged}), the
 * pipeline's trigger is added, replaced or removed. A save that keeps the expression leaves the trigger alone.</li>
 * <li>On start-up every server reconciles the group with {@link PipelineService#scheduled()}: adds missing
 * triggers, fixes changed ones, removes stale ones (a server that died between a commit and its trigger update,
 * or a database restored from a backup).</li>
 * <li>Expressions are evaluated in <b>UTC</b>.</li>
 * <li><b>Misfires</b>: {@code withMisfireHandlingInstructionDoNothing()}. A firing missed because every server was
 * down (or that is later than Quartz's misfire threshold, one minute) is skipped, not replayed: the pipeline next
 * runs at its next regular time, so a long outage does not end in a burst of runs.</li>
 * <li>An invalid expression (a draft may be saved with one; the validator reports it) gets no trigger.</li>
 * </ul>
 * Trigger changes run in their own transaction on the application's data source, so they are stored even when
 * called after the pipeline's transaction has committed.
 */
@Component
class PipelineScheduler {

    static final String GROUP = "schedules";
    static final String PIPELINE_ID = "pipelineId";

    private static final Logger log = LoggerFactory.getLogger(PipelineScheduler.class);

    private final Scheduler scheduler;
    private final PipelineService pipelines;
    private final RunService runs;
    private final AuditLog audit;
    private final TransactionTemplate transaction;

    PipelineScheduler(Scheduler scheduler, PipelineService pipelines, RunService runs, AuditLog audit,
            PlatformTransactionManager transactions) {
        this.scheduler = scheduler;
        this.pipelines = pipelines;
        this.runs = runs;
        this.audit = audit;
        this.transaction = new TransactionTemplate(transactions);
        this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    static TriggerKey triggerKey(long pipelineId) {
        return TriggerKey.triggerKey("pipeline-" + pipelineId, GROUP);
    }

    static JobKey jobKey(long pipelineId) {
        return JobKey.jobKey("pipeline-" + pipelineId, GROUP);
    }

    /** After the pipeline's transaction commits; a failure is logged (the save stands), start-up repairs it. */
    @TransactionalEventListener(fallbackExecution = true)
    void scheduleChanged(PipelineScheduleChanged event) {
        try {
            apply(event.pipelineId(), event.pipelineName(), event.schedule());
        } catch (RuntimeException e) {
            log.error("Could not update the schedule of pipeline {} (“{}”); it is repaired on the next start",
                    event.pipelineId(), event.pipelineName(), e);
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    void reconcileOnStart() {
        SchedulePlan plan = reconcile(pipelines.scheduled());
        log.info("Pipeline schedules: {} unchanged, {} (re)scheduled, {} removed, {} invalid", plan.unchanged(),
                plan.schedule().size(), plan.remove().size(), plan.invalid().size());
    }

    /** Makes the group match {@code wanted} exactly; returns what it did. */
    synchronized SchedulePlan reconcile(List<ScheduledPipeline> wanted) {
        return transaction.execute(status -> {
            try {
                List<Trigger> existing = new ArrayList<>();
                for (TriggerKey key : scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(GROUP))) {
                    Trigger trigger = scheduler.getTrigger(key);
                    if (trigger != null) {
                        existing.add(trigger);
                    }
                }
                SchedulePlan plan = SchedulePlan.between(wanted, existing);
                for (TriggerKey key : plan.remove()) {
                    scheduler.unscheduleJob(key);
                }
                for (ScheduledPipeline pipeline : plan.schedule()) {
                    schedule(pipeline.id(), pipeline.name(), pipeline.schedule());
                }
                for (ScheduledPipeline pipeline : plan.invalid()) {
                    log.warn("Pipeline {} (“{}”) is not scheduled: “{}” is not a valid cron expression",
                            pipeline.id(), pipeline.name(), pipeline.schedule());
                }
                return plan;
            } catch (SchedulerException e) {
                throw new IllegalStateException("Could not reconcile pipeline schedules", e);
            }
        });
    }

    /**
     * Schedules a pipeline on {@code cron} (replacing a different trigger), or removes its trigger when
     * {@code cron} is null or invalid.
     */
    synchronized void apply(long pipelineId, String name, String cron) {
        transaction.executeWithoutResult(status -> {
            try {
                Trigger current = scheduler.getTrigger(triggerKey(pipelineId));
                if (Schedules.parse(cron).isEmpty()) {
                    if (cron != null) {
                        log.warn("Pipeline {} (“{}”) is not scheduled: “{}” is not a valid cron expression",
                                pipelineId, name, cron);
                    }
                    if (current != null) {
                        scheduler.unscheduleJob(current.getKey());
                        log.info("Pipeline {} (“{}”) is no longer scheduled", pipelineId, name);
                    }
                } else if (current == null || !SchedulePlan.matches(current, cron)) {
                    schedule(pipelineId, name, cron);
                }
            } catch (SchedulerException e) {
                throw new IllegalStateException("Could not update the schedule of pipeline " + pipelineId, e);
            }
        });
    }

    /**
     * One firing of a pipeline's trigger, run by {@link ScheduledRunJob} as the scheduler principal: starts the
     * newest saved version, or skips it with the reason (logged and audited as {@code run.schedule_skipped}) when
     * it cannot run. A trigger that no longer matches the newest version (deleted pipeline, a schedule change this
     * server did not hear of) is corrected and the firing skipped.
     */
    void fire(long pipelineId, String firingCron) {
        OpenedPipeline pipeline;
        try {
            pipeline = pipelines.open(pipelineId);
        } catch (NotFoundException e) {
            log.info("Pipeline {} no longer exists; removing its schedule", pipelineId);
            apply(pipelineId, "#" + pipelineId, null);
            return;
        }
        String name = pipeline.summary().name();
        String schedule = pipeline.graph().schedule();
        if (firingCron != null && !SchedulePlan.sameCron(firingCron, schedule)) {
            log.warn("Pipeline {} (“{}”) fired on “{}” but its version {} is scheduled on “{}”; trigger corrected,"
                    + " this firing skipped", pipelineId, name, firingCron, pipeline.summary().version(), schedule);
            apply(pipelineId, name, schedule);
            return;
        }
        try {
            RunSummary run = runs.start(pipelineId, RunTrigger.SCHEDULE);
            log.info("Scheduled run {} of “{}” version {} started", run.id(), name, run.pipelineVersion());
        } catch (InvalidRequestException e) {
            log.warn("Scheduled run of “{}” skipped: {}", name, e.getMessage());
            audit.recordAs(ScheduledRunJob.PRINCIPAL, "run.schedule_skipped", name, e.getMessage());
        }
    }

    private void schedule(long pipelineId, String name, String cron) throws SchedulerException {
        JobDetail job = JobBuilder.newJob(ScheduledRunJob.class).withIdentity(jobKey(pipelineId))
                .withDescription("Starts a run of “" + name + "” on its schedule")
                .usingJobData(PIPELINE_ID, pipelineId).build();
        // Quartz would take a fire time up to a second before the start time as the first one, so a save just after
        // a firing time ran at once; start at the next whole second instead: the first run is strictly later.
        Date start = Date.from(Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1));
        CronTrigger trigger = TriggerBuilder.newTrigger().withIdentity(triggerKey(pipelineId)).forJob(job)
                .usingJobData(PIPELINE_ID, pipelineId).startAt(start)
                .withSchedule(CronScheduleBuilder.cronSchedule(cron).inTimeZone(TimeZone.getTimeZone(Schedules.ZONE))
                        .withMisfireHandlingInstructionDoNothing())
                .build();
        scheduler.scheduleJob(job, Set.of(trigger), true);
        log.info("Pipeline {} (“{}”) scheduled on “{}” (UTC), next run {}", pipelineId, name, cron,
                trigger.getFireTimeAfter(new Date(start.getTime() - 1000)));
    }
}
