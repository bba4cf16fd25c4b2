package dev.llmops.studio.dataset;

import dev.llmops.studio.artifact.ArtifactStore;
import dev.llmops.studio.bench.Machine;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The dataset pipeline on a generated CSV of about 500 MB (run with {@code bench/datasets.sh}, which starts a JVM
 * with {@code -Xmx256m}): detect, parse and validate every row, scan every field for personal data and redact it,
 * drop duplicates, gather stats, and store the version (both passes, split included) in a fresh artifact store.
 * Prints MB/s over the input and the peak heap; nothing is asserted. In this package to use the feature's own
 * classes, as the application does; no Spring context or database is involved (the version row is one INSERT).
 */
public final class DatasetBenchmark {

    private static final double GOAL_MB_PER_S = 30;

    private DatasetBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long targetBytes = args.length > 0 ? Long.parseLong(args[0]) * 1024 * 1024 : 500L * 1024 * 1024;
        Path work = Files.createTempDirectory("dataset-bench-");
        Path csv = work.resolve("generated.csv");
        System.out.println("generating " + targetBytes / (1024 * 1024) + " MB of CSV in " + csv);
        long rows = generate(csv, targetBytes);
        long size = Files.size(csv);
        resetPeaks();
        long t0 = System.nanoTime();
        Detection detection = DatasetParser.detect(csv, "generated.csv");
        ColumnMapping mapping = DatasetParser.suggestMapping(detection);
        VersionSettings settings = new VersionSettings(mapping, 0.1, 0.1, 42, true, PiiPolicy.REDACT,
                OnRowError.SKIP_BAD_ROWS);
        ArtifactStore store = new ArtifactStore(work.resolve("artifacts"));
        VersionBuilder.Written written;
        VersionReport report;
        long t1;
        try (VersionBuilder builder = VersionBuilder.writing(new PiiDetector(), settings, () -> false, size)) {
            DatasetParser.parse(csv, "generated.csv", detection, mapping, builder);
            t1 = System.nanoTime();
            report = builder.report();
            written = builder.write(store);
        }
        long t2 = System.nanoTime();
        double seconds = (t2 - t0) / 1e9;
        double mb = size / (1024.0 * 1024);
        long peakHeap = peakHeap();
        StringBuilder out = new StringBuilder();
        out.append("\n==================== Dataset benchmark: parse + validate + PII scan + store ====================\n");
        out.append("date      ").append(LocalDate.now()).append('\n');
        out.append("machine   ").append(Machine.nproc()).append(" CPUs (nproc), ").append(Machine.cpuModel())
                .append(", ").append(Machine.memTotal()).append(" RAM\n");
        out.append("java      ").append(System.getProperty("java.runtime.version")).append(", max heap ")
                .append(Runtime.getRuntime().maxMemory() / (1024 * 1024)).append(" MB\n");
        out.append(String.format(Locale.ROOT, "input     %.0f MB CSV, %,d rows (prompt, response, label, region)%n",
                mb, rows));
        out.append(String.format(Locale.ROOT, "result    %,d examples, %,d rejected, %,d duplicates, PII found: %s%n",
                report.stats().rows(), report.rowsRejected(), report.duplicatesRemoved(),
                report.pii().stream().map(f -> f.field() + " " + f.type() + " " + f.count()).toList()));
        out.append(String.format(Locale.ROOT, "split     train %,d / validation %,d / test %,d; stored %.0f MB%n",
                written.train(), written.validation(), written.test(), written.sizeBytes() / (1024.0 * 1024)));
        out.append(String.format(Locale.ROOT, "time      %.1f s (pass 1: parse, validate, PII, dedupe, stats %.1f s;"
                + " pass 2: split and store %.1f s)%n", seconds, (t1 - t0) / 1e9, (t2 - t1) / 1e9));
        out.append(String.format(Locale.ROOT, "throughput %.1f MB/s   goal ≥ %.0f MB/s   %s%n", mb / seconds,
                GOAL_MB_PER_S, mb / seconds >= GOAL_MB_PER_S ? "MET" : "MISSED"));
        out.append(String.format(Locale.ROOT, "peak heap %.0f MB (used, all heap pools) with -Xmx %d MB%n",
                peakHeap / (1024.0 * 1024), Runtime.getRuntime().maxMemory() / (1024 * 1024)));
        out.append("==============================================================================================\n");
        System.out.print(out);
        try (var files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Support-ticket-like rows; 3 % carry an e-mail or phone number, 2 % repeat an earlier row. */
    private static long generate(Path csv, long targetBytes) throws IOException {
        Random random = new Random(1);
        String[] labels = {"order_status", "refund", "product_question", "account", "complaint"};
        String[] regions = {"EU", "NA", "APAC"};
        String[] words = ("the order parcel refund account password delivery invoice warranty colour size courier "
                + "support agent weekend express tracking label return exchange voucher discount battery charger")
                .split(" ");
        long written = 0;
        long rows = 0;
        String previous = null;
        try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            out.write("prompt,response,label,region\n");
            while (written < targetBytes) {
                String line;
                if (previous != null && random.nextInt(50) == 0) {
                    line = previous;
                } else {
                    StringBuilder prompt = new StringBuilder("Question ").append(rows).append(':');
                    for (int i = 0; i < 12 + random.nextInt(20); i++) {
                        prompt.append(' ').append(words[random.nextInt(words.length)]);
                    }
                    int pii = random.nextInt(100);
                    if (pii == 0) {
                        prompt.append(" mail me at customer").append(rows).append("@example.com");
                    } else if (pii == 1) {
                        prompt.append(" call +44 20 7946 ").append(String.format("%04d", random.nextInt(10_000)));
                    } else if (pii == 2) {
                        prompt.append(" my address is 192.168.").append(random.nextInt(256)).append('.')
                                .append(random.nextInt(256));
                    }
                    StringBuilder response = new StringBuilder("\"Thanks, ");
                    for (int i = 0; i < 20 + random.nextInt(30); i++) {
                        response.append(words[random.nextInt(words.length)]).append(i % 9 == 8 ? ", " : " ");
                    }
                    response.append("done.\"");
                    line = prompt + "," + response + "," + labels[random.nextInt(labels.length)] + ","
                            + regions[random.nextInt(regions.length)] + "\n";
                }
                out.write(line);
                previous = line;
                written += line.length();
                rows++;
            }
        }
        return rows;
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    private static long peakHeap() {
        long peak = 0;
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
        for (MemoryPoolMXBean pool : pools) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
