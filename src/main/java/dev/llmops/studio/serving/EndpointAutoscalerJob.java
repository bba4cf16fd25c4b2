package dev.llmops.studio.serving;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.JobExecutionContext;
import org.springframework.scheduling.quartz.QuartzJobBean;

/** Runs the {@link Autoscaler}: scaling decisions, canary rollback, request log retention. */
@DisallowConcurrentExecution
public class EndpointAutoscalerJob extends QuartzJobBean {

    private final Autoscaler autoscaler;

    /** Quartz creates the job through Spring's job factory, which injects constructors like any bean. */
    EndpointAutoscalerJob(Autoscaler autoscaler) {
        this.autoscaler = autoscaler;
    }

    @Override
    protected void executeInternal(JobExecutionContext context) {
        autoscaler.run();
    }
}
