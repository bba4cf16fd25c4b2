package dev.llmops.studio.security;

import com.vaadin.flow.server.VaadinRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The one way to write and read the audit trail. Writes join the caller's transaction, so an action and its
 * audit event are stored together or not at all.
 */
@Service
public class AuditLog {

    private final AuditRepository repository;
    private final CurrentUser currentUser;
    private final Clock clock;

    AuditLog(AuditRepository repository, CurrentUser currentUser, Clock clock) {
        this.repository = repository;
        this.currentUser = currentUser;
        this.clock = clock;
    }

    /** Records an action by the signed-in user (or "system" when there is none). */
    public void record(String action, String target, String details) {
        recordAs(currentUser.usernameOrSystem(), action, target, details);
    }

    /** Records an action by a named actor, for events where no one is signed in yet (logins). */
    public void recordAs(String actor, String action, String target, String details) {
        repository.insert(OffsetDateTime.now(clock), truncate(actor, 64), action, truncate(target, 200), details,
                clientAddress());
    }

    public List<AuditEntry> search(AuditQuery query, int offset, int limit) {
        currentUser.require(Permission.AUDIT_READ);
        return repository.find(query, offset, limit);
    }

    public int count(AuditQuery query) {
        currentUser.require(Permission.AUDIT_READ);
        return repository.count(query);
    }

    public List<String> knownActions() {
        currentUser.require(Permission.AUDIT_READ);
        return repository.actions();
    }

    private static String clientAddress() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest request = attributes.getRequest();
            return request.getRemoteAddr();
        }
        VaadinRequest vaadinRequest = VaadinRequest.getCurrent();
        return vaadinRequest == null ? null : vaadinRequest.getRemoteAddr();
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
