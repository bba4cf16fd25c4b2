package dev.llmops.studio.bench;

import dev.llmops.studio.StudioApplication;
import dev.llmops.studio.feedback.NewReviewItem;
import dev.llmops.studio.feedback.ReviewInput;
import dev.llmops.studio.feedback.ReviewService;
import dev.llmops.studio.feedback.ReviewTask;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.security.users.UserAccountService;
import dev.llmops.studio.support.SignedIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The review-queue benchmark (run with {@code bench/review-queue.sh}): the real application on its default
 * database (an H2 file, in a temporary folder) with one queue of 100,000 items, two reviewers per item.
 *
 * <ul>
 * <li>spread over 2 reviewers (each has all 100,000 items: the worst case for the per-reviewer position and
 * progress counts the screen shows) and, as a second queue, over 20 reviewers (10,000 each);</li>
 * <li>a reviewer works through items as the review screen does: next item, submit, next item …; after 200
 * warm-up items, 1,000 measured ones: next-item latency (the {@link ReviewService#next} call the screen makes
 * after a submit: the item, its draft, position and progress), p50/p95/max, and the submit latency beside it;
 * then 1,000 J/K moves ({@link ReviewService#neighbour}).</li>
 * </ul>
 *
 * Goal (issue 9): next-item p95 &lt; 150 ms. Figures are printed, never asserted; copy them into
 * docs/benchmarks.md with the machine and date.
 */
public final class ReviewQueueBenchmark {

    private static final int ITEMS = 100_000;
    private static final int WARMUP = 200;
    private static final int MEASURED = 1_000;
    private static final double GOAL_P95_MS = 150;
    /** Benchmark-only credentials of a throw-away database; never used anywhere else. */
    private static final String ADMIN_PASSWORD = "bench-only-admin-passphrase";
    private static final String PASSWORD = "bench-only-reviewer-passphrase";

    private ReviewQueueBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int exitCode = 0;
        ConfigurableApplicationContext app = null;
        try {
            Path data = Files.createTempDirectory("review-bench-");
            log("starting the application (H2 file database in " + data + ")");
            app = new SpringApplication(StudioApplication.class).run(
                    "--server.port=0",
                    "--spring.datasource.url=jdbc:h2:file:" + data.resolve("studio")
                            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
                    "--studio.vault.dir=" + data.resolve("vault"),
                    "--studio.security.master-key-file=" + data.resolve("master.key"),
                    "--vaadin.productionMode=true",
                    "--vaadin.launch-browser=false",
                    "--studio.security.initial-admin-password=" + ADMIN_PASSWORD,
                    "--studio.worker.embedded.enabled=false",
                    "--spring.main.banner-mode=off",
                    "--logging.level.root=WARN");
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

    private static void run(ConfigurableApplicationContext app) throws Exception {
        UserAccountService accounts = app.getBean(UserAccountService.class);
        ReviewService reviews = app.getBean(ReviewService.class);
        String owner = "bench-owner";
        SignedIn.run("admin", List.of(Role.ADMIN), () -> accounts.create(new UserAccountService.NewUser(owner, null,
                PASSWORD, Set.of(Role.ML_ENGINEER))));
        List<String> summary = new ArrayList<>();
        summary.add("Review queue benchmark, " + LocalDate.now() + ", " + Machine.nproc() + " CPUs ("
                + Machine.cpuModel() + "), " + Machine.memTotal() + " RAM, Java " + Runtime.version().feature()
                + ", H2 file database");
        for (int reviewers : new int[] {2, 20}) {
            List<String> pool = new ArrayList<>();
            for (int i = 0; i < reviewers; i++) {
                String name = "bench-reviewer-" + reviewers + "-" + i;
                SignedIn.run("admin", List.of(Role.ADMIN), () -> accounts.create(new UserAccountService.NewUser(
                        name, null, PASSWORD, Set.of(Role.REVIEWER))));
                pool.add(name);
            }
            String queue = "bench-queue-" + reviewers;
            List<NewReviewItem> items = new ArrayList<>(ITEMS);
            for (int i = 0; i < ITEMS; i++) {
                items.add(NewReviewItem.single("Question " + i + ": how do I change the e-mail address of my"
                        + " account?", "Expected: Settings → Profile.", "Open Settings, then Profile, and type the"
                        + " new address; we send a confirmation link to it. (answer " + i + ")", "bench v1"));
            }
            long fill = System.nanoTime();
            as(owner, Role.ML_ENGINEER, () -> reviews.createQueue(queue, "Rate and correct.", 2));
            as(owner, Role.ML_ENGINEER, () -> reviews.addItems(queue, "benchmark", items,
                    new ReviewService.Reviewers(pool), null, null));
            double fillSeconds = (System.nanoTime() - fill) / 1e9;
            log(String.format(Locale.ROOT, "queue %s: %,d items to %d reviewers (2 each) in %.1f s", queue, ITEMS,
                    reviewers, fillSeconds));
            String reviewer = pool.get(0);
            double[] next = new double[MEASURED];
            double[] submit = new double[MEASURED];
            for (int i = 0; i < WARMUP + MEASURED; i++) {
                long t0 = System.nanoTime();
                ReviewTask task = as(reviewer, Role.REVIEWER, () -> reviews.next(queue)).orElseThrow();
                long t1 = System.nanoTime();
                as(reviewer, Role.REVIEWER, () -> {
                    reviews.submit(task.assignmentId(), new ReviewInput(task.itemId() % 5 == 0 ? 2 : 4, null,
                            null, null, Set.of(), null));
                    return null;
                });
                long t2 = System.nanoTime();
                if (i >= WARMUP) {
                    next[i - WARMUP] = (t1 - t0) / 1e6;
                    submit[i - WARMUP] = (t2 - t1) / 1e6;
                }
            }
            ReviewTask at = as(reviewer, Role.REVIEWER, () -> reviews.next(queue)).orElseThrow();
            double[] moves = new double[MEASURED];
            long current = at.assignmentId();
            for (int i = 0; i < MEASURED; i++) {
                boolean forward = i % 4 != 3;
                long from = current;
                long t0 = System.nanoTime();
                ReviewTask moved = as(reviewer, Role.REVIEWER, () -> reviews.neighbour(queue, from, forward))
                        .orElseThrow();
                moves[i] = (System.nanoTime() - t0) / 1e6;
                current = moved.assignmentId();
            }
            String line = String.format(Locale.ROOT, "%,d items, %d reviewers (%,d items each): next item p50 %.2f ms,"
                            + " p95 %.2f ms, max %.2f ms (goal p95 < %.0f ms: %s); submit p50 %.2f ms, p95 %.2f ms;"
                            + " J/K move p50 %.2f ms, p95 %.2f ms; queue filled in %.1f s",
                    ITEMS, reviewers, ITEMS * 2 / reviewers, percentile(next, 50), percentile(next, 95),
                    percentile(next, 100), GOAL_P95_MS, percentile(next, 95) < GOAL_P95_MS ? "met" : "missed",
                    percentile(submit, 50), percentile(submit, 95), percentile(moves, 50), percentile(moves, 95),
                    fillSeconds);
            log(line);
            summary.add(line);
        }
        System.out.println();
        System.out.println("=== summary (copy into docs/benchmarks.md) ===");
        summary.forEach(System.out::println);
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static <T> T as(String user, Role role, Callable<T> action) {
        return SignedIn.as(user, List.of(role), action);
    }

    private static void log(String line) {
        System.out.println("[review-bench] " + line);
    }
}
