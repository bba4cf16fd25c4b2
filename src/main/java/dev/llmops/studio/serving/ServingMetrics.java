package dev.llmops.studio.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Serving metrics, two ways: Micrometer meters under stable names for Prometheus ({@code studio_serving_*}, tagged
 * by endpoint and version), and per-second totals of the last 15 minutes in memory for the endpoint page's live
 * charts.
 */
@Component
public class ServingMetrics {

    static final String REQUESTS = "studio.serving.requests";
    static final String LATENCY = "studio.serving.latency";
    static final String FIRST_TOKEN = "studio.serving.time.to.first.token";
    static final String COMPLETION = "studio.serving.completion";
    static final String IN_FLIGHT = "studio.serving.in.flight";
    static final String QUEUE_DEPTH = "studio.serving.queue.depth";
    private static final int SECONDS_KEPT = 900;

    /** Totals of one second of one endpoint. */
    public record Second(long epochSecond, int requests, int errors, long completionTokens, double latencyMsSum,
                         double firstTokenMsSum, int firstTokens) {

        public double meanLatencyMs() {
            return requests == 0 ? 0 : latencyMsSum / requests;
        }

        public double meanFirstTokenMs() {
            return firstTokens == 0 ? 0 : firstTokenMsSum / firstTokens;
        }
    }

    private final MeterRegistry meters;
    private final ReplicaHub hub;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Set<String> gauged = ConcurrentHashMap.newKeySet();

    ServingMetrics(MeterRegistry meters, ReplicaHub hub) {
        this.meters = meters;
        this.hub = hub;
        hub.onOutcome(this::record);
    }

    void record(RequestOutcome outcome) {
        String status = outcome.status() == 200 ? "ok" : outcome.serverError() ? "server_error" : "client_error";
        Counter.builder(REQUESTS).description("Requests answered by endpoints, by outcome")
                .tags("endpoint", outcome.endpoint(), "version", outcome.version(), "outcome", status)
                .register(meters).increment();
        Timer.builder(LATENCY).description("Time from request to last token").publishPercentileHistogram()
                .tags("endpoint", outcome.endpoint(), "version", outcome.version())
                .register(meters).record(outcome.latencyNanos(), TimeUnit.NANOSECONDS);
        if (outcome.firstTextNanos() > 0) {
            Timer.builder(FIRST_TOKEN).description("Time from request to first text").publishPercentileHistogram()
                    .tags("endpoint", outcome.endpoint(), "version", outcome.version())
                    .register(meters).record(outcome.firstTextNanos(), TimeUnit.NANOSECONDS);
        }
        DistributionSummary.builder(COMPLETION).description("Completion tokens per request").baseUnit("tokens")
                .tags("endpoint", outcome.endpoint(), "version", outcome.version())
                .register(meters).record(outcome.completionTokens());
        windows.computeIfAbsent(outcome.endpoint(), e -> new Window()).add(outcome);
        if (outcome.deploymentId() > 0) {
            gauge(outcome.endpoint(), outcome.deploymentId(), outcome.version());
        }
    }

    /** In-flight and queued gauges of one deployment, registered once. */
    void gauge(String endpoint, long deploymentId, String version) {
        if (gauged.add(endpoint + "#" + deploymentId)) {
            Gauge.builder(IN_FLIGHT, hub, h -> h.load(deploymentId).inFlight())
                    .description("Requests being generated").tags("endpoint", endpoint, "version", version)
                    .register(meters);
            Gauge.builder(QUEUE_DEPTH, hub, h -> h.load(deploymentId).queued())
                    .description("Requests waiting for a replica").tags("endpoint", endpoint, "version", version)
                    .register(meters);
        }
    }

    /** The endpoint's last {@code seconds} seconds, oldest first, with empty seconds filled in. */
    public List<Second> lastSeconds(String endpoint, int seconds) {
        Window window = windows.get(endpoint);
        long now = System.currentTimeMillis() / 1000;
        List<Second> result = new ArrayList<>(seconds);
        for (long second = now - seconds + 1; second <= now; second++) {
            result.add(window == null ? new Second(second, 0, 0, 0, 0, 0, 0) : window.at(second));
        }
        return result;
    }

    /** Totals since start for the endpoint: requests, errors and completion tokens. */
    public long[] totals(String endpoint) {
        Window window = windows.get(endpoint);
        return window == null ? new long[3] : window.totals();
    }

    private static final class Window {
        private final Second[] seconds = new Second[SECONDS_KEPT];
        private long requests;
        private long errors;
        private long tokens;

        synchronized void add(RequestOutcome outcome) {
            long epochSecond = System.currentTimeMillis() / 1000;
            int slot = (int) (epochSecond % SECONDS_KEPT);
            Second current = seconds[slot];
            if (current == null || current.epochSecond() != epochSecond) {
                current = new Second(epochSecond, 0, 0, 0, 0, 0, 0);
            }
            boolean error = outcome.status() != 200;
            boolean firstToken = outcome.firstTextNanos() > 0;
            seconds[slot] = new Second(epochSecond, current.requests() + 1, current.errors() + (error ? 1 : 0),
                    current.completionTokens() + outcome.completionTokens(),
                    current.latencyMsSum() + outcome.latencyNanos() / 1e6,
                    current.firstTokenMsSum() + (firstToken ? outcome.firstTextNanos() / 1e6 : 0),
                    current.firstTokens() + (firstToken ? 1 : 0));
            requests++;
            errors += error ? 1 : 0;
            tokens += outcome.completionTokens();
        }

        synchronized Second at(long epochSecond) {
            Second second = seconds[(int) (epochSecond % SECONDS_KEPT)];
            return second != null && second.epochSecond() == epochSecond ? second
                    : new Second(epochSecond, 0, 0, 0, 0, 0, 0);
        }

        synchronized long[] totals() {
            return new long[] {requests, errors, tokens};
        }
    }
}
