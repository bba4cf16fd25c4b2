package dev.llmops.studio.bench;

import dev.llmops.studio.StudioApplication;
import dev.llmops.studio.model.ModelEngine;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineTemplates;
import dev.llmops.studio.run.MetricSample;
import dev.llmops.studio.run.MetricSeries;
import dev.llmops.studio.run.RunDetail;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.RunTrigger;
import dev.llmops.studio.run.TaskInfo;
import dev.llmops.studio.run.TaskLog;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.security.users.UserAccountService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.core.context.SecurityContext;

/**
 * The demo end to end at full size: the application with its production defaults (embedded worker, 2 slots, so
 * the step gets its share of the cores), the shipped "Fine-tune and deploy" template unchanged, run up to its
 * Fine-tune step as "Run to here" does. Prints the wall time of the step and the validation loss before and
 * after, for docs/benchmarks.md. Goal (issue 6): done within 10 minutes on 2 CPU cores with a clear drop.
 */
public final class DemoTrainingBenchmark {

    private static final String ENGINEER = "bench-engineer";
    private static final String ENGINEER_PASSWORD = "bench-only-engineer-passphrase";
    private static final Duration GOAL = Duration.ofMinutes(10);

    private DemoTrainingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int exitCode = 0;
        ConfigurableApplicationContext app = null;
        try {
            ModelEngine.applyDefaults();
            app = start();
            run(app);
        } catch (Throwable e) {
            e.printStackTrace();
            exitCode = 1;
        } finally {
            if (app != null) {
                exitCode = Math.max(exitCode, SpringApplication.exit(app));
            }
        }
        System.out.flush();
        System.exit(exitCode);
    }

    private static ConfigurableApplicationContext start() throws Exception {
        Path data = Files.createTempDirectory("demo-bench-");
        log("starting the application (fresh in-memory H2, production defaults, artifacts in " + data + ")");
        return new SpringApplication(StudioApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=jdbc:h2:mem:demo-bench-" + UUID.randomUUID()
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                "--spring.datasource.username=sa",
                "--spring.datasource.password=",
                "--vaadin.productionMode=true",
                "--vaadin.launch-browser=false",
                "--studio.security.initial-admin-password=bench-only-admin-passphrase",
                "--studio.artifacts.dir=" + data.resolve("artifacts"),
                "--studio.worker.work-dir=" + data.resolve("worker"),
                // the bench classpath holds the tests' stand-in executors: let the real ones do the work
                "--studio.test.real-executors=dataset-upload,fine-tune,evaluate",
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN");
    }

    private static void run(ConfigurableApplicationContext app) throws Exception {
        as("admin", Role.ADMIN, () -> app.getBean(UserAccountService.class).create(new UserAccountService.NewUser(
                ENGINEER, "Benchmark engineer", ENGINEER_PASSWORD, Set.of(Role.ML_ENGINEER))));
        PipelineService pipelines = app.getBean(PipelineService.class);
        RunService runs = app.getBean(RunService.class);
        var template = app.getBean(PipelineTemplates.class).get("fine-tune-and-deploy");
        long pipelineId = as(ENGINEER, Role.ML_ENGINEER,
                () -> pipelines.create("Demo benchmark", null, template.graph(), null).id());
        log("template params: " + template.graph().node("finetune").orElseThrow().params());
        long started = System.nanoTime();
        long runId = as(ENGINEER, Role.ML_ENGINEER, () -> runs.start(pipelineId, RunTrigger.MANUAL, "finetune").id());
        RunDetail detail = as(ENGINEER, Role.ML_ENGINEER, () -> runs.detail(runId));
        int printed = 0;
        while (!detail.summary().status().finished()) {
            Thread.sleep(2000);
            detail = as(ENGINEER, Role.ML_ENGINEER, () -> runs.detail(runId));
            TaskInfo train = task(detail, "finetune");
            List<TaskLog> lines = as(ENGINEER, Role.ML_ENGINEER, () -> runs.log(train.id(), 0, 1000));
            for (TaskLog line : lines.subList(Math.min(printed, lines.size()), lines.size())) {
                log("  " + line.line());
            }
            printed = lines.size();
        }
        double wall = (System.nanoTime() - started) / 1e9;
        TaskInfo train = task(detail, "finetune");
        Map<String, List<MetricSample>> curves = as(ENGINEER, Role.ML_ENGINEER, () -> runs.metrics(runId)).stream()
                .filter(m -> m.nodeId().equals("finetune")).findFirst().orElseThrow().series().stream()
                .collect(Collectors.toMap(MetricSeries::name, MetricSeries::samples));
        List<MetricSample> validation = curves.get("val_loss");
        List<MetricSample> tokens = curves.get("tokens_per_s");
        double stepSeconds = Duration.between(train.startedAt(), train.finishedAt()).toMillis() / 1000.0;
        double before = validation.get(0).value();
        double after = validation.stream().mapToDouble(MetricSample::value).min().orElseThrow();

        System.out.println();
        System.out.println("=== Demo template: Fine-tune step (issue 6) ===");
        System.out.println("date " + LocalDate.now() + ", " + Machine.nproc() + " CPUs (" + Machine.cpuModel() + "), "
                + Machine.memTotal() + ", Java " + System.getProperty("java.version"));
        System.out.println("status " + detail.summary().status() + ", attempt " + train.attempt());
        System.out.printf(Locale.ROOT, "fine-tune step: %.0f s (run wall time %.0f s); goal < %d s: %s%n",
                stepSeconds, wall, GOAL.toSeconds(), stepSeconds < GOAL.toSeconds() ? "met" : "MISSED");
        System.out.printf(Locale.ROOT, "validation loss %.3f -> %.3f (perplexity %.1f -> %.1f), %d validations%n",
                before, after, Math.exp(before), Math.exp(after), validation.size());
        System.out.printf(Locale.ROOT, "training steps %d, final tokens/s %.0f%n", curves.get("train_loss").size(),
                tokens.get(tokens.size() - 1).value());
    }

    private static TaskInfo task(RunDetail detail, String nodeId) {
        return detail.tasks().stream().filter(t -> t.nodeId().equals(nodeId)).findFirst().orElseThrow();
    }

    private static <T> T as(String username, Role role, Callable<T> action) {
        return SignedIn.as(username, List.of(role), action);
    }

    private static void log(String message) {
        System.out.println("[demo-bench] " + message);
        System.out.flush();
    }
}
