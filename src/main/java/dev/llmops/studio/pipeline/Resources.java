package dev.llmops.studio.pipeline;

/** What one step of a node type asks the worker for, so the scheduler can place it. */
public record Resources(int cpuCores, int gpus, int memoryMb) {
}
