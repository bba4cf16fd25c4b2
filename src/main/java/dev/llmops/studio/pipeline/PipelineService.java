package dev.llmops.studio.pipeline;

import dev.llmops.studio.platform.ConflictException;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Pipelines and their immutable versions. Every save validates (a graph with issues is kept as a draft), is
 * conditional on the version the editor started from, and is audited. Every change of the newest version (and a
 * delete) publishes {@link PipelineScheduleChanged}, so the run module can keep the pipeline's cron trigger in step.
 */
@Service
public class PipelineService {

    private static final Logger log = LoggerFactory.getLogger(PipelineService.class);

    private final PipelineRepository pipelines;
    private final GraphValidator validator;
    private final CurrentUser currentUser;
    private final AuditLog audit;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    PipelineService(PipelineRepository pipelines, GraphValidator validator, CurrentUser currentUser, AuditLog audit,
            Clock clock, ApplicationEventPublisher events) {
        this.pipelines = pipelines;
        this.validator = validator;
        this.currentUser = currentUser;
        this.audit = audit;
        this.clock = clock;
        this.events = events;
    }

    @Transactional(readOnly = true)
    public List<PipelineSummary> list(String search) {
        currentUser.require(Permission.PIPELINES_VIEW);
        return pipelines.find(search);
    }

    @Transactional(readOnly = true)
    public OpenedPipeline open(long id) {
        currentUser.require(Permission.PIPELINES_VIEW);
        PipelineSummary summary = existing(id);
        PipelineGraph graph = graphOf(id, summary.version());
        return new OpenedPipeline(summary, graph, validator.validate(graph));
    }

    /** Validation without saving, for live feedback while editing. */
    public List<ValidationIssue> validate(PipelineGraph graph) {
        currentUser.require(Permission.PIPELINES_VIEW);
        return validator.validate(graph);
    }

    @Transactional
    public PipelineSummary create(String name, String description, PipelineGraph graph, String message) {
        currentUser.require(Permission.PIPELINES_EDIT);
        String checkedName = checkName(name);
        OffsetDateTime now = now();
        long id = pipelines.insert(checkedName, blankToNull(description), currentUser.usernameOrSystem(), now);
        List<ValidationIssue> issues = validator.validate(graph);
        pipelines.insertVersion(id, 1, PipelineJson.write(graph), currentUser.usernameOrSystem(), now, message,
                issues.size(), graph.nodes().isEmpty() ? "created empty"
                        : "created with " + graph.nodes().size() + " steps");
        audit.record("pipeline.created", checkedName, message);
        events.publishEvent(new PipelineScheduleChanged(id, checkedName, graph.schedule()));
        return existing(id);
    }

    /**
     * Saves a new version on top of {@code baseVersion}.
     *
     * @throws EditConflictException when someone saved a newer version meanwhile; nothing is written then
     */
    @Transactional
    public PipelineSummary save(long id, int baseVersion, PipelineGraph graph, String message) {
        currentUser.require(Permission.PIPELINES_EDIT);
        PipelineSummary summary = existing(id);
        PipelineGraph previous = graphOf(id, summary.version());
        OffsetDateTime now = now();
        if (!pipelines.advance(id, baseVersion, now)) {
            PipelineVersionInfo newer = pipelines.version(id, existing(id).version()).orElseThrow();
            throw new EditConflictException(summary.name(), baseVersion, newer);
        }
        List<ValidationIssue> issues = validator.validate(graph);
        String changes = PipelineDiff.between(previous, graph).summary();
        pipelines.insertVersion(id, baseVersion + 1, PipelineJson.write(graph), currentUser.usernameOrSystem(), now,
                blankToNull(message), issues.size(), changes);
        audit.record("pipeline.saved", summary.name(), "version " + (baseVersion + 1) + ": " + changes);
        events.publishEvent(new PipelineScheduleChanged(id, summary.name(), graph.schedule()));
        return existing(id);
    }

    @Transactional
    public PipelineSummary restore(long id, int version, int baseVersion) {
        currentUser.require(Permission.PIPELINES_EDIT);
        PipelineGraph old = graphOf(id, version);
        PipelineSummary saved = save(id, baseVersion, old, "Restored version " + version);
        audit.record("pipeline.restored", saved.name(), "version " + version + " restored as " + saved.version());
        return saved;
    }

    @Transactional
    public PipelineSummary saveAsCopy(long id, PipelineGraph graph, String newName) {
        PipelineSummary original = existing(id);
        return create(newName, original.description(), graph, "Copied from “" + original.name() + "”");
    }

    @Transactional
    public PipelineSummary duplicate(long id) {
        currentUser.require(Permission.PIPELINES_EDIT);
        PipelineSummary original = existing(id);
        String name = freeName(original.name() + " (copy)");
        return create(name, original.description(), graphOf(id, original.version()),
                "Duplicated from “" + original.name() + "” version " + original.version());
    }

    /** Imports a pipeline file; a file that is not a valid pipeline is refused with every reason found. */
    @Transactional
    public PipelineSummary importJson(String name, String json) {
        currentUser.require(Permission.PIPELINES_EDIT);
        PipelineGraph graph = PipelineJson.read(json);
        PipelineSummary created = create(name, null, graph, "Imported");
        audit.record("pipeline.imported", created.name(), graph.nodes().size() + " steps");
        return created;
    }

    @Transactional(readOnly = true)
    public String exportJson(long id) {
        currentUser.require(Permission.PIPELINES_VIEW);
        return PipelineJson.write(graphOf(id, existing(id).version()));
    }

    @Transactional(readOnly = true)
    public List<PipelineVersionInfo> history(long id) {
        currentUser.require(Permission.PIPELINES_VIEW);
        existing(id);
        return pipelines.versions(id);
    }

    @Transactional(readOnly = true)
    public PipelineGraph version(long id, int version) {
        currentUser.require(Permission.PIPELINES_VIEW);
        return graphOf(id, version);
    }

    @Transactional
    public void delete(long id) {
        currentUser.require(Permission.PIPELINES_EDIT);
        PipelineSummary summary = existing(id);
        pipelines.delete(id);
        audit.record("pipeline.deleted", summary.name(), summary.version() + " versions deleted");
        events.publishEvent(new PipelineScheduleChanged(id, summary.name(), null));
    }

    /**
     * Every pipeline whose newest version has a schedule, for the run module's scheduler. It asks no permission on
     * purpose: the scheduler calls it at start-up, before and outside any user's request, to bring the cluster's
     * cron triggers in line with the stored pipelines; it reveals nothing but ids, names and cron expressions, and
     * is not reachable from a screen or endpoint. A stored graph that can no longer be read is left out (logged).
     */
    @Transactional(readOnly = true)
    public List<ScheduledPipeline> scheduled() {
        List<ScheduledPipeline> scheduled = new ArrayList<>();
        for (PipelineSummary summary : pipelines.find((String) null)) {
            try {
                String schedule = graphOf(summary.id(), summary.version()).schedule();
                if (schedule != null) {
                    scheduled.add(new ScheduledPipeline(summary.id(), summary.name(), schedule));
                }
            } catch (InvalidRequestException | NotFoundException e) {
                log.warn("Pipeline {} (“{}”) version {} cannot be read; its schedule is ignored: {}", summary.id(),
                        summary.name(), summary.version(), e.getMessage());
            }
        }
        return scheduled;
    }

    /** A name not yet used, derived from {@code wanted} ("X", "X 2", "X 3", …). */
    public String freeName(String wanted) {
        String name = wanted.length() > 190 ? wanted.substring(0, 190) : wanted;
        int n = 2;
        String candidate = name;
        while (pipelines.nameTaken(candidate)) {
            candidate = name + " " + n++;
        }
        return candidate;
    }

    private String checkName(String name) {
        String trimmed = name == null ? "" : name.trim();
        if (trimmed.isEmpty() || trimmed.length() > 200) {
            throw new InvalidRequestException("name", "Give the pipeline a name of 1 to 200 characters.");
        }
        if (pipelines.nameTaken(trimmed)) {
            throw new ConflictException("name", "A pipeline named “" + trimmed + "” already exists.");
        }
        return trimmed;
    }

    private PipelineSummary existing(long id) {
        return pipelines.find(id).orElseThrow(() -> new NotFoundException("No pipeline with id " + id + "."));
    }

    private PipelineGraph graphOf(long id, int version) {
        String json = pipelines.graph(id, version)
                .orElseThrow(() -> new NotFoundException("Pipeline " + id + " has no version " + version + "."));
        return PipelineJson.read(json);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
