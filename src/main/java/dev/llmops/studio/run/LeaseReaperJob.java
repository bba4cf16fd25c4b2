package dev.llmops.studio.run;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.quartz.QuartzJobBean;

/**
 * Finds tasks whose worker stopped renewing its lease (crashed, killed, cut off) and puts them back in the
 * queue. Runs on one server of the cluster at a time.
 */
@DisallowConcurrentExecution
public class LeaseReaperJob extends QuartzJobBean {

    private static final Logger log = LoggerFactory.getLogger(LeaseReaperJob.class);

    private final TaskDispatcher dispatcher;

    /** Quartz creates the job through Spring's job factory, which injects constructors like any bean. */
    LeaseReaperJob(TaskDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    protected void executeInternal(JobExecutionContext context) {
        int reaped = dispatcher.reapExpiredLeases();
        if (reaped > 0) {
            log.warn("Re-queued {} task(s) whose worker stopped renewing its lease", reaped);
        }
    }
}
