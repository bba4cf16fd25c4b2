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

    boolean cancelRequested();

    /** A folder that survives retries of this task on this worker, for checkpoints. */
    Path checkpointDir();
}
