package dev.llmops.studio.pipeline;

/** What flows along an edge; an output may only feed an input of the same type. */
public enum PortType {
    DATASET, MODEL, ENDPOINT, EVAL_REPORT, FEEDBACK
}
