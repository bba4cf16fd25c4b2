package dev.llmops.studio.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** Facts about the machine a benchmark ran on, for the summary that goes into docs/benchmarks.md. */
public final class Machine {

    private Machine() {
    }

    public static String nproc() {
        try {
            Process process = new ProcessBuilder("nproc").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (process.waitFor() == 0 && !out.isEmpty()) {
                return out;
            }
        } catch (IOException e) {
            // no nproc: fall back to what the JVM sees
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return String.valueOf(Runtime.getRuntime().availableProcessors());
    }

    public static String cpuModel() {
        return procField(Path.of("/proc/cpuinfo"), "model name").orElse("unknown CPU");
    }

    public static String memTotal() {
        return procField(Path.of("/proc/meminfo"), "MemTotal")
                .map(v -> String.format(Locale.ROOT, "%.0f GiB",
                        Long.parseLong(v.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0))
                .orElse("unknown");
    }

    private static Optional<String> procField(Path file, String field) {
        try {
            return Files.readAllLines(file).stream().filter(line -> line.startsWith(field))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
