package dev.llmops.studio.bench;

import dev.llmops.studio.dataset.PiiDetector;
import dev.llmops.studio.dataset.PiiQuality;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Random;

/**
 * PII detection quality and speed (bench/pii.sh): precision and recall per type on the labelled synthetic set,
 * detection throughput over that set's text, and the time for 1 MB of hostile input. Arguments: seed and
 * number of sentences (default 20261128 and 20000); the unit test uses another seed, so these figures are not
 * the ones the rules were checked against.
 */
public final class PiiBenchmark {

    private static final long DEFAULT_SEED = 20_261_128L;
    private static final int DEFAULT_SENTENCES = 20_000;
    private static final long WARM_UP_NANOS = 3_000_000_000L;
    private static final long MEASURE_NANOS = 10_000_000_000L;

    private PiiBenchmark() {
    }

    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : DEFAULT_SEED;
        int sentences = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_SENTENCES;
        PiiDetector detector = new PiiDetector();

        String table = PiiQuality.report(seed, sentences);
        String text = PiiQuality.sampleText(seed, sentences);
        double megabytes = text.getBytes(StandardCharsets.UTF_8).length / 1e6;
        runFor(detector, text, WARM_UP_NANOS);
        long began = System.nanoTime();
        int passes = runFor(detector, text, MEASURE_NANOS);
        double seconds = (System.nanoTime() - began) / 1e9;

        StringBuilder out = new StringBuilder("\n=== PII detection ===\n");
        out.append("date      ").append(LocalDate.now()).append('\n');
        out.append("machine   ").append(Machine.nproc()).append(" CPUs (nproc), ").append(Machine.cpuModel()).append(", ")
                .append(Machine.memTotal()).append(" RAM, Java ").append(System.getProperty("java.version")).append('\n');
        out.append("set       seed ").append(seed).append(", ").append(sentences).append(" sentences, ")
                .append(String.format(Locale.ROOT, "%.2f MB", megabytes)).append(" of UTF-8 text\n\n");
        out.append(table).append('\n');
        out.append(String.format(Locale.ROOT, "throughput %.1f MB/s (find over the set's text, %d passes in %.1f s, "
                + "one thread, after %.0f s warm-up)%n", megabytes * passes / seconds, passes, seconds,
                WARM_UP_NANOS / 1e9));
        out.append(hostileInput(detector));
        System.out.print(out);
    }

    private static int runFor(PiiDetector detector, String text, long nanos) {
        long end = System.nanoTime() + nanos;
        int passes = 0;
        while (System.nanoTime() < end) {
            detector.find(text);
            passes++;
        }
        return passes;
    }

    /** The worst case the unit test guards: if a pattern backtracked, this would take minutes. */
    private static String hostileInput(PiiDetector detector) {
        Random random = new Random(1);
        String alphabet = "0123456789.@";
        StringBuilder text = new StringBuilder(1_000_000);
        for (int i = 0; i < 1_000_000; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        String hostile = text.toString();
        detector.find(hostile);
        long began = System.nanoTime();
        detector.find(hostile);
        return String.format(Locale.ROOT, "hostile   1 MB of random digits, dots and @: %.0f ms%n",
                (System.nanoTime() - began) / 1e6);
    }
}
