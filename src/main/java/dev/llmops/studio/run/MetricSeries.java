package dev.llmops.studio.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One named series of a task, in step order. {@code points} is how many the task stored; {@code samples} holds
 * all of them, or evenly spaced ones (first and last included) when there are more than
 * {@link RunService#MAX_POINTS_PER_SERIES}.
 */
public record MetricSeries(String name, long points, List<MetricSample> samples) {

    /** Also in the API's JSON, so clients need not compare counts. */
    @JsonProperty("downsampled")
    public boolean downsampled() {
        return samples.size() < points;
    }
}
