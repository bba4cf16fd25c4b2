package dev.llmops.studio.worker;

import dev.llmops.studio.run.NodeExecutors;
import dev.llmops.studio.run.WorkerComponent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.ApplicationListener;

/**
 * {@code java -jar llmops-studio.jar worker --server-url=… --token=…}: the same jar as the server, started as
 * a remote worker. Only {@link WorkerComponent}s are created (executors and what they need): no database, no
 * UI, no scheduler, and no auto-configuration that could start any of them.
 */
public final class RemoteWorkerMode {

    static final String COMMAND = "worker";

    private RemoteWorkerMode() {
    }

    public static boolean requested(String[] args) {
        return args.length > 0 && (COMMAND.equals(args[0]) || ("--" + COMMAND).equals(args[0]));
    }

    /** Runs the worker until the process is stopped (Ctrl+C or SIGTERM tell the server it goes offline). */
    public static void run(String[] args) throws InterruptedException {
        SpringApplication application = new SpringApplication(RemoteWorkerConfiguration.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setBannerMode(Banner.Mode.OFF);
        ConfigurableApplicationContext context = application.run(Arrays.copyOfRange(args, 1, args.length));
        CountDownLatch closed = new CountDownLatch(1);
        context.addApplicationListener((ApplicationListener<ContextClosedEvent>) event -> closed.countDown());
        if (context.isActive()) {
            closed.await();
        }
    }

    /** Deliberately not a @Configuration: the server's component scan must never create a remote worker. */
    @ComponentScan(basePackages = "dev.llmops.studio", useDefaultFilters = false,
            includeFilters = @ComponentScan.Filter(WorkerComponent.class))
    static class RemoteWorkerConfiguration {

        @Bean
        RemoteWorker remoteWorker(NodeExecutors executors,
                @Value("${server-url:${studio.worker.server-url:http://localhost:8080}}") URI server,
                @Value("${token:${studio.worker.token:}}") String token,
                @Value("${name:${studio.worker.name:}}") String name,
                @Value("${slots:${studio.worker.slots:1}}") int slots,
                @Value("${labels:${studio.worker.labels:}}") String labels,
                @Value("${studio.worker.cancel-grace:10s}") Duration cancelGrace,
                @Value("${work-dir:${studio.worker.work-dir:./data/remote-worker}}") Path workDir) {
            if (token.isBlank()) {
                throw new IllegalArgumentException("A remote worker needs a worker token: create one on the server's "
                        + "Workers screen and pass --token=lwt_… (or set STUDIO_WORKER_TOKEN).");
            }
            return new RemoteWorker(executors, server, token.strip(), name, slots, labels, cancelGrace, workDir);
        }
    }
}
