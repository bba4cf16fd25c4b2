package dev.llmops.studio.serving;

import dev.llmops.studio.dataset.PiiDetector;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The request log of endpoints that keep one: prompt, answer (personal data redacted when the endpoint says so),
 * tokens, latency and status. Written in batches by one thread, so logging adds nothing to a request's latency;
 * rows older than the endpoint's retention are deleted by the autoscaler's periodic run.
 */
@Component
class RequestLog implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RequestLog.class);
    private static final int QUEUE_LIMIT = 50_000;

    private final EndpointRepository repository;
    private final Clock clock;
    private final PiiDetector pii = new PiiDetector();
    private final BlockingQueue<RequestOutcome> queue = new LinkedBlockingQueue<>(QUEUE_LIMIT);
    private final Map<Long, StoredEndpoint> endpoints = new ConcurrentHashMap<>();
    private Thread writer;
    private volatile boolean running;

    RequestLog(EndpointRepository repository, ReplicaHub hub, Clock clock) {
        this.repository = repository;
        this.clock = clock;
        hub.onOutcome(outcome -> {
            if (!queue.offer(outcome)) {
                log.warn("Request log queue full; a request of {} was not logged", outcome.endpoint());
            }
        });
    }

    /** Writes everything queued so far (tests and shutdown). */
    synchronized void flush() {
        List<RequestOutcome> batch = new ArrayList<>();
        queue.drainTo(batch);
        write(batch);
    }

    private void loop() {
        while (running || !queue.isEmpty()) {
            try {
                RequestOutcome first = queue.poll(500, TimeUnit.MILLISECONDS);
                if (first == null) {
                    endpoints.clear();
                    continue;
                }
                synchronized (this) {
                    List<RequestOutcome> batch = new ArrayList<>();
                    batch.add(first);
                    queue.drainTo(batch, 999);
                    write(batch);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Writing the request log failed: {}", e.toString());
            }
        }
    }

    private void write(List<RequestOutcome> batch) {
        List<LoggedRequest> records = new ArrayList<>();
        OffsetDateTime now = OffsetDateTime.now(clock);
        for (RequestOutcome outcome : batch) {
            StoredEndpoint endpoint = endpoints.computeIfAbsent(outcome.endpointId(),
                    id -> repository.byId(id).orElse(null));
            if (endpoint == null || !endpoint.settings().logRequests()) {
                continue;
            }
            boolean redact = endpoint.settings().redactPii();
            records.add(new LoggedRequest(outcome.endpointId(),
                    outcome.deploymentId() == 0 ? null : outcome.deploymentId(), outcome.apiKeyId(), now,
                    outcome.request().chat() ? "chat" : "completion", text(prompt(outcome.request()), redact),
                    text(outcome.response(), redact), outcome.promptTokens(), outcome.completionTokens(),
                    outcome.latencyNanos() / 1e6, outcome.firstTextNanos() == 0 ? null : outcome.firstTextNanos() / 1e6,
                    outcome.status(),
                    outcome.error() == null ? null : EndpointRepository.truncate(outcome.error(), 1000)));
        }
        repository.insertRequests(records);
    }

    private String text(String value, boolean redact) {
        return value == null ? null : redact ? pii.redact(value) : value;
    }

    private static String prompt(ReplicaRequest request) {
        if (!request.chat()) {
            return request.prompt();
        }
        StringBuilder text = new StringBuilder();
        request.messages().forEach(m -> text.append(m.role()).append(": ").append(m.content()).append('\n'));
        return text.toString();
    }

    @Override
    public void start() {
        running = true;
        writer = new Thread(this::loop, "serving-request-log");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void stop() {
        running = false;
        if (writer != null) {
            try {
                writer.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
