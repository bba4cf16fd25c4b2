package dev.llmops.studio.serving;

import dev.llmops.studio.platform.ConflictException;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.registry.ModelRegistryService;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.SecretTokens;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Endpoints as people manage them: deploy a model version (new endpoint, rollout or canary), promote or roll back
 * a canary, change settings, stop; API keys. Every change is audited and written to the endpoint's event log.
 */
@Service
public class EndpointService {

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final String KEY_PREFIX = "lsk-";

    private final EndpointRepository repository;
    private final ReplicaCoordinator coordinator;
    private final ReplicaHub hub;
    private final ModelRegistryService registry;
    private final CurrentUser currentUser;
    private final AuditLog audit;
    private final Clock clock;

    EndpointService(EndpointRepository repository, ReplicaCoordinator coordinator, ReplicaHub hub,
            ModelRegistryService registry, CurrentUser currentUser, AuditLog audit, Clock clock) {
        this.repository = repository;
        this.coordinator = coordinator;
        this.hub = hub;
        this.registry = registry;
        this.currentUser = currentUser;
        this.audit = audit;
        this.clock = clock;
    }

    // ---- reading ----

    @Transactional(readOnly = true)
    public List<EndpointInfo> list() {
        currentUser.require(Permission.ENDPOINTS_VIEW);
        return repository.all().stream().map(this::info).toList();
    }

    @Transactional(readOnly = true)
    public EndpointInfo get(String name) {
        currentUser.require(Permission.ENDPOINTS_VIEW);
        return info(existing(name));
    }

    @Transactional(readOnly = true)
    public Optional<EndpointInfo> find(String name) {
        currentUser.require(Permission.ENDPOINTS_VIEW);
        return repository.byName(name).map(this::info);
    }

    /**
     * A random sample of the endpoint's recent answered requests (from its request log), for people to review. For
     * server-side pipeline steps, which act for the run's starter: no permission check here.
     */
    @Transactional(readOnly = true)
    public List<ServedExchange> sampleExchanges(String name, int count, Random random) {
        StoredEndpoint endpoint = existing(name);
        Map<Long, String> labels = new HashMap<>();
        repository.allDeployments(endpoint.id()).forEach(d -> labels.put(d.id(), d.label()));
        List<LoggedRequest> answered = new ArrayList<>(repository.recentRequests(endpoint.id(), Math.max(count, 1) * 5)
                .stream().filter(r -> r.status() == 200 && r.response() != null && r.prompt() != null).toList());
        Collections.shuffle(answered, random);
        return answered.stream().limit(count).map(r -> new ServedExchange(r.at(), r.prompt().strip(), r.response(),
                r.deploymentId() == null ? name : labels.getOrDefault(r.deploymentId(), name))).toList();
    }

    /** Every deployment the endpoint had, newest first. */
    @Transactional(readOnly = true)
    public List<DeploymentInfo> history(String name) {
        currentUser.require(Permission.ENDPOINTS_VIEW);
        return repository.allDeployments(existing(name).id());
    }

    @Transactional(readOnly = true)
    public List<ReplicaInfo> replicas(String name) {
        currentUser.require(Permission.ENDPOINTS_VIEW);
        List<Long> deployments = repository.allDeployments(existing(name).id()).stream()
                .map(DeploymentInfo::id).toList();
        return deployments.isEmpty() ? List.of() : repository.recentReplicas(deployments, 20);
    }

    @Transactional(readOnly = true)
    public List<EndpointEvent> events(String name, int limit) {
        currentUser.require(Permission.ENDPOINTS_VIEW);
        return repository.events(existing(name).id(), limit);
    }

    /** Requests waiting or running per deployment now. */
    public ReplicaHub.DeploymentLoad load(long deploymentId) {
        currentUser.require(Permission.ENDPOINTS_VIEW);
        return hub.load(deploymentId);
    }

    /** For the Deploy step, which acts for a run rather than a signed-in user. */
    @Transactional(readOnly = true)
    Optional<EndpointInfo> infoOf(String name) {
        return repository.byName(name).map(this::info);
    }

    // ---- deploying ----

    /** Deploys as the signed-in user, who needs {@link Permission#ENDPOINTS_DEPLOY}. */
    @Transactional
    public EndpointInfo deploy(DeployCommand command) {
        currentUser.require(Permission.ENDPOINTS_DEPLOY);
        return deployAs(command, currentUser.usernameOrSystem());
    }

    /**
     * Deploys for a pipeline's Deploy step: whoever may run the pipeline may deploy what it built (domain experts
     * deploy from templates this way); recorded under the run's name.
     */
    @Transactional
    public EndpointInfo deployFromPipeline(DeployCommand command, String actor) {
        return deployAs(command, actor);
    }

    private EndpointInfo deployAs(DeployCommand command, String actor) {
        String name = checkedName(command.endpoint());
        if (command.canaryPercent() < 0 || command.canaryPercent() > 100) {
            throw new InvalidRequestException("canaryPercent", "Canary traffic is between 0 and 100 %.");
        }
        ModelVersionInfo version = registry.findVersion(command.modelName(), command.modelVersion())
                .orElseThrow(() -> new NotFoundException("No version " + command.modelVersion() + " of model “"
                        + command.modelName() + "”."));
        OffsetDateTime now = now();
        Optional<StoredEndpoint> existing = repository.lockByName(name);
        long endpointId;
        EndpointSettings settings;
        List<DeploymentInfo> current;
        if (existing.isEmpty()) {
            settings = checked(command.settings() == null ? EndpointSettings.defaults() : command.settings());
            endpointId = repository.insertEndpoint(name, settings, actor, now);
            current = List.of();
        } else {
            endpointId = existing.get().id();
            settings = command.settings() == null ? existing.get().settings()
                    : checked(command.settings());
            repository.updateSettings(endpointId, settings);
            if (existing.get().stoppedAt() != null) {
                repository.setStopped(endpointId, null);
            }
            current = repository.currentDeployments(endpointId);
        }
        boolean sameAsServing = current.size() == 1 && current.get(0).modelVersionId() == version.id()
                && current.get(0).state() == DeploymentState.ACTIVE;
        if (sameAsServing) {
            repository.insertEvent(endpointId, "settings", "Settings changed; " + version.label()
                    + " keeps serving", actor, now);
        } else {
            boolean canary = command.canaryPercent() > 0 && command.canaryPercent() < 100
                    && current.stream().anyMatch(d -> d.state() == DeploymentState.ACTIVE);
            // a rollout or canary not finished yet is replaced by the new one
            Optional<DeploymentInfo> stable = current.stream().filter(d -> d.state() == DeploymentState.ACTIVE)
                    .max((a, b) -> Integer.compare(a.trafficPercent(), b.trafficPercent()));
            for (DeploymentInfo deployment : current) {
                if (stable.isEmpty() || deployment.id() != stable.get().id()) {
                    coordinator.retire(deployment, now);
                }
            }
            stable.ifPresent(s -> repository.updateDeployment(s.id(), DeploymentState.ACTIVE, 100, null));
            repository.insertDeployment(endpointId, version.id(), version.modelName(), version.version(),
                    DeploymentState.STARTING, 0, canary ? command.canaryPercent() : 0, settings.minReplicas(),
                    actor, now);
            repository.insertEvent(endpointId, canary ? "canary" : "deploy", (canary ? "Canary " : "Deploying ")
                    + version.label() + (canary ? " for " + command.canaryPercent() + " % of the traffic" : "")
                    + (stable.isPresent() ? " beside " + stable.get().label() : "") + " by " + actor, actor, now);
        }
        audit.recordAs(actor, "endpoint.deployed", name, version.label()
                + (command.canaryPercent() > 0 ? " as canary " + command.canaryPercent() + " %" : ""));
        coordinator.publishRoute(endpointId);
        afterCommit(coordinator::reconcile);
        return info(repository.byId(endpointId).orElseThrow());
    }

    /** The canary takes all traffic; the version it was tested against leaves. */
    @Transactional
    public EndpointInfo promote(String name) {
        currentUser.require(Permission.ENDPOINTS_DEPLOY);
        StoredEndpoint endpoint = repository.lockByName(name).orElseThrow(() -> notFound(name));
        EndpointInfo info = info(endpoint);
        DeploymentInfo canary = info.canary().orElseThrow(() -> new ConflictException("canary",
                "Endpoint " + name + " has no canary to promote."));
        OffsetDateTime now = now();
        for (DeploymentInfo deployment : info.deployments()) {
            if (deployment.id() != canary.id()) {
                coordinator.retire(deployment, now);
            }
        }
        repository.updateDeployment(canary.id(), DeploymentState.ACTIVE, 100, null);
        String actor = currentUser.usernameOrSystem();
        repository.insertEvent(endpoint.id(), "promote", canary.label() + " promoted to all traffic by " + actor,
                actor, now);
        audit.record("endpoint.promoted", name, canary.label());
        coordinator.publishRoute(endpoint.id());
        afterCommit(coordinator::reconcile);
        return info(endpoint);
    }

    /**
     * Undoes the last change: a canary or a rollout still starting is dropped; otherwise the previous version
     * deploys again (beside the current one, so without downtime).
     */
    @Transactional
    public EndpointInfo rollback(String name) {
        currentUser.require(Permission.ENDPOINTS_DEPLOY);
        return rollbackAs(name, currentUser.usernameOrSystem(), null);
    }

    EndpointInfo rollbackAs(String name, String actor, String reason) {
        StoredEndpoint endpoint = repository.lockByName(name).orElseThrow(() -> notFound(name));
        EndpointInfo info = info(endpoint);
        OffsetDateTime now = now();
        Optional<DeploymentInfo> stable = info.stable();
        List<DeploymentInfo> dropped = info.deployments().stream()
                .filter(d -> stable.isEmpty() || d.id() != stable.get().id()).toList();
        String because = reason == null ? " by " + actor : ": " + reason;
        if (!dropped.isEmpty() && stable.isPresent()) {
            dropped.forEach(d -> coordinator.retire(d, now));
            repository.updateDeployment(stable.get().id(), DeploymentState.ACTIVE, 100, null);
            repository.insertEvent(endpoint.id(), "rollback", "Rolled back to " + stable.get().label()
                    + " (" + dropped.stream().map(DeploymentInfo::label).toList() + " removed)" + because, actor, now);
            audit.recordAs(actor, "endpoint.rolled_back", name, "to " + stable.get().label()
                    + (reason == null ? "" : " automatically: " + reason));
        } else {
            DeploymentInfo previous = repository.allDeployments(endpoint.id()).stream()
                    .filter(d -> d.state() == DeploymentState.RETIRED)
                    .filter(d -> stable.isEmpty() || d.modelVersionId() != stable.get().modelVersionId())
                    .findFirst().orElseThrow(() -> new ConflictException("rollback", "Endpoint " + name
                            + " has no earlier version to roll back to."));
            repository.insertDeployment(endpoint.id(), previous.modelVersionId(), previous.modelName(),
                    previous.modelVersion(), DeploymentState.STARTING, 0, 0, endpoint.settings().minReplicas(), actor, now);
            repository.insertEvent(endpoint.id(), "rollback", "Rolling back to " + previous.label() + because
                    + "; " + stable.map(DeploymentInfo::label).orElse("the current version")
                    + " serves until it is ready", actor, now);
            audit.recordAs(actor, "endpoint.rolled_back", name, "to " + previous.label());
        }
        coordinator.publishRoute(endpoint.id());
        afterCommit(coordinator::reconcile);
        return info(endpoint);
    }

    /** Changes the canary's share of the traffic. */
    @Transactional
    public EndpointInfo setCanaryTraffic(String name, int percent) {
        currentUser.require(Permission.ENDPOINTS_DEPLOY);
        if (percent < 1 || percent > 99) {
            throw new InvalidRequestException("percent", "A canary takes 1 to 99 % of the traffic.");
        }
        StoredEndpoint endpoint = repository.lockByName(name).orElseThrow(() -> notFound(name));
        EndpointInfo info = info(endpoint);
        DeploymentInfo canary = info.canary().orElseThrow(() -> new ConflictException("canary",
                "Endpoint " + name + " has no canary."));
        DeploymentInfo stable = info.stable().orElseThrow();
        repository.updateDeployment(canary.id(), DeploymentState.ACTIVE, percent, null);
        repository.updateDeployment(stable.id(), DeploymentState.ACTIVE, 100 - percent, null);
        String actor = currentUser.usernameOrSystem();
        repository.insertEvent(endpoint.id(), "canary", canary.label() + " now takes " + percent + " %", actor,
                now());
        audit.record("endpoint.traffic_changed", name, canary.label() + " " + percent + " %");
        coordinator.publishRoute(endpoint.id());
        return info(endpoint);
    }

    @Transactional
    public EndpointInfo updateSettings(String name, EndpointSettings settings) {
        currentUser.require(Permission.ENDPOINTS_DEPLOY);
        StoredEndpoint endpoint = repository.lockByName(name).orElseThrow(() -> notFound(name));
        EndpointSettings before = endpoint.settings();
        boolean batchingChanged = before.maxBatchSize() != settings.maxBatchSize()
                || before.maxBatchDelayMs() != settings.maxBatchDelayMs();
        List<DeploymentInfo> current = repository.currentDeployments(endpoint.id());
        if (batchingChanged && current.size() > 1) {
            throw new ConflictException("settings", "Batching changes start new replicas; promote or roll back the"
                    + " version beside " + current.get(0).label() + " first.");
        }
        repository.updateSettings(endpoint.id(), checked(settings));
        for (DeploymentInfo deployment : current) {
            int wanted = Math.max(settings.minReplicas(), Math.min(settings.maxReplicas(), deployment.replicas()));
            repository.setWantedReplicas(deployment.id(), wanted);
        }
        String actor = currentUser.usernameOrSystem();
        repository.insertEvent(endpoint.id(), "settings", "Settings changed by " + actor + ": replicas "
                + settings.minReplicas() + "–" + settings.maxReplicas() + ", batch " + settings.maxBatchSize()
                + ", max tokens " + settings.maxTokens(), actor, now());
        if (batchingChanged && current.size() == 1 && endpoint.stoppedAt() == null) {
            // a replica batches as it was started: the version starts again beside itself and takes over when ready
            DeploymentInfo serving = current.get(0);
            repository.insertDeployment(endpoint.id(), serving.modelVersionId(), serving.modelName(),
                    serving.modelVersion(), DeploymentState.STARTING, 0, 0, settings.minReplicas(), actor, now());
            repository.insertEvent(endpoint.id(), "deploy", "Restarting " + serving.label() + " with the new"
                    + " batching beside the running replicas (no downtime)", actor, now());
            coordinator.publishRoute(endpoint.id());
        }
        audit.record("endpoint.settings_changed", name, settings.toString());
        afterCommit(coordinator::reconcile);
        return info(repository.byId(endpoint.id()).orElseThrow());
    }

    /** Stops serving: requests get 404, replicas finish what they hold. The endpoint can be deployed again. */
    @Transactional
    public void stop(String name) {
        currentUser.require(Permission.ENDPOINTS_DEPLOY);
        StoredEndpoint endpoint = repository.lockByName(name).orElseThrow(() -> notFound(name));
        OffsetDateTime now = now();
        repository.currentDeployments(endpoint.id()).forEach(d -> coordinator.retire(d, now));
        repository.setStopped(endpoint.id(), now);
        String actor = currentUser.usernameOrSystem();
        repository.insertEvent(endpoint.id(), "stop", "Stopped by " + actor, actor, now);
        audit.record("endpoint.stopped", name, null);
        hub.unroute(name);
    }

    // ---- API keys ----

    @Transactional(readOnly = true)
    public List<ApiKeyInfo> keys(String name) {
        currentUser.require(Permission.ENDPOINTS_VIEW);
        return repository.keys(existing(name).id());
    }

    /** A new key for the endpoint; {@code null} limits mean unlimited. */
    @Transactional
    public CreatedApiKey createKey(String name, String keyName, Integer requestsPerMinute, Integer tokensPerMinute) {
        currentUser.require(Permission.ENDPOINTS_KEYS);
        StoredEndpoint endpoint = existing(name);
        String checkedName = SecretTokens.checkedName(keyName, "“support bot”");
        if ((requestsPerMinute != null && requestsPerMinute < 1) || (tokensPerMinute != null && tokensPerMinute < 1)) {
            throw new InvalidRequestException("limits", "Rate limits are at least 1 per minute, or empty for none.");
        }
        String secret = SecretTokens.generate(KEY_PREFIX);
        String actor = currentUser.usernameOrSystem();
        long id = repository.insertKey(endpoint.id(), checkedName, SecretTokens.visiblePrefix(secret),
                SecretTokens.sha256(secret), requestsPerMinute, tokensPerMinute, actor, now());
        audit.record("endpoint.key_created", name, checkedName);
        return new CreatedApiKey(secret, repository.key(id).orElseThrow());
    }

    @Transactional
    public void revokeKey(String name, long keyId) {
        currentUser.require(Permission.ENDPOINTS_KEYS);
        StoredEndpoint endpoint = existing(name);
        ApiKeyInfo key = repository.key(keyId).filter(k -> k.endpointId() == endpoint.id())
                .orElseThrow(() -> new NotFoundException("No key " + keyId + " on endpoint " + name + "."));
        repository.revokeKey(keyId, now());
        audit.record("endpoint.key_revoked", name, key.name());
    }

    // ---- helpers ----

    EndpointInfo info(StoredEndpoint endpoint) {
        List<DeploymentInfo> deployments = repository.currentDeployments(endpoint.id());
        int ready = 0;
        int wanted = 0;
        boolean failing = false;
        for (DeploymentInfo deployment : deployments) {
            List<ReplicaInfo> replicas = repository.replicasOf(deployment.id());
            ready += (int) replicas.stream().filter(r -> r.state() == ReplicaState.READY).count();
            wanted += deployment.replicas();
            long failedUnready = replicas.stream().filter(r -> r.state() == ReplicaState.FAILED
                    && r.readyAt() == null).count();
            failing |= failedUnready >= ReplicaCoordinator.FAILURES_BEFORE_GIVING_UP
                    && replicas.stream().noneMatch(r -> r.state().live());
        }
        EndpointStatus status;
        if (endpoint.stoppedAt() != null) {
            status = EndpointStatus.STOPPED;
        } else if (ready == 0) {
            status = failing ? EndpointStatus.FAILED : EndpointStatus.DEPLOYING;
        } else {
            status = ready >= wanted ? EndpointStatus.READY : EndpointStatus.DEGRADED;
        }
        return new EndpointInfo(endpoint.id(), endpoint.name(), endpoint.settings(), status,
                deployments, ready, wanted, endpoint.createdBy(), endpoint.createdAt(),
                endpoint.stoppedAt());
    }

    private StoredEndpoint existing(String name) {
        return repository.byName(name).orElseThrow(() -> notFound(name));
    }

    private static NotFoundException notFound(String name) {
        return new NotFoundException("No endpoint “" + name + "”.");
    }

    private static String checkedName(String name) {
        String trimmed = name == null ? "" : name.trim();
        if (!NAME.matcher(trimmed).matches()) {
            throw new InvalidRequestException("endpoint", "An endpoint name is 1 to 63 lower-case letters, digits"
                    + " and dashes, starting with a letter or digit (it is the `model` clients send), e.g."
                    + " support-assistant.");
        }
        return trimmed;
    }

    private static EndpointSettings checked(EndpointSettings settings) {
        List<String> problems = new ArrayList<>(settings.problems());
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("settings", String.join(" ", problems));
        }
        return settings;
    }

    private static void afterCommit(Runnable action) {
        if (org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()) {
            org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                    new org.springframework.transaction.support.TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            action.run();
                        }
                    });
        } else {
            action.run();
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
