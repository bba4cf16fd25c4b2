package dev.llmops.studio.serving;

import dev.llmops.studio.registry.ModelRegistryService;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps replicas where the endpoints want them: creates the ones missing, drains the extra ones, replaces the
 * failed ones (unless a version keeps failing), switches traffic to a new version once its replicas are ready,
 * and answers workers: which replicas to run, their model, their work. The worker module calls this, never the
 * tables.
 */
@Service
public class ReplicaCoordinator {

    private static final Logger log = LoggerFactory.getLogger(ReplicaCoordinator.class);
    /** Replica failures of one deployment, with none ready since, after which no replacement is made. */
    static final int FAILURES_BEFORE_GIVING_UP = 3;
    static final String SYSTEM = "system";

    private final EndpointRepository repository;
    private final ReplicaHub hub;
    private final ModelRegistryService registry;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Duration spreadGrace;

    ReplicaCoordinator(EndpointRepository repository, ReplicaHub hub, ModelRegistryService registry,
            TransactionTemplate transactions, Clock clock,
            @Value("${studio.serving.spread-grace:3s}") Duration spreadGrace) {
        this.repository = repository;
        this.hub = hub;
        this.registry = registry;
        this.transactions = transactions;
        this.clock = clock;
        this.spreadGrace = spreadGrace;
        hub.onLost(lost -> {
            transactions.executeWithoutResult(status -> {
                if (repository.setReplicaState(lost.replicaId(), ReplicaState.FAILED, lost.reason(), now())) {
                    repository.deployment(lost.deploymentId()).ifPresent(deployment -> repository.insertEvent(
                            deployment.endpointId(), "replica", "Replica " + lost.replicaId() + " of "
                                    + deployment.label() + " " + lost.reason() + "; its requests went to other"
                                    + " replicas", SYSTEM, now()));
                }
            });
            reconcile();
        });
    }

    /**
     * Replicas left from before a restart hold requests of a server that is gone: they are stopped, and the
     * endpoints get fresh ones.
     */
    @EventListener(ApplicationReadyEvent.class)
    void resumeEndpoints() {
        transactions.executeWithoutResult(status -> {
            for (ReplicaInfo replica : repository.unended()) {
                repository.setReplicaState(replica.id(), ReplicaState.STOPPED, "the server restarted", now());
            }
        });
        for (StoredEndpoint endpoint : repository.running()) {
            publishRoute(endpoint.id());
        }
        reconcile();
    }

    // ---- for workers ----

    /** The replicas the worker should run now; places waiting replicas on it first. */
    public List<ReplicaAssignment> assignments(String workerId) {
        List<ReplicaInfo> hosted = transactions.execute(status -> {
            List<ReplicaInfo> current = new ArrayList<>(repository.replicasOnWorker(workerId));
            Set<Long> deploymentsHere = new HashSet<>();
            current.forEach(replica -> deploymentsHere.add(replica.deploymentId()));
            OffsetDateTime now = now();
            for (ReplicaInfo pending : repository.lockPending()) {
                // a second copy of a version goes to the same worker only when no other worker took it in time
                boolean spread = deploymentsHere.contains(pending.deploymentId())
                        && pending.createdAt().plus(spreadGrace).isAfter(now);
                if (!spread) {
                    repository.assign(pending.id(), workerId, now);
                    deploymentsHere.add(pending.deploymentId());
                    current.add(repository.replica(pending.id()).orElseThrow());
                }
            }
            return current;
        });
        List<ReplicaAssignment> assignments = new ArrayList<>();
        for (ReplicaInfo replica : hosted) {
            assignment(replica).ifPresent(assignments::add);
        }
        return assignments;
    }

    private Optional<ReplicaAssignment> assignment(ReplicaInfo replica) {
        return repository.deployment(replica.deploymentId()).flatMap(deployment -> repository
                .byId(deployment.endpointId()).flatMap(endpoint -> registry.versionById(deployment.modelVersionId())
                        .map(version -> new ReplicaAssignment(replica.id(), deployment.id(), endpoint.name(),
                                deployment.label(), version.artifact(), endpoint.settings().maxBatchSize(),
                                endpoint.settings().maxBatchDelayMs()))));
    }

    /** The decrypted model package of a replica the worker runs. */
    public InputStream modelPackage(String workerId, long replicaId) throws IOException {
        ReplicaInfo replica = ownReplica(workerId, replicaId);
        DeploymentInfo deployment = repository.deployment(replica.deploymentId()).orElseThrow();
        return registry.openForServing(deployment.modelVersionId());
    }

    public void report(String workerId, long replicaId, ReplicaState state, String message) {
        ReplicaInfo replica = ownReplica(workerId, replicaId);
        DeploymentInfo deployment = repository.deployment(replica.deploymentId()).orElseThrow();
        switch (state) {
            case READY -> {
                // a replica drained while it was loading stays drained: its next request for work stops it
                boolean ready = replica.state() == ReplicaState.LOADING && Boolean.TRUE.equals(transactions
                        .execute(status -> repository.setReplicaState(replicaId, ReplicaState.READY, message,
                                now())));
                if (ready) {
                    String endpoint = repository.byId(deployment.endpointId()).orElseThrow().name();
                    hub.replicaReady(replicaId, deployment.id(), endpoint, workerId);
                    reconcile();
                }
            }
            case FAILED -> {
                hub.forget(replicaId);
                transactions.executeWithoutResult(status -> {
                    if (repository.setReplicaState(replicaId, ReplicaState.FAILED, message, now())) {
                        repository.insertEvent(deployment.endpointId(), "replica", "Replica " + replicaId + " of "
                                + deployment.label() + " on " + workerId + " failed: " + message, SYSTEM, now());
                    }
                });
                reconcile();
            }
            case STOPPED -> {
                hub.forget(replicaId);
                transactions.executeWithoutResult(status ->
                        repository.setReplicaState(replicaId, ReplicaState.STOPPED, message, now()));
            }
            case LOADING -> transactions.executeWithoutResult(status ->
                    repository.setReplicaState(replicaId, ReplicaState.LOADING, message, now()));
            default -> throw new IllegalArgumentException("A replica reports LOADING, READY, FAILED or STOPPED.");
        }
    }

    /**
     * Up to {@code capacity} new requests for a replica (its free batch slots); tells replicas this server no
     * longer routes to (ended, drained, restarted) to stop.
     */
    public ReplicaWork work(String workerId, long replicaId, int capacity, Duration wait) throws InterruptedException {
        if (hub.isLive(replicaId)) {
            return hub.take(replicaId, capacity, wait);
        }
        Optional<ReplicaInfo> replica = repository.replica(replicaId);
        if (replica.isEmpty() || !workerId.equals(replica.get().workerId())
                || replica.get().state() != ReplicaState.LOADING) {
            return ReplicaWork.STOP;
        }
        Thread.sleep(Math.min(wait.toMillis(), 200));
        return ReplicaWork.NONE;
    }

    public void events(String workerId, long replicaId, List<ReplicaEvent> events) {
        hub.events(replicaId, events);
    }

    private ReplicaInfo ownReplica(String workerId, long replicaId) {
        ReplicaInfo replica = repository.replica(replicaId)
                .orElseThrow(() -> new dev.llmops.studio.platform.NotFoundException("No replica " + replicaId));
        if (!workerId.equals(replica.workerId())) {
            throw new dev.llmops.studio.platform.NotFoundException("Replica " + replicaId + " is not assigned to "
                    + workerId);
        }
        return replica;
    }

    // ---- keeping endpoints as wanted ----

    /** Brings every running endpoint's replicas and traffic in line with its deployments. */
    public synchronized void reconcile() {
        for (StoredEndpoint endpoint : repository.running()) {
            try {
                transactions.executeWithoutResult(status -> reconcile(endpoint.id()));
            } catch (RuntimeException e) {
                log.warn("Reconciling endpoint {} failed: {}", endpoint.name(), e.toString());
            }
        }
    }

    private void reconcile(long endpointId) {
        List<DeploymentInfo> deployments = repository.currentDeployments(endpointId);
        boolean routesChanged = false;
        for (DeploymentInfo deployment : deployments) {
            List<ReplicaInfo> replicas = repository.replicasOf(deployment.id());
            List<ReplicaInfo> live = replicas.stream().filter(r -> r.state().live()).toList();
            if (live.size() < deployment.replicas()) {
                if (failingWithoutRecovery(replicas)) {
                    continue;
                }
                for (int i = live.size(); i < deployment.replicas(); i++) {
                    repository.insertReplica(deployment.id(), now());
                }
            } else if (live.size() > deployment.replicas()) {
                // pending ones go first, then the newest running ones
                List<ReplicaInfo> extra = new ArrayList<>(live);
                extra.sort((a, b) -> a.state() == b.state() ? Long.compare(b.id(), a.id())
                        : a.state() == ReplicaState.PENDING ? -1 : b.state() == ReplicaState.PENDING ? 1
                        : Long.compare(b.id(), a.id()));
                extra.subList(0, live.size() - deployment.replicas()).forEach(this::retireReplica);
            }
            long ready = replicas.stream().filter(r -> r.state() == ReplicaState.READY).count();
            if (deployment.state() == DeploymentState.STARTING && ready >= deployment.replicas()) {
                activate(endpointId, deployment, deployments);
                routesChanged = true;
            }
        }
        if (routesChanged) {
            publishRoute(endpointId);
        }
    }

    private boolean failingWithoutRecovery(List<ReplicaInfo> replicas) {
        int failuresSinceReady = 0;
        for (int i = replicas.size() - 1; i >= 0; i--) {
            ReplicaInfo replica = replicas.get(i);
            if (replica.readyAt() != null && replica.state() != ReplicaState.FAILED) {
                break;
            }
            if (replica.state() == ReplicaState.FAILED && replica.readyAt() == null) {
                failuresSinceReady++;
            }
        }
        return failuresSinceReady >= FAILURES_BEFORE_GIVING_UP;
    }

    /** A new version's replicas are all ready: it takes its traffic, and what it replaces leaves. */
    private void activate(long endpointId, DeploymentInfo starting, List<DeploymentInfo> deployments) {
        Optional<DeploymentInfo> stable = deployments.stream()
                .filter(d -> d.state() == DeploymentState.ACTIVE && d.id() != starting.id())
                .max((a, b) -> Integer.compare(a.trafficPercent(), b.trafficPercent()));
        OffsetDateTime now = now();
        if (starting.canaryPercent() > 0 && starting.canaryPercent() < 100 && stable.isPresent()) {
            repository.updateDeployment(starting.id(), DeploymentState.ACTIVE, starting.canaryPercent(), null);
            repository.updateDeployment(stable.get().id(), DeploymentState.ACTIVE, 100 - starting.canaryPercent(),
                    null);
            repository.insertEvent(endpointId, "canary", starting.label() + " is ready and takes "
                    + starting.canaryPercent() + " % of the traffic; " + stable.get().label() + " keeps "
                    + (100 - starting.canaryPercent()) + " %", SYSTEM, now);
            return;
        }
        repository.updateDeployment(starting.id(), DeploymentState.ACTIVE, 100, null);
        for (DeploymentInfo other : deployments) {
            if (other.id() != starting.id()) {
                retire(other, now);
            }
        }
        repository.insertEvent(endpointId, "deploy", starting.label() + " is ready and takes all traffic"
                + stable.map(s -> "; " + s.label() + " was replaced without downtime").orElse(""), SYSTEM, now);
    }

    /** Takes a deployment out of traffic; its replicas finish what they hold and stop. */
    void retire(DeploymentInfo deployment, OffsetDateTime now) {
        repository.updateDeployment(deployment.id(), DeploymentState.RETIRED, 0, now);
        repository.replicasOf(deployment.id()).stream().filter(r -> r.state().live())
                .forEach(this::retireReplica);
    }

    private void retireReplica(ReplicaInfo replica) {
        if (replica.state() == ReplicaState.PENDING) {
            repository.setReplicaState(replica.id(), ReplicaState.STOPPED, "not needed any more", now());
        } else {
            repository.setReplicaState(replica.id(), ReplicaState.DRAINING, "finishing its requests", now());
            hub.drain(replica.id());
        }
    }

    /** Tells the hub the endpoint's current traffic split. */
    void publishRoute(long endpointId) {
        StoredEndpoint endpoint = repository.byId(endpointId).orElseThrow();
        if (endpoint.stoppedAt() != null) {
            hub.unroute(endpoint.name());
            return;
        }
        List<ReplicaHub.DeploymentRoute> routes = repository.currentDeployments(endpointId).stream()
                .map(d -> new ReplicaHub.DeploymentRoute(d.id(), d.label(), d.trafficPercent())).toList();
        hub.route(new ReplicaHub.EndpointRoute(endpointId, endpoint.name(), routes));
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
