package dev.llmops.studio.gate;

import dev.llmops.studio.pipeline.GraphNode;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.run.RunDetail;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.TaskDispatcher;
import dev.llmops.studio.run.TaskInfo;
import dev.llmops.studio.run.TaskStatus;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.security.UserDirectory;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Decisions on manual quality gates. Who may decide is set on the Gate step: the users it names, or else everyone
 * holding its approver role. The first decision stands; it is audited and wakes the waiting gate.
 */
@Service
public class GateService {

    static final String NODE_TYPE = "gate";
    static final Role DEFAULT_APPROVER_ROLE = Role.ML_ENGINEER;

    private final GateRepository gates;
    /** Lazily, like the dispatcher: the run service needs the executors, the Gate step among them. */
    private final ObjectProvider<RunService> runs;
    /** Lazily: the dispatcher's executors include the Gate step, which needs this service. */
    private final ObjectProvider<TaskDispatcher> dispatcher;
    private final CurrentUser currentUser;
    private final AuditLog audit;
    private final TransactionTemplate transaction;
    private final Clock clock;

    GateService(GateRepository gates, ObjectProvider<RunService> runs, ObjectProvider<TaskDispatcher> dispatcher,
            CurrentUser currentUser, AuditLog audit, TransactionTemplate transaction, Clock clock) {
        this.gates = gates;
        this.runs = runs;
        this.dispatcher = dispatcher;
        this.currentUser = currentUser;
        this.audit = audit;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** Who may decide a gate, as its step's settings say. */
    public record Approvers(Role role, List<String> users) {

        static Approvers of(Map<String, Object> params) {
            Object role = params.get("approverRole");
            Object users = params.get("approvers");
            return new Approvers(role == null || role.toString().isBlank() ? DEFAULT_APPROVER_ROLE
                    : Role.parse(role.toString()), UserDirectory.parseNames(users == null ? null : users.toString()));
        }

        public String describe() {
            return users.isEmpty() ? "a user with the " + role.label() + " role" : String.join(" or ", users);
        }
    }

    /** The decision on a gate of a run, if one was made. */
    public Optional<GateDecision> decision(long runId, String nodeId) {
        currentUser.require(Permission.RUNS_VIEW);
        return decisionOf(runId, nodeId);
    }

    Optional<GateDecision> decisionOf(long runId, String nodeId) {
        return transaction.execute(status -> gates.decision(runId, nodeId));
    }

    public Approvers approvers(RunDetail run, String nodeId) {
        return Approvers.of(run.graph().node(nodeId).map(GraphNode::params).orElse(Map.of()));
    }

    /** Whether the signed-in user may decide this gate. */
    public boolean mayDecide(RunDetail run, String nodeId) {
        Approvers approvers = approvers(run, nodeId);
        Optional<String> me = currentUser.username();
        if (me.isEmpty()) {
            return false;
        }
        return approvers.users().isEmpty() ? currentUser.roles().contains(approvers.role())
                : approvers.users().contains(me.get());
    }

    /** Approves or rejects a waiting manual gate, as the signed-in user. */
    public GateDecision decide(long runId, String nodeId, boolean approve, String comment) {
        currentUser.require(Permission.RUNS_VIEW);
        RunDetail run = runs.getObject().detail(runId);
        TaskInfo task = run.tasks().stream().filter(t -> t.nodeId().equals(nodeId) && NODE_TYPE.equals(t.nodeType()))
                .findFirst().orElseThrow(() -> new NotFoundException("Run " + runId + " has no gate " + nodeId));
        if (!mayDecide(run, nodeId)) {
            throw new org.springframework.security.access.AccessDeniedException("Only "
                    + approvers(run, nodeId).describe() + " may decide this gate.");
        }
        if (task.status() != TaskStatus.WAITING) {
            throw new InvalidRequestException("nodeId", "The gate “" + task.nodeLabel() + "” is not waiting for a"
                    + " decision (it is " + task.status().name().toLowerCase(Locale.ROOT) + ").");
        }
        String me = currentUser.username().orElseThrow();
        GateDecision decision = new GateDecision(runId, nodeId, approve, me, OffsetDateTime.now(clock),
                comment == null || comment.isBlank() ? null : comment.strip());
        boolean first = Boolean.TRUE.equals(transaction.execute(status -> gates.insert(decision)));
        if (!first) {
            throw new InvalidRequestException("nodeId", "The gate “" + task.nodeLabel() + "” was decided already.");
        }
        audit.recordAs(me, approve ? "gate.approved" : "gate.rejected", "run " + runId + " step " + nodeId,
                run.summary().pipelineName() + (decision.comment() == null ? "" : ": " + decision.comment()));
        dispatcher.getObject().wake(runId, nodeId, (approve ? "approved" : "rejected") + " by " + me);
        return decision;
    }
}
