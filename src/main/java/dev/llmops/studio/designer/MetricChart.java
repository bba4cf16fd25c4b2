package dev.llmops.studio.designer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import com.vaadin.flow.component.dependency.NpmPackage;
import dev.llmops.studio.run.MetricSample;
import dev.llmops.studio.run.MetricSeries;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One line chart of metric series that share an x axis (the step): an Apache ECharts chart in the
 * {@code <metric-chart>} web component ({@code metric-chart.ts}). Vaadin Charts is a paid component, so not used.
 *
 * <p>The data crosses as one JSON property; setting series that differ updates the chart in place in the browser
 * (no re-creation, no flicker), and setting the same series again sends nothing.
 */
@Tag("metric-chart")
@JsModule("./metric-chart.ts")
@NpmPackage(value = "echarts", version = "5.6.0")
public class MetricChart extends Component implements HasSize {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String title;
    private final String xFormat;
    private String json;

    public MetricChart(String title) {
        this(title, "step {x}");
    }

    /**
     * @param xFormat how the tooltip names a point's x value, {@code {x}} standing for the number: "step {x}" for
     *                training curves, "{x} s" for a live window whose x is seconds relative to now
     */
    public MetricChart(String title, String xFormat) {
        this.title = Objects.requireNonNull(title);
        this.xFormat = Objects.requireNonNull(xFormat);
        addClassName("metric-chart");
        setSeries(List.of());
    }

    public String getTitle() {
        return title;
    }

    /** Replaces the series drawn; each series keeps its colour while its name stays. */
    public void setSeries(List<MetricSeries> series) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (MetricSeries s : series) {
            List<Object[]> data = new ArrayList<>(s.samples().size());
            for (MetricSample sample : s.samples()) {
                data.add(new Object[] {sample.step(), sample.value()}); // [x, y], as ECharts takes them
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", s.name());
            entry.put("points", s.points());
            entry.put("data", data);
            out.add(entry);
        }
        String next = write(Map.of("title", title, "x", xFormat, "series", out));
        if (!next.equals(json)) {
            json = next;
            getElement().setProperty("chartData", next);
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
