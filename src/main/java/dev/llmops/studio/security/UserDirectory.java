package dev.llmops.studio.security;

import java.util.List;

/**
 * Who holds a role, for features that hand out work to people (review assignments, approvers). Not guarded by a
 * permission: it names users, nothing more, and callers decide what to do with the names.
 */
public interface UserDirectory {

    /** Enabled users holding the role, sorted by name. */
    List<String> enabledHoldersOf(Role role);

    /** Whether the user exists, is enabled and holds the role. */
    default boolean holds(String username, Role role) {
        return enabledHoldersOf(role).contains(username);
    }
}
