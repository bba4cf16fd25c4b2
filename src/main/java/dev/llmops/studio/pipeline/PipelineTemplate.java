package dev.llmops.studio.pipeline;

/** A ready-made pipeline users can start from; {@code id} is the template's file name without {@code .json}. */
public record PipelineTemplate(String id, String name, String description, PipelineGraph graph) {
}
