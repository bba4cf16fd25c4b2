package dev.llmops.studio.run;

import java.util.Map;

/**
 * A step finished successfully and its outputs are final; published after the change commits, so listeners (the
 * model registry) see the outputs. Carries what a listener needs without reading the run as a user: it runs on a
 * worker's or the lease reaper's thread, where nobody is signed in.
 *
 * @param params  the step's parameters with the catalog's defaults filled in
 * @param inputs  input port → artifact reference
 * @param outputs output port → artifact reference
 */
public record StepSucceeded(long runId, long taskId, long pipelineId, String pipelineName, String nodeId,
        String nodeType, String nodeLabel, Map<String, Object> params, Map<String, String> inputs,
        Map<String, String> outputs, String startedBy) {

    public StepSucceeded {
        params = Map.copyOf(params);
        inputs = Map.copyOf(inputs);
        outputs = Map.copyOf(outputs);
    }
}
