package dev.llmops.studio.run;

import dev.llmops.studio.security.Authorities;
import dev.llmops.studio.security.Role;
import java.util.List;
import org.quartz.CronTrigger;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.quartz.QuartzJobBean;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Fired by a pipeline's cron trigger (see {@link PipelineScheduler}): starts a run of the newest saved version with
 * trigger {@link RunTrigger#SCHEDULE}. It acts as the system principal {@value #PRINCIPAL} with the ML engineer's
 * authorities, so the run's {@code started_by} and the audit trail name it.
 *
 * <p>The firing itself is {@link PipelineScheduler#fire}: a version that cannot run (validation issues, steps
 * without an executor) is not started; the reason is logged and {@code run.schedule_skipped} recorded instead of
 * failing. A trigger that no longer matches the newest version (the pipeline was deleted, or its schedule changed
 * without this server hearing of it) is corrected and this firing skipped.
 */
@DisallowConcurrentExecution
public class ScheduledRunJob extends QuartzJobBean {

    /** The name runs and audit events started by a schedule carry. */
    public static final String PRINCIPAL = "scheduler";

    private static final Logger log = LoggerFactory.getLogger(ScheduledRunJob.class);

    private final PipelineScheduler scheduler;

    /** Quartz creates jobs through Spring's job factory, which injects constructors like any bean. */
    ScheduledRunJob(PipelineScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    protected void executeInternal(JobExecutionContext context) {
        long pipelineId = context.getMergedJobDataMap().getLong(PipelineScheduler.PIPELINE_ID);
        String firingCron = context.getTrigger() instanceof CronTrigger cron ? cron.getCronExpression() : null;
        SecurityContext security = SecurityContextHolder.createEmptyContext();
        security.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(PRINCIPAL, null,
                Authorities.of(List.of(Role.ML_ENGINEER))));
        SecurityContextHolder.setContext(security);
        try {
            scheduler.fire(pipelineId, firingCron);
        } catch (RuntimeException e) {
            log.error("Scheduled run of pipeline {} failed to start", pipelineId, e);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
