package dev.llmops.studio.run;

/** A task a worker holds at the moment (leased or running). */
public record HeldTask(String workerId, long runId, String stepLabel, String pipelineName) {
}
