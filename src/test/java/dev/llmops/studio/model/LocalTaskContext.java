package dev.llmops.studio.model;

import dev.llmops.studio.artifact.ArtifactRef;
import dev.llmops.studio.run.TaskContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A task context without the run engine: inputs are local files, outputs are copied into a folder, logs and
 * metrics are kept in lists. Lets a test or a benchmark call an executor directly.
 */
final class LocalTaskContext implements TaskContext {

    private final Map<String, Object> params;
    private final Map<String, Path> inputFiles;
    private final Map<String, String> inputRefs = new LinkedHashMap<>();
    private final Path workDir;
    final Map<String, Path> outputs = new LinkedHashMap<>();
    final List<String> logs = new CopyOnWriteArrayList<>();
    final Map<String, Double> metrics = new LinkedHashMap<>();
    private final boolean echo;

    LocalTaskContext(Map<String, Object> params, Map<String, Path> inputs, Path workDir, boolean echo)
            throws IOException {
        this.params = params;
        this.inputFiles = inputs;
        this.workDir = Files.createDirectories(workDir);
        this.echo = echo;
        for (Map.Entry<String, Path> input : inputs.entrySet()) {
            inputRefs.put(input.getKey(), ref(input.getValue()).toString());
        }
    }

    @Override
    public long taskId() {
        return 1;
    }

    @Override
    public long runId() {
        return 1;
    }

    @Override
    public String nodeId() {
        return "local";
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public Map<String, Object> params() {
        return params;
    }

    @Override
    public Map<String, String> inputs() {
        return inputRefs;
    }

    @Override
    public Path input(String port) {
        Path file = inputFiles.get(port);
        if (file == null) {
            throw new IllegalArgumentException("no input on port " + port);
        }
        return file;
    }

    @Override
    public ArtifactRef output(String port, InputStream content) throws IOException {
        Path file = workDir.resolve("output-" + port);
        Files.copy(content, file, StandardCopyOption.REPLACE_EXISTING);
        outputs.put(port, file);
        return ref(file);
    }

    @Override
    public ArtifactRef output(String port, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return output(port, in);
        }
    }

    @Override
    public void output(String port, ArtifactRef stored) {
        throw new UnsupportedOperationException("no artifact store here");
    }

    @Override
    public void log(String line) {
        logs.add(line);
        if (echo) {
            System.out.println("  " + line);
        }
    }

    @Override
    public void progress(double fraction) {
    }

    @Override
    public synchronized void metric(String name, long step, double value) {
        metrics.put(name, value);
    }

    @Override
    public boolean cancelRequested() {
        return false;
    }

    @Override
    public Path checkpointDir() {
        return workDir;
    }

    @Override
    public void saveCheckpoint(Path file) {
    }

    @Override
    public Optional<Path> resumeFrom() {
        return Optional.empty();
    }

    @Override
    public int cpuThreads() {
        return 1;
    }

    static ArtifactRef ref(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) > 0) {
                digest.update(buffer, 0, read);
            }
            return new ArtifactRef(HexFormat.of().formatHex(digest.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
