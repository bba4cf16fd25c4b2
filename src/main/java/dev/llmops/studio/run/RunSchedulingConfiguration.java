package dev.llmops.studio.run;

import java.time.Duration;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RunSchedulingConfiguration {

    @Bean
    JobDetail leaseReaperJob() {
        return JobBuilder.newJob(LeaseReaperJob.class).withIdentity("lease-reaper", "run")
                .withDescription("Re-queues tasks whose worker stopped renewing its lease").storeDurably().build();
    }

    /** Skipped firings (all servers down) are not made up: the next firing sees every expired lease anyway. */
    @Bean
    Trigger leaseReaperTrigger(JobDetail leaseReaperJob,
            @Value("${studio.run.reaper-interval:5s}") Duration interval) {
        return TriggerBuilder.newTrigger().forJob(leaseReaperJob).withIdentity("lease-reaper", "run")
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(interval.toMillis())
                        .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
    }
}
