package dev.llmops.studio.run;

/** One point of a series as read back: the x value (step) and the y value. */
public record MetricSample(long step, double value) {
}
