package dev.llmops.studio.security.users;

import dev.llmops.studio.security.Role;
import java.time.OffsetDateTime;
import java.util.Set;

/** A user as administrators see it; never carries the password hash. */
public record UserAccount(long id, String username, String displayName, boolean enabled, Set<Role> roles,
        OffsetDateTime createdAt) {
}
