package dev.llmops.studio.security.web;

import com.vaadin.flow.server.auth.AccessCheckResult;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.server.auth.NavigationAccessChecker;
import com.vaadin.flow.server.auth.NavigationContext;
import dev.llmops.studio.security.RequiresPermission;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.security.core.Authentication;

/**
 * Decides every navigation from the permission matrix: {@code @AnonymousAllowed} routes are open, routes
 * with {@link RequiresPermission} need that permission, and anything else is closed.
 */
class PermissionViewAccessChecker implements NavigationAccessChecker {

    @Override
    public AccessCheckResult check(NavigationContext context) {
        if (context.isErrorHandling()) {
            return context.allow();
        }
        Class<?> target = context.getNavigationTarget();
        if (AnnotationUtils.findAnnotation(target, AnonymousAllowed.class) != null) {
            return context.allow();
        }
        if (!(context.getPrincipal() instanceof Authentication authentication)
                || !authentication.isAuthenticated()) {
            return context.deny("Sign in first");
        }
        RequiresPermission required = AnnotationUtils.findAnnotation(target, RequiresPermission.class);
        if (required == null) {
            return context.deny(target.getSimpleName() + " declares no @RequiresPermission");
        }
        boolean granted = authentication.getAuthorities().stream()
                .anyMatch(a -> required.value().authority().equals(a.getAuthority()));
        return granted ? context.allow() : context.deny("Missing permission " + required.value());
    }
}
