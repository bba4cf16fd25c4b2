package dev.llmops.studio.support;

import dev.llmops.studio.security.Authorities;
import dev.llmops.studio.security.Role;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;

/** Runs service calls as a signed-in user with the authorities the real sign-in would grant. */
public final class SignedIn {

    private SignedIn() {
    }

    public static <T> T as(String username, List<Role> roles, Callable<T> action) {
        SecurityContext previous = SecurityContextHolder.getContext();
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(
                UsernamePasswordAuthenticationToken.authenticated(username, null, Authorities.of(roles)));
        SecurityContextHolder.setContext(context);
        try {
            return action.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            SecurityContextHolder.setContext(previous);
        }
    }

    public static void run(String username, List<Role> roles, Runnable action) {
        as(username, roles, () -> {
            action.run();
            return null;
        });
    }
}
