package dev.llmops.studio.serving;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Decides, every few seconds, how many replicas each deployment needs: enough that requests waiting or running
 * fit in full batches, and that the tokens still to generate do not exceed a replica's share. Up at once, down
 * only after a quiet period and one step at a time; every decision is written with its reason. The same pass
 * rolls back a canary whose error rate over its recent requests exceeds the endpoint's threshold, and deletes
 * request logs past their retention.
 */
@Service
class Autoscaler {

    private static final Logger log = LoggerFactory.getLogger(Autoscaler.class);
    /** Requests a canary must have answered before its error rate counts. */
    static final int CANARY_MIN_REQUESTS = 10;
    private static final int CANARY_WINDOW = 50;

    private final EndpointRepository repository;
    private final ReplicaHub hub;
    private final ReplicaCoordinator coordinator;
    private final EndpointService endpoints;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Duration quietPeriod;
    private final long tokensPerReplica;
    private final Map<Long, Long> busySince = new ConcurrentHashMap<>();
    private final Map<Long, Deque<Boolean>> recentErrors = new ConcurrentHashMap<>();
    private volatile long lastRetentionRun;

    Autoscaler(EndpointRepository repository, ReplicaHub hub, ReplicaCoordinator coordinator,
            EndpointService endpoints, TransactionTemplate transactions, Clock clock,
            @Value("${studio.serving.autoscale.quiet-period:2m}") Duration quietPeriod,
            @Value("${studio.serving.autoscale.tokens-per-replica:4096}") long tokensPerReplica) {
        this.repository = repository;
        this.hub = hub;
        this.coordinator = coordinator;
        this.endpoints = endpoints;
        this.transactions = transactions;
        this.clock = clock;
        this.quietPeriod = quietPeriod;
        this.tokensPerReplica = tokensPerReplica;
        hub.onOutcome(this::watch);
    }

    /** One pass over all endpoints. */
    void run() {
        for (StoredEndpoint endpoint : repository.running()) {
            try {
                rollBackFailingCanary(endpoint);
                transactions.executeWithoutResult(status -> scale(endpoint));
            } catch (RuntimeException e) {
                log.warn("Autoscaling endpoint {} failed: {}", endpoint.name(), e.toString());
            }
        }
        coordinator.reconcile();
        long now = System.currentTimeMillis();
        if (now - lastRetentionRun > Duration.ofHours(1).toMillis()) {
            lastRetentionRun = now;
            for (StoredEndpoint endpoint : repository.all()) {
                repository.deleteRequestsBefore(endpoint.id(),
                        OffsetDateTime.now(clock).minusDays(endpoint.settings().logRetentionDays()));
            }
        }
    }

    private void scale(StoredEndpoint endpoint) {
        EndpointSettings settings = endpoint.settings();
        for (DeploymentInfo deployment : repository.currentDeployments(endpoint.id())) {
            if (deployment.state() == DeploymentState.STARTING) {
                continue;
            }
            ReplicaHub.DeploymentLoad load = hub.load(deployment.id());
            int parked = deployment.trafficPercent() == 100 ? hub.parked(endpoint.name()) : 0;
            int requests = load.queued() + load.inFlight() + parked;
            int byRequests = (int) Math.ceil(requests / (double) settings.maxBatchSize());
            int byTokens = (int) Math.ceil(load.outstandingTokens() / (double) tokensPerReplica);
            int wanted = Math.max(settings.minReplicas(), Math.min(settings.maxReplicas(),
                    Math.max(byRequests, byTokens)));
            int current = deployment.replicas();
            long now = System.nanoTime();
            String reason = String.format(Locale.ROOT, "%d request(s) waiting or running (%d queued) for %d ready"
                            + " replica(s) at %d per batch, %,d tokens still to generate (%,d per replica)",
                    requests, load.queued() + parked, load.readyReplicas(), settings.maxBatchSize(),
                    load.outstandingTokens(), tokensPerReplica);
            if (wanted >= current) {
                busySince.put(deployment.id(), now);
            }
            if (wanted > current) {
                decide(endpoint, deployment, current, wanted, "Scale up " + deployment.label() + " from " + current
                        + " to " + wanted + ": " + reason);
            } else if (wanted < current) {
                long quietNanos = now - busySince.getOrDefault(deployment.id(), now);
                if (quietNanos >= quietPeriod.toNanos()) {
                    int next = current - 1;
                    busySince.put(deployment.id(), now);
                    decide(endpoint, deployment, current, next, "Scale down " + deployment.label() + " from "
                            + current + " to " + next + " after " + quietPeriod.toSeconds() + " s with at most "
                            + wanted + " replica(s) needed: " + reason);
                } else if (!busySince.containsKey(deployment.id())) {
                    busySince.put(deployment.id(), now);
                }
            }
        }
    }

    private void decide(StoredEndpoint endpoint, DeploymentInfo deployment, int from, int to,
            String message) {
        repository.setWantedReplicas(deployment.id(), to);
        repository.insertEvent(endpoint.id(), "scale", message, "autoscaler", OffsetDateTime.now(clock));
        log.info("Endpoint {}: {}", endpoint.name(), message);
    }

    private void watch(RequestOutcome outcome) {
        if (outcome.deploymentId() == 0 || (outcome.status() >= 400 && outcome.status() < 500)) {
            return;
        }
        Deque<Boolean> window = recentErrors.computeIfAbsent(outcome.deploymentId(), id -> new ArrayDeque<>());
        synchronized (window) {
            window.addLast(outcome.serverError());
            if (window.size() > CANARY_WINDOW) {
                window.removeFirst();
            }
        }
    }

    private void rollBackFailingCanary(StoredEndpoint endpoint) {
        EndpointInfo info = endpoints.info(endpoint);
        info.canary().ifPresent(canary -> {
            Deque<Boolean> window = recentErrors.get(canary.id());
            if (window == null) {
                return;
            }
            int count;
            long errors;
            synchronized (window) {
                count = window.size();
                errors = window.stream().filter(Boolean::booleanValue).count();
            }
            double rate = count == 0 ? 0 : errors / (double) count;
            if (count >= CANARY_MIN_REQUESTS && rate > endpoint.settings().rollbackErrorRate()) {
                String reason = String.format(Locale.ROOT, "canary %s failed %d of its last %d requests (%.0f %%,"
                        + " threshold %.0f %%)", canary.label(), errors, count, 100 * rate,
                        100 * endpoint.settings().rollbackErrorRate());
                transactions.executeWithoutResult(status ->
                        endpoints.rollbackAs(endpoint.name(), "autoscaler", reason));
                recentErrors.remove(canary.id());
            }
        });
    }
}
