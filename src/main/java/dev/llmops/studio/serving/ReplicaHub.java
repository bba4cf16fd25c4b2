package dev.llmops.studio.serving;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The server's live view of serving: which replicas are ready, what each holds, and the requests on their way.
 * A request goes to a deployment by traffic weight (smooth weighted round robin, so a 90/10 split is exact over
 * any ten requests rather than only on average) into that deployment's queue. Replicas take from the queue only
 * as many requests as they have free batch slots, so a request waits for the first replica with room: the least
 * busy one, and also one the autoscaler has just added. A replica that stops asking is taken out; what it held is
 * retried once elsewhere where the client has seen nothing yet.
 *
 * <p>In memory and per server: replicas talk to the server they were assigned by, and requests reach only the
 * replicas of the server they arrive at (see docs/architecture.md, Serving).
 */
@Component
public class ReplicaHub implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReplicaHub.class);

    /** One version on an endpoint and its share of the traffic. */
    record DeploymentRoute(long deploymentId, String version, int trafficPercent) {
    }

    /** What routing needs to know of an endpoint; replaced whole when a deployment changes. */
    record EndpointRoute(long endpointId, String endpoint, List<DeploymentRoute> deployments) {
    }

    /** Load of one deployment at this moment, for the autoscaler. */
    record DeploymentLoad(long deploymentId, int readyReplicas, int queued, int inFlight, long outstandingTokens) {
    }

    /** A replica that missed its health checks, and why it was taken out. */
    record LostReplica(long replicaId, long deploymentId, String reason) {
    }

    private final Duration replicaTimeout;
    private final Duration queueTimeout;
    private final Map<String, RouteState> routes = new ConcurrentHashMap<>();
    private final Map<Long, LiveReplica> replicas = new ConcurrentHashMap<>();
    private final Map<Long, LinkedBlockingDeque<Job>> queues = new ConcurrentHashMap<>();
    private final Map<String, Deque<Job>> waiting = new ConcurrentHashMap<>();
    private final List<Consumer<LostReplica>> lostListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Consumer<RequestOutcome>> outcomeListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private ScheduledExecutorService ticker;
    private volatile boolean running;

    ReplicaHub(@Value("${studio.serving.replica-timeout:6s}") Duration replicaTimeout,
            @Value("${studio.serving.queue-timeout:60s}") Duration queueTimeout) {
        this.replicaTimeout = replicaTimeout;
        this.queueTimeout = queueTimeout;
    }

    void onLost(Consumer<LostReplica> listener) {
        lostListeners.add(listener);
    }

    void onOutcome(Consumer<RequestOutcome> listener) {
        outcomeListeners.add(listener);
    }

    // ---- routing configuration (from the endpoint service) ----

    void route(EndpointRoute route) {
        routes.compute(route.endpoint(), (name, previous) -> new RouteState(route));
        requeueStranded();
        dispatchWaiting(route.endpoint());
    }

    void unroute(String endpoint) {
        routes.remove(endpoint);
        Deque<Job> parked = waiting.remove(endpoint);
        if (parked != null) {
            parked.forEach(job -> fail(job, 404, "invalid_request_error", "The endpoint " + endpoint
                    + " was stopped."));
        }
    }

    void replicaReady(long replicaId, long deploymentId, String endpoint, String workerId) {
        replicas.computeIfAbsent(replicaId, id -> new LiveReplica(id, deploymentId, endpoint, workerId)).seen();
        dispatchWaiting(endpoint);
    }

    /** No new requests for the replica; it is told to stop once it has answered what it holds. */
    void drain(long replicaId) {
        LiveReplica replica = replicas.get(replicaId);
        if (replica != null) {
            replica.draining = true;
        }
    }

    void forget(long replicaId) {
        LiveReplica replica = replicas.remove(replicaId);
        if (replica != null) {
            rescue(replica, "the replica was stopped");
        }
    }

    boolean isLive(long replicaId) {
        return replicas.containsKey(replicaId);
    }

    // ---- requests (from the gateway and the playground) ----

    /**
     * Sends the request to the endpoint; the answer goes to {@code sink}: piece by piece when {@code streaming},
     * else in one piece just before {@link GenerationSink#finished}.
     */
    public Generation submit(String endpoint, ReplicaRequest request, boolean streaming, Long apiKeyId,
            GenerationSink sink) {
        RouteState route = routes.get(endpoint);
        if (route == null) {
            throw new ServingException(404, "invalid_request_error", "model_not_found",
                    "The model `" + endpoint + "` does not exist or is not deployed.");
        }
        Job job = new Job(request, streaming, route.route.endpointId(), endpoint, apiKeyId, sink);
        dispatch(job);
        return job;
    }

    /** A submitted request; cancel when the client goes away. */
    public interface Generation {
        void cancel();
    }

    // ---- replicas (through their links) ----

    /**
     * Up to {@code capacity} new requests for the replica (its free batch slots), waiting up to {@code wait} for
     * the first; empty for a replica this server does not know (still loading, or already taken out).
     */
    ReplicaWork take(long replicaId, int capacity, Duration wait) throws InterruptedException {
        LiveReplica replica = replicas.get(replicaId);
        if (replica == null) {
            return ReplicaWork.NONE;
        }
        replica.seen();
        List<Job> taken = new ArrayList<>();
        LinkedBlockingDeque<Job> queue = queue(replica.deploymentId);
        boolean mayTake = capacity > 0 && !replica.draining;
        if (mayTake) {
            Job first = queue.poll();
            if (first == null && replica.cancellations.isEmpty() && !wait.isZero()) {
                first = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
                replica.seen();
            }
            if (first != null) {
                taken.add(first);
                queue.drainTo(taken, capacity - 1);
            }
        } else if (replica.cancellations.isEmpty() && !wait.isZero()
                && !(replica.draining && replica.inFlight.isEmpty())) {
            // full: the call is only a health signal, so it need not hold the line long
            Thread.sleep(Math.min(wait.toMillis(), 100));
            replica.seen();
        }
        if (replicas.get(replicaId) != replica) {
            // taken out while it waited: what it took goes back for the others
            for (int i = taken.size() - 1; i >= 0; i--) {
                queue.addFirst(taken.get(i));
            }
            return ReplicaWork.STOP;
        }
        List<ReplicaRequest> requests = new ArrayList<>(taken.size());
        for (Job job : taken) {
            if (job.cancelled) {
                finish(job, "cancelled", 0, 0);
                continue;
            }
            job.replica = replica;
            replica.inFlight.put(job.request.id(), job);
            requests.add(job.request);
        }
        List<String> cancelled = new ArrayList<>();
        for (String id; (id = replica.cancellations.poll()) != null; ) {
            cancelled.add(id);
        }
        boolean stop = replica.draining && replica.inFlight.isEmpty();
        return new ReplicaWork(requests, cancelled, stop);
    }

    void events(long replicaId, List<ReplicaEvent> events) {
        LiveReplica replica = replicas.get(replicaId);
        if (replica == null) {
            return;
        }
        replica.seen();
        for (ReplicaEvent event : events) {
            Job job = replica.inFlight.get(event.requestId());
            if (job == null) {
                continue;
            }
            job.completionTokens = Math.max(job.completionTokens, event.completionTokens());
            if (event.text() != null && !event.text().isEmpty()) {
                job.text(event.text());
            }
            if (event.error() != null) {
                replica.inFlight.remove(event.requestId());
                fail(job, event.status() == 0 ? 500 : event.status(),
                        event.status() >= 500 || event.status() == 0 ? "server_error" : "invalid_request_error",
                        event.error());
            } else if (event.finish() != null) {
                replica.inFlight.remove(event.requestId());
                finish(job, event.finish(), event.promptTokens(), event.completionTokens());
            }
        }
    }

    // ---- load, for the autoscaler and the endpoint page ----

    DeploymentLoad load(long deploymentId) {
        int ready = 0;
        int queued = 0;
        int inFlight = 0;
        long tokens = 0;
        for (LiveReplica replica : replicas.values()) {
            if (replica.deploymentId != deploymentId) {
                continue;
            }
            if (!replica.draining) {
                ready++;
            }
            inFlight += replica.inFlight.size();
            for (Job job : replica.inFlight.values()) {
                tokens += Math.max(0, job.request.maxTokens() - job.completionTokens);
            }
        }
        LinkedBlockingDeque<Job> queue = queues.get(deploymentId);
        if (queue != null) {
            for (Job job : queue) {
                queued++;
                tokens += job.request.maxTokens();
            }
        }
        return new DeploymentLoad(deploymentId, ready, queued, inFlight, tokens);
    }

    /** Requests waiting for a ready replica of the endpoint (none deployed yet, all busy starting). */
    int parked(String endpoint) {
        Deque<Job> parked = waiting.get(endpoint);
        return parked == null ? 0 : parked.size();
    }

    /** Requests in flight per live replica of the deployment. */
    Map<Long, Integer> outstandingByReplica(long deploymentId) {
        Map<Long, Integer> outstanding = new java.util.TreeMap<>();
        replicas.values().stream().filter(replica -> replica.deploymentId == deploymentId)
                .forEach(replica -> outstanding.put(replica.id, replica.outstanding()));
        return outstanding;
    }

    // ---- internals ----

    private void dispatch(Job job) {
        if (job.cancelled) {
            finish(job, "cancelled", 0, 0);
            return;
        }
        RouteState route = routes.get(job.endpoint);
        if (route == null) {
            fail(job, 404, "invalid_request_error", "The endpoint " + job.endpoint + " was stopped.");
            return;
        }
        OptionalLong target = route.choose(this::serves);
        if (target.isEmpty()) {
            Deque<Job> parked = waiting.computeIfAbsent(job.endpoint, e -> new ArrayDeque<>());
            synchronized (parked) {
                parked.add(job);
            }
            return;
        }
        long deploymentId = target.getAsLong();
        job.assign(deploymentId, route.versionOf(deploymentId));
        queue(deploymentId).add(job);
    }

    /** Whether a replica of the deployment takes requests now. */
    private boolean serves(long deploymentId) {
        return replicas.values().stream().anyMatch(r -> r.deploymentId == deploymentId && !r.draining);
    }

    private LinkedBlockingDeque<Job> queue(long deploymentId) {
        return queues.computeIfAbsent(deploymentId, id -> new LinkedBlockingDeque<>());
    }

    /**
     * Requests queued for a deployment that no longer takes any (retired, drained, its replicas lost) are routed
     * again: to another version, or parked until a replica is ready.
     */
    private void requeueStranded() {
        for (Map.Entry<Long, LinkedBlockingDeque<Job>> entry : queues.entrySet()) {
            if (entry.getValue().isEmpty() || serves(entry.getKey())) {
                continue;
            }
            List<Job> stranded = new ArrayList<>();
            entry.getValue().drainTo(stranded);
            stranded.forEach(this::dispatch);
        }
    }

    private void dispatchWaiting(String endpoint) {
        Deque<Job> parked = waiting.get(endpoint);
        if (parked == null) {
            return;
        }
        List<Job> retry = new ArrayList<>();
        synchronized (parked) {
            retry.addAll(parked);
            parked.clear();
        }
        retry.forEach(this::dispatch);
    }

    private void tick() {
        long now = System.nanoTime();
        for (LiveReplica replica : replicas.values()) {
            long silentNanos = now - replica.lastSeenNanos;
            if (silentNanos > replicaTimeout.toNanos() && replicas.remove(replica.id, replica)) {
                String reason = "missed its health checks (no contact for " + (silentNanos / 1_000_000_000L) + " s)";
                log.warn("Replica {} of {} {}", replica.id, replica.endpoint, reason);
                rescue(replica, "the replica serving this request stopped responding");
                LostReplica lost = new LostReplica(replica.id, replica.deploymentId, reason);
                lostListeners.forEach(listener -> listener.accept(lost));
            }
        }
        requeueStranded();
        for (Map.Entry<String, Deque<Job>> entry : waiting.entrySet()) {
            List<Job> expired = new ArrayList<>();
            synchronized (entry.getValue()) {
                for (Iterator<Job> it = entry.getValue().iterator(); it.hasNext(); ) {
                    Job job = it.next();
                    if (job.cancelled || now - job.submittedNanos > queueTimeout.toNanos()) {
                        it.remove();
                        expired.add(job);
                    }
                }
            }
            for (Job job : expired) {
                if (job.cancelled) {
                    finish(job, "cancelled", 0, 0);
                } else {
                    fail(job, 503, "server_error", "No replica of " + job.endpoint + " became ready within "
                            + queueTimeout.toSeconds() + " s; the endpoint may still be deploying or has failed.");
                }
            }
        }
    }

    /** Sends what a lost replica held elsewhere, once, where the client has seen nothing yet. */
    private void rescue(LiveReplica replica, String failure) {
        for (Job job : replica.inFlight.values()) {
            if (job.attempts == 0 && (!job.streaming || !job.textSent())) {
                job.retry();
                dispatch(job);
            } else {
                fail(job, 502, "server_error", failure + "; please retry.");
            }
        }
        replica.inFlight.clear();
    }

    private void finish(Job job, String reason, int promptTokens, int completionTokens) {
        if (!job.complete()) {
            return;
        }
        try {
            if (!job.streaming) {
                // held back until now, so that a retry elsewhere cannot leave a lost replica's half answer in it
                String text = job.response();
                if (!text.isEmpty()) {
                    job.sink.text(text);
                }
            }
            job.sink.finished(reason, promptTokens, completionTokens);
        } finally {
            publish(job, promptTokens, completionTokens, 200, null);
        }
    }

    private void fail(Job job, int status, String type, String message) {
        if (!job.complete()) {
            return;
        }
        try {
            job.sink.failed(status, type, message);
        } finally {
            publish(job, 0, job.completionTokens, status, message);
        }
    }

    private void publish(Job job, int promptTokens, int completionTokens, int status, String error) {
        RequestOutcome outcome = new RequestOutcome(job.endpointId, job.endpoint, job.deploymentId, job.version,
                job.apiKeyId, job.request, job.response(), promptTokens, completionTokens,
                System.nanoTime() - job.submittedNanos,
                job.firstTextNanos == 0 ? 0 : job.firstTextNanos - job.submittedNanos, status, error);
        for (Consumer<RequestOutcome> listener : outcomeListeners) {
            try {
                listener.accept(outcome);
            } catch (RuntimeException e) {
                log.warn("Recording a request outcome failed: {}", e.toString());
            }
        }
    }

    @Override
    public void start() {
        running = true;
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "serving-health");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                log.warn("Serving health check failed: {}", e.toString());
            }
        }, 250, 250, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        running = false;
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Traffic split state of one endpoint. */
    private static final class RouteState {
        final EndpointRoute route;
        private final long[] current;

        RouteState(EndpointRoute route) {
            this.route = route;
            this.current = new long[route.deployments().size()];
        }

        String versionOf(long deploymentId) {
            return route.deployments().stream().filter(d -> d.deploymentId() == deploymentId)
                    .map(DeploymentRoute::version).findFirst().orElse("?");
        }

        /**
         * Smooth weighted round robin over the deployments that have a ready replica: each adds its weight, the
         * largest wins and gives back the total. A deployment with weight 0 gets traffic only when no weighted
         * one can take it (a rollout whose old version is gone).
         */
        synchronized OptionalLong choose(LongPredicate serves) {
            List<DeploymentRoute> deployments = route.deployments();
            int best = -1;
            long total = 0;
            for (int i = 0; i < deployments.size(); i++) {
                DeploymentRoute deployment = deployments.get(i);
                if (deployment.trafficPercent() > 0 && serves.test(deployment.deploymentId())) {
                    current[i] += deployment.trafficPercent();
                    total += deployment.trafficPercent();
                    if (best < 0 || current[i] > current[best]) {
                        best = i;
                    }
                }
            }
            if (best >= 0) {
                current[best] -= total;
                return OptionalLong.of(deployments.get(best).deploymentId());
            }
            for (DeploymentRoute deployment : deployments) {
                if (serves.test(deployment.deploymentId())) {
                    return OptionalLong.of(deployment.deploymentId());
                }
            }
            return OptionalLong.empty();
        }
    }

    private static final class LiveReplica {
        final long id;
        final long deploymentId;
        final String endpoint;
        final String workerId;
        final Map<String, Job> inFlight = new ConcurrentHashMap<>();
        final Queue<String> cancellations = new ConcurrentLinkedQueue<>();
        volatile long lastSeenNanos = System.nanoTime();
        volatile boolean draining;

        LiveReplica(long id, long deploymentId, String endpoint, String workerId) {
            this.id = id;
            this.deploymentId = deploymentId;
            this.endpoint = endpoint;
            this.workerId = workerId;
        }

        void seen() {
            lastSeenNanos = System.nanoTime();
        }

        int outstanding() {
            return inFlight.size();
        }
    }

    private final class Job implements Generation {
        final ReplicaRequest request;
        final boolean streaming;
        final long endpointId;
        final String endpoint;
        final Long apiKeyId;
        final GenerationSink sink;
        final long submittedNanos = System.nanoTime();
        private final StringBuilder response = new StringBuilder();
        volatile LiveReplica replica;
        volatile long deploymentId;
        volatile String version = "?";
        volatile int attempts;
        volatile int completionTokens;
        volatile long firstTextNanos;
        volatile boolean cancelled;
        private boolean completed;

        Job(ReplicaRequest request, boolean streaming, long endpointId, String endpoint, Long apiKeyId,
                GenerationSink sink) {
            this.request = request;
            this.streaming = streaming;
            this.endpointId = endpointId;
            this.endpoint = endpoint;
            this.apiKeyId = apiKeyId;
            this.sink = sink;
        }

        void assign(long targetDeployment, String targetVersion) {
            replica = null;
            deploymentId = targetDeployment;
            version = targetVersion;
        }

        /** The next replica answers from the start: what the lost one generated is dropped. */
        synchronized void retry() {
            attempts++;
            response.setLength(0);
            firstTextNanos = 0;
            completionTokens = 0;
        }

        synchronized boolean textSent() {
            return response.length() > 0;
        }

        void text(String delta) {
            synchronized (this) {
                if (completed) {
                    return;
                }
                if (firstTextNanos == 0) {
                    firstTextNanos = System.nanoTime();
                }
                response.append(delta);
            }
            if (streaming) {
                sink.text(delta);
            }
        }

        synchronized String response() {
            return response.toString();
        }

        synchronized boolean complete() {
            if (completed) {
                return false;
            }
            completed = true;
            return true;
        }

        @Override
        public void cancel() {
            cancelled = true;
            LiveReplica target = replica;
            if (target != null && target.inFlight.containsKey(request.id())) {
                target.cancellations.add(request.id());
            } else if (target == null && queues.getOrDefault(deploymentId, new LinkedBlockingDeque<>())
                    .remove(this)) {
                finish(this, "cancelled", 0, 0);
            }
        }
    }
}
