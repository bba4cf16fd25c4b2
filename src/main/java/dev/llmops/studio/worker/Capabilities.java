package dev.llmops.studio.worker;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * What a worker machine offers: cores, memory, free disk, the GPUs nvidia-smi reports (none without it) and the
 * labels its operator gave it.
 */
public record Capabilities(int cpuCores, long memoryMb, long freeDiskMb, List<Gpu> gpus, List<String> labels) {

    public Capabilities {
        gpus = gpus == null ? List.of() : List.copyOf(gpus);
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    public record Gpu(String name, long memoryMb, int utilizationPercent) {
    }

    static Capabilities probe(Path workDir, List<String> labels) {
        long memoryMb = ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getTotalMemorySize() / (1024 * 1024) : Runtime.getRuntime().maxMemory() / (1024 * 1024);
        long freeDiskMb;
        try {
            Files.createDirectories(workDir);
            freeDiskMb = Files.getFileStore(workDir).getUsableSpace() / (1024 * 1024);
        } catch (IOException e) {
            freeDiskMb = 0;
        }
        return new Capabilities(Runtime.getRuntime().availableProcessors(), memoryMb, freeDiskMb, nvidiaGpus(), labels);
    }

    private static List<Gpu> nvidiaGpus() {
        try {
            Process process = new ProcessBuilder("nvidia-smi", "--query-gpu=name,memory.total,utilization.gpu",
                    "--format=csv,noheader,nounits").redirectErrorStream(true).start();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return List.of();
            }
            return parseNvidiaSmi(output);
        } catch (IOException e) {
            return List.of(); // no nvidia-smi: a CPU-only machine
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** Parses {@code nvidia-smi --query-gpu=name,memory.total,utilization.gpu --format=csv,noheader,nounits}. */
    static List<Gpu> parseNvidiaSmi(String csv) throws IOException {
        List<Gpu> gpus = new ArrayList<>();
        CSVFormat format = CSVFormat.DEFAULT.builder().setTrim(true).setIgnoreEmptyLines(true).get();
        for (CSVRecord row : format.parse(new StringReader(csv))) {
            if (row.size() < 3) {
                continue;
            }
            gpus.add(new Gpu(row.get(0), parseLong(row.get(1)), (int) parseLong(row.get(2))));
        }
        return gpus;
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.replaceAll("[^0-9]", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
