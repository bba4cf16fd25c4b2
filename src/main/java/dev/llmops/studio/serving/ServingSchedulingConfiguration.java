package dev.llmops.studio.serving;

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
class ServingSchedulingConfiguration {

    @Bean
    JobDetail endpointAutoscalerJob() {
        return JobBuilder.newJob(EndpointAutoscalerJob.class).withIdentity("endpoint-autoscaler", "serving")
                .withDescription("Scales endpoint replicas, rolls back failing canaries, trims request logs")
                .storeDurably().build();
    }

    @Bean
    Trigger endpointAutoscalerTrigger(JobDetail endpointAutoscalerJob,
            @Value("${studio.serving.autoscale.interval:5s}") Duration interval) {
        return TriggerBuilder.newTrigger().forJob(endpointAutoscalerJob).withIdentity("endpoint-autoscaler", "serving")
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(interval.toMillis())
                        .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
    }
}
