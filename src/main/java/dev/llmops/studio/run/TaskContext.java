package dev.llmops.studio.run;

import java.nio.file.Path;
import java.util.Map;

/** What an executor sees of its task: parameters, inputs, and the ways to report back. */
public interface TaskContext {

    long taskId();

    long runId();

    /** The step's id in the pipeline graph. */
    String nodeId();

    int attempt();

    Map<String, Object> params();

    /** Input port → artifact reference produced by the predecessor connected to it. */
    Map<String, String> inputs();

    /** Records the artifact reference produced on an output port. */
    void output(String port, String artifact);

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

    /** A folder that survives retries of this task on this worker, for checkpoints. */
    Path checkpointDir();
}
