package dev.llmops.studio.serving;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.theme.lumo.LumoUtility;
import dev.llmops.studio.designer.MetricChart;
import dev.llmops.studio.run.MetricSample;
import dev.llmops.studio.run.MetricSeries;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * An endpoint's counters and its last five minutes, second by second. The x axis is seconds before now, so the
 * right edge is always the present; latencies are drawn only for seconds that had requests, as an idle second has
 * no latency rather than one of 0 ms.
 */
class LiveMetrics extends Div {

    static final int WINDOW_SECONDS = 300;

    private final Span requests = new Span();
    private final Span errors = new Span();
    private final Span tokens = new Span();
    private final Span inFlight = new Span();
    private final Span queued = new Span();
    private final MetricChart traffic = new MetricChart("Requests / s", "{x} s");
    private final MetricChart throughput = new MetricChart("Completion tokens / s", "{x} s");
    private final MetricChart latency = new MetricChart("Latency (ms)", "{x} s");

    LiveMetrics() {
        setId("live-metrics");
        setWidthFull();
        Div counters = new Div(counter(requests, "requests-total", "requests"), counter(errors, "errors-total",
                "errors"), counter(tokens, "tokens-total", "tokens generated"), counter(inFlight, "in-flight",
                "in flight"), counter(queued, "queued", "queued"));
        counters.addClassNames(LumoUtility.Display.FLEX, LumoUtility.FlexWrap.WRAP, LumoUtility.Gap.XLARGE,
                LumoUtility.Margin.Bottom.MEDIUM);
        traffic.setId("chart-requests");
        throughput.setId("chart-tokens");
        latency.setId("chart-latency");
        Div charts = new Div(traffic, throughput, latency);
        charts.addClassName("metric-charts");
        add(counters, charts);
    }

    private static Div counter(Span value, String id, String label) {
        value.setId(id);
        value.addClassNames(LumoUtility.FontSize.XXLARGE, LumoUtility.FontWeight.SEMIBOLD);
        Span caption = new Span(label);
        caption.addClassNames(LumoUtility.FontSize.SMALL, LumoUtility.TextColor.SECONDARY);
        Div counter = new Div(value, caption);
        counter.addClassNames(LumoUtility.Display.FLEX, LumoUtility.FlexDirection.COLUMN);
        return counter;
    }

    /**
     * @param seconds the last {@link #WINDOW_SECONDS} seconds, oldest first
     * @param totals  requests, errors and completion tokens since the server started
     */
    void update(List<ServingMetrics.Second> seconds, long[] totals, int inFlightNow, int queuedNow) {
        requests.setText(number(totals[0]));
        errors.setText(number(totals[1]));
        tokens.setText(number(totals[2]));
        inFlight.setText(number(inFlightNow));
        queued.setText(number(queuedNow));
        traffic.setSeries(List.of(series("requests", seconds, s -> true, ServingMetrics.Second::requests),
                series("errors", seconds, s -> true, ServingMetrics.Second::errors)));
        throughput.setSeries(List.of(series("tokens", seconds, s -> true,
                ServingMetrics.Second::completionTokens)));
        latency.setSeries(List.of(
                series("mean latency", seconds, s -> s.requests() > 0, ServingMetrics.Second::meanLatencyMs),
                series("time to first token", seconds, s -> s.firstTokens() > 0,
                        ServingMetrics.Second::meanFirstTokenMs)));
    }

    private static MetricSeries series(String name, List<ServingMetrics.Second> seconds,
            Predicate<ServingMetrics.Second> drawn, ToDoubleFunction<ServingMetrics.Second> value) {
        List<MetricSample> samples = new ArrayList<>();
        for (int i = 0; i < seconds.size(); i++) {
            if (drawn.test(seconds.get(i))) {
                samples.add(new MetricSample(i - seconds.size() + 1, Math.round(value.applyAsDouble(seconds.get(i))
                        * 10) / 10.0));
            }
        }
        return new MetricSeries(name, samples.size(), samples);
    }

    private static String number(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }
}
