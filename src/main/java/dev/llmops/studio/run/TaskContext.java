package dev.llmops.studio.run;

import dev.llmops.studio.artifact.ArtifactRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What an executor sees of its task: parameters, input artifacts, and the ways to report back. The same on the
 * embedded worker and on a remote one; on a remote worker inputs are downloaded and outputs uploaded through
 * the server, streamed both ways.
 */
public interface TaskContext {

    long taskId();

    long runId();

    /** The step's id in the pipeline graph. */
    String nodeId();

    int attempt();

    Map<String, Object> params();

    /** A whole-number parameter; {@code fallback} when it is absent or blank. */
    default int intParam(String name, int fallback) {
        Object value = params().get(name);
        if (value instanceof Number number) {
            return number.intValue();
        }
        return value == null || value.toString().isBlank() ? fallback : Integer.parseInt(value.toString().trim());
    }

    /** Input port → reference ({@code sha256:…}) of the artifact the connected predecessor produced. */
    Map<String, String> inputs();

    /**
     * A local, read-only file with the content of the artifact on an input port (fetched and checked against its
     * SHA-256 first on a remote worker). Throws {@link IllegalArgumentException} for a port with no input.
     */
    Path input(String port) throws IOException;

    /**
     * Stores the stream's content as this attempt's artifact on an output port. Outputs become visible to
     * successors only when the attempt succeeds; a failed or lost attempt's outputs are discarded.
     */
    ArtifactRef output(String port, InputStream content) throws IOException;

    ArtifactRef output(String port, Path file) throws IOException;

    /**
     * Passes on an artifact already in the server's store (a dataset version, a registered model) without copying
     * it. Only steps that run on the server's embedded worker can do this; remote workers upload what they make.
     */
    void output(String port, ArtifactRef stored);

    void log(String line);

    /** Fraction done, 0 to 1. */
    void progress(double fraction);

    /**
     * Reports one point of a numeric series, so that training and evaluation can be watched while they run: the
     * run page draws each series as a live line chart ({@code train_loss} and {@code val_loss} share one "Loss"
     * chart) and {@code GET /api/v1/runs/{id}/metrics} serves them.
     *
     * @param name  snake_case, 1 to 100 characters, e.g. {@code train_loss}, {@code val_loss},
     *              {@code learning_rate}, {@code tokens_per_s}
     * @param step  the x value: the optimizer step, or anything else that increases (epoch, examples seen).
     *              Reporting a step again replaces its value, so an attempt that resumes from a checkpoint
     *              redraws those steps instead of drawing them twice
     * @param value the y value; NaN and infinities are dropped (a chart cannot draw them): log them if they
     *              matter
     */
    void metric(String name, long step, double value);

    boolean cancelRequested();

    /** A scratch folder for this task on this worker (kept across its retries on the same worker). */
    Path checkpointDir();

    /**
     * Saves a checkpoint (any single file, e.g. an archive of weights and optimizer state) on the server, replacing
     * the previous one. A later attempt of this task, on any worker, gets it from {@link #resumeFrom()}.
     */
    void saveCheckpoint(Path file) throws IOException;

    /** The newest checkpoint an earlier attempt of this task saved, as a local file; empty on a first run. */
    Optional<Path> resumeFrom() throws IOException;

    /** How many CPU threads the step should use: the worker's cores shared among its slots, at least one. */
    int cpuThreads();
}
