package dev.llmops.studio.security;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/** Who is calling (UI session or API token) and what the matrix lets them do. */
@Component
public class CurrentUser {

    public Optional<String> username() {
        return authentication().map(Authentication::getName);
    }

    public String usernameOrSystem() {
        return username().orElse("system");
    }

    public Set<Role> roles() {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        authentication().ifPresent(auth -> {
            for (GrantedAuthority authority : auth.getAuthorities()) {
                for (Role role : Role.values()) {
                    if (role.authority().equals(authority.getAuthority())) {
                        roles.add(role);
                    }
                }
            }
        });
        return roles;
    }

    public boolean has(Permission permission) {
        return authentication().map(auth -> auth.getAuthorities().stream()
                .anyMatch(a -> permission.authority().equals(a.getAuthority()))).orElse(false);
    }

    /** Services call this before acting, so a missing check in a view or controller cannot open a hole. */
    public void require(Permission permission) {
        if (!has(permission)) {
            throw new AccessDeniedException("Missing permission " + permission.name());
        }
    }

    private static Optional<Authentication> authentication() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
            return Optional.empty();
        }
        return Optional.of(auth);
    }
}
