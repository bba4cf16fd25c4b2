package dev.llmops.studio.run;

/**
 * One point of a numeric series a task reports (see {@link TaskContext#metric}); workers send them to
 * {@link TaskDispatcher#metrics} in batches.
 */
public record MetricPoint(String name, long step, double value) {

    /** The column's width; longer names are refused rather than cut, so two series never merge silently. */
    public static final int MAX_NAME_LENGTH = 100;

    public MetricPoint {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A metric needs a name, e.g. train_loss");
        }
        name = name.strip();
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("Metric name longer than " + MAX_NAME_LENGTH + " characters: "
                    + name.substring(0, 40) + "…");
        }
    }
}
