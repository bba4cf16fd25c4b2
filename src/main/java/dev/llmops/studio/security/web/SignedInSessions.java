package dev.llmops.studio.security.web;

import dev.llmops.studio.security.users.UserAccessChanged;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.session.SessionRegistryImpl;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.web.session.SessionInformationExpiredEvent;
import org.springframework.security.web.session.SessionInformationExpiredStrategy;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Tracks UI sessions so that disabling a user or changing their roles ends the sessions they signed in with
 * (their authorities were fixed at sign-in). API tokens need no such step: they are checked on every request.
 * The registry is per server; a cluster would need shared sessions (Spring Session JDBC) for this to reach
 * sessions held by other servers.
 */
@Component
class SignedInSessions implements SessionInformationExpiredStrategy {

    /** What Vaadin's client understands as "session expired": it reloads, and the reload lands on sign-in. */
    private static final String VAADIN_SESSION_EXPIRED = "for(;;);[{\"meta\":{\"sessionExpired\":true}}]";

    private final SessionRegistry registry = new SessionRegistryImpl();

    SessionRegistry registry() {
        return registry;
    }

    @TransactionalEventListener
    void on(UserAccessChanged change) {
        for (Object principal : registry.getAllPrincipals()) {
            String name = principal instanceof UserDetails user ? user.getUsername() : String.valueOf(principal);
            if (name.equals(change.username())) {
                registry.getAllSessions(principal, false).forEach(SessionInformation::expireNow);
            }
        }
    }

    @Override
    public void onExpiredSessionDetected(SessionInformationExpiredEvent event) throws IOException {
        HttpServletRequest request = event.getRequest();
        HttpServletResponse response = event.getResponse();
        if ("uidl".equals(request.getParameter("v-r"))) {
            response.setContentType("application/json");
            response.getOutputStream().write(VAADIN_SESSION_EXPIRED.getBytes(StandardCharsets.UTF_8));
        } else {
            response.sendRedirect(request.getContextPath() + "/login");
        }
    }
}
