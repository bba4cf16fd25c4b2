package dev.llmops.studio.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.studio.artifact.ArtifactRef;
import dev.llmops.studio.artifact.ArtifactStore;
import dev.llmops.studio.model.CheckpointFormatException;
import dev.llmops.studio.model.HuggingFaceImport;
import dev.llmops.studio.model.ModelPackages;
import dev.llmops.studio.platform.ConflictException;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.run.StepSucceeded;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Registers model versions, moves aliases, edits notes, hands out weights and deletes unused versions; every
 * change and every download is audited.
 */
@Service
public class ModelRegistryService {

    public static final String CANDIDATE = "candidate";
    public static final String PRODUCTION = "production";
    static final Set<String> ALIASES = Set.of(CANDIDATE, PRODUCTION);

    private static final Logger log = LoggerFactory.getLogger(ModelRegistryService.class);

    private final ModelRegistryRepository registry;
    private final ArtifactStore artifacts;
    private final ModelFiles files;
    private final List<ModelVersionUsage> usages;
    private final CurrentUser currentUser;
    private final AuditLog audit;
    private final Clock clock;

    ModelRegistryService(ModelRegistryRepository registry, ArtifactStore artifacts, ModelFiles files,
            List<ModelVersionUsage> usages, CurrentUser currentUser, AuditLog audit, Clock clock) {
        this.registry = registry;
        this.artifacts = artifacts;
        this.files = files;
        this.usages = usages;
        this.currentUser = currentUser;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Registers the MODEL output of a successful step as a new version, once: the model is named by the step's
     * "Registered model name" parameter, else after the registered model it was made from (a quantized or
     * fine-tuned version stays in its family), else after the pipeline. A model already registered (passed on
     * unchanged) is not registered again.
     */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public Optional<ModelVersionInfo> registerStepOutput(StepSucceeded step, String artifact) {
        // a step that passes a model on unchanged (a quality gate) adds no version: it is the same model
        if (registry.versionIdByRunStep(step.runId(), step.nodeId()).isPresent()
                || registry.versionIdByArtifact(artifact).isPresent()) {
            return Optional.empty();
        }
        ArtifactRef ref = ArtifactRef.parse(artifact);
        Path plain = artifacts.file(ref);
        ModelPackages.Description description;
        try {
            description = ModelPackages.describe(plain);
        } catch (IOException e) {
            log.warn("Step {} of run {} output {} is not a model package; not registered: {}", step.nodeId(),
                    step.runId(), artifact, e.getMessage());
            return Optional.empty();
        }
        Long baseVersionId = step.inputs().values().stream().map(registry::versionIdByArtifact)
                .flatMap(Optional::stream).findFirst().orElse(null);
        String name = modelName(step, baseVersionId);
        long id = register(name, ref, plain, description, "RUN", step.runId(), step.nodeId(), step.nodeLabel(),
                baseVersionId, step.startedBy(), "from step “" + step.nodeLabel() + "” of run " + step.runId());
        return registry.versionById(id);
    }

    /**
     * Imports a Hugging Face Llama-family checkpoint (a zip of its folder) as a new version of {@code modelName}:
     * refused with the reason when the engine cannot load it.
     */
    @Transactional
    public ModelVersionInfo importHuggingFace(String modelName, Path upload, String fileName) throws IOException {
        currentUser.require(Permission.MODELS_EDIT);
        String name = checkedName(modelName == null ? "" : modelName.trim());
        Path packaged = java.nio.file.Files.createTempFile("imported-model-", ".zip");
        try {
            ModelPackages.Description description;
            try {
                description = HuggingFaceImport.importZip(upload, fileName, packaged);
            } catch (CheckpointFormatException e) {
                throw new InvalidRequestException("file", fileName + ": " + e.getMessage());
            }
            ArtifactRef ref = artifacts.put(packaged);
            long id = register(name, ref, artifacts.file(ref), description, "IMPORT", null, null, null, null,
                    currentUser.usernameOrSystem(), "imported from " + fileName);
            return registry.versionById(id).orElseThrow();
        } finally {
            java.nio.file.Files.deleteIfExists(packaged);
        }
    }

    private long register(String name, ArtifactRef ref, Path plain, ModelPackages.Description description,
            String sourceKind, Long runId, String nodeId, String nodeLabel, Long baseVersionId, String who,
            String how) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        long modelId = registry.lockOrCreateModel(name, who, now);
        int version = registry.nextVersion(modelId);
        String stored;
        try {
            stored = files.put(plain);
        } catch (IOException e) {
            throw new UncheckedIOException("could not store " + name + " v" + version, e);
        }
        JsonNode lineage = description.metadata().path("lineage");
        long id = registry.insertVersion(new ModelRegistryRepository.NewVersion(modelId, version, ref.toString(),
                stored, artifacts.size(ref), description.format(), description.parameters(),
                description.quantization(), description.method(), sourceKind, runId, nodeId, nodeLabel,
                baseVersionId, lineage.path("dataset").isTextual() ? lineage.path("dataset").asText() : null,
                description.metadata(), who, now));
        audit.recordAs(who, "model.registered", name + " v" + version, how + " (" + description.quantization()
                + ", " + description.parameters() + " parameters)");
        return id;
    }

    private String modelName(StepSucceeded step, Long baseVersionId) {
        Object given = step.params().get("modelName");
        if (given != null && !given.toString().isBlank()) {
            return checkedName(given.toString().trim());
        }
        if (baseVersionId != null) {
            return registry.modelNameOfVersion(baseVersionId).orElseThrow();
        }
        return checkedName(step.pipelineName());
    }

    private static String checkedName(String name) {
        String trimmed = name.length() > 200 ? name.substring(0, 200) : name;
        if (trimmed.isBlank()) {
            throw new InvalidRequestException("modelName", "A model needs a name.");
        }
        return trimmed;
    }

    @Transactional(readOnly = true)
    public List<RegisteredModel> list(String search) {
        currentUser.require(Permission.MODELS_VIEW);
        return registry.models(search);
    }

    @Transactional(readOnly = true)
    public List<ModelVersionInfo> versions(String modelName) {
        currentUser.require(Permission.MODELS_VIEW);
        List<ModelVersionInfo> versions = registry.versions(modelName);
        if (versions.isEmpty()) {
            throw new NotFoundException("No model “" + modelName + "”.");
        }
        return versions;
    }

    @Transactional(readOnly = true)
    public ModelVersionInfo version(String modelName, int version) {
        currentUser.require(Permission.MODELS_VIEW);
        return existing(modelName, version);
    }

    /**
     * Points an alias at a version. {@code production} needs {@link Permission#MODELS_PROMOTE}; {@code candidate}
     * needs {@link Permission#MODELS_EDIT}. Audited with the version it moved from.
     */
    @Transactional
    public ModelVersionInfo setAlias(String modelName, int version, String alias) {
        String normalized = alias == null ? "" : alias.trim().toLowerCase(Locale.ROOT);
        if (!ALIASES.contains(normalized)) {
            throw new InvalidRequestException("alias", "Alias must be one of " + ALIASES + ".");
        }
        currentUser.require(normalized.equals(PRODUCTION) ? Permission.MODELS_PROMOTE : Permission.MODELS_EDIT);
        ModelVersionInfo target = existing(modelName, version);
        String who = currentUser.usernameOrSystem();
        Optional<Integer> previous = registry.setAlias(registry.modelId(target.id()), normalized, target.id(), who,
                OffsetDateTime.now(clock));
        audit.record(normalized.equals(PRODUCTION) ? "model.promoted" : "model.alias_set", target.label(),
                normalized + (previous.isPresent() ? " moved from v" + previous.get() : " set"));
        return registry.versionById(target.id()).orElseThrow();
    }

    @Transactional
    public ModelVersionInfo setNotes(String modelName, int version, String notes) {
        currentUser.require(Permission.MODELS_EDIT);
        ModelVersionInfo target = existing(modelName, version);
        String text = notes == null || notes.isBlank() ? null : notes.strip();
        if (text != null && text.length() > 20_000) {
            throw new InvalidRequestException("notes", "Notes are limited to 20,000 characters.");
        }
        registry.setNotes(target.id(), text);
        audit.record("model.notes_edited", target.label(), text == null ? "cleared" : text.length() + " characters");
        return registry.versionById(target.id()).orElseThrow();
    }

    /** The decrypted package, for a download; needs {@link Permission#MODELS_DOWNLOAD} and is audited. */
    @Transactional
    public InputStream download(String modelName, int version) throws IOException {
        currentUser.require(Permission.MODELS_DOWNLOAD);
        ModelVersionInfo target = existing(modelName, version);
        audit.record("model.downloaded", target.label(), target.sizeBytes() + " bytes");
        return files.open(registry.storedRef(target.id()).orElseThrow());
    }

    /**
     * The decrypted package of a version for a feature that runs it (a serving replica), not for a person: the
     * deployment that needs it was authorised and audited where it was made, so this checks nothing itself.
     */
    @Transactional(readOnly = true)
    public InputStream openForServing(long versionId) throws IOException {
        String storedRef = registry.storedRef(versionId)
                .orElseThrow(() -> new NotFoundException("Model version " + versionId + " has no stored package."));
        return files.open(storedRef);
    }

    /** A version without a permission check, for features acting for someone already authorised (a run). */
    @Transactional(readOnly = true)
    public Optional<ModelVersionInfo> findVersion(String modelName, int version) {
        return registry.version(modelName, version);
    }

    /**
     * The version registered for a step's model output, waiting up to {@code wait}: the registry registers it when
     * that step succeeds, and the next step may start a moment before. Empty when it did not appear in time or
     * {@code giveUp} says so (a cancelled step).
     */
    public Optional<ModelVersionInfo> awaitByArtifact(String artifact, Duration wait, BooleanSupplier giveUp)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        Optional<ModelVersionInfo> version = findByArtifact(artifact);
        while (version.isEmpty() && System.nanoTime() < deadline && !giveUp.getAsBoolean()) {
            Thread.sleep(250);
            version = findByArtifact(artifact);
        }
        return version;
    }

    /** The newest version registered from a package with this address (a step's MODEL output), unchecked. */
    @Transactional(readOnly = true)
    public Optional<ModelVersionInfo> findByArtifact(String artifact) {
        return registry.versionIdByArtifact(artifact).flatMap(registry::versionById);
    }

    /** A version by its id, without a permission check, for features that hold the id of a version they use. */
    @Transactional(readOnly = true)
    public Optional<ModelVersionInfo> versionById(long versionId) {
        return registry.versionById(versionId);
    }

    /** Deletes a version and its stored file; refused while something (an endpoint) uses it. */
    @Transactional
    public void delete(String modelName, int version) throws IOException {
        currentUser.require(Permission.MODELS_EDIT);
        ModelVersionInfo target = existing(modelName, version);
        List<String> uses = new ArrayList<>();
        usages.forEach(usage -> uses.addAll(usage.usesOf(modelName, version)));
        if (!uses.isEmpty()) {
            throw new ConflictException(null, target.label() + " is in use by " + String.join(", ", uses)
                    + "; undeploy it first.");
        }
        String stored = registry.storedRef(target.id()).orElse(null);
        registry.deleteVersion(target.id());
        if (stored != null && !registry.storedRefStillUsed(stored)) {
            files.delete(stored);
        }
        audit.record("model.deleted", target.label(), "with its stored file");
    }

    /** Deletes the artifact-store copies of the packages a finished run registered; returns how many. */
    public int removePlaintextPackages(long runId) throws IOException {
        int removed = 0;
        for (String artifact : registry.artifactsOfRun(runId)) {
            if (artifacts.delete(ArtifactRef.parse(artifact))) {
                removed++;
            }
        }
        return removed;
    }

    /** The generated model card of a version, as Markdown. */
    @Transactional(readOnly = true)
    public String card(String modelName, int version) {
        currentUser.require(Permission.MODELS_VIEW);
        return ModelCards.markdown(existing(modelName, version));
    }

    private ModelVersionInfo existing(String modelName, int version) {
        return registry.version(modelName, version)
                .orElseThrow(() -> new NotFoundException("No version " + version + " of model “" + modelName + "”."));
    }
}
