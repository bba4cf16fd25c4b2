package dev.llmops.studio.worker;

import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The workers screen's operations; a worker checks its state before every lease, so changes apply at once. */
@Service
public class WorkerService {

    private final WorkerRepository workers;
    private final CurrentUser currentUser;
    private final AuditLog audit;

    WorkerService(WorkerRepository workers, CurrentUser currentUser, AuditLog audit) {
        this.workers = workers;
        this.currentUser = currentUser;
        this.audit = audit;
    }

    @Transactional(readOnly = true)
    public List<WorkerInfo> list() {
        currentUser.require(Permission.WORKERS_MANAGE);
        return workers.all();
    }

    /** ONLINE (take tasks), DRAINING (finish held tasks, take no more) or DISABLED (take none). */
    @Transactional
    public void setState(String workerId, WorkerState state) {
        currentUser.require(Permission.WORKERS_MANAGE);
        if (state == WorkerState.OFFLINE) {
            throw new IllegalArgumentException("OFFLINE is set by the worker itself when it stops");
        }
        if (!workers.setState(workerId, state)) {
            throw new NotFoundException("No worker " + workerId + ".");
        }
        audit.record("worker." + state.name().toLowerCase(), workerId, null);
    }
}
