package dev.llmops.studio.security;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Who holds a role, for features that hand out work to people (review assignments, approvers). Not guarded by a
 * permission: it names users, nothing more, and callers decide what to do with the names.
 */
public interface UserDirectory {

    /** Enabled users holding the role, sorted by name. */
    List<String> enabledHoldersOf(Role role);

    /** User names written comma-separated in a setting ("ann, bob"), trimmed and lower-cased as user names are. */
    static List<String> parseNames(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return List.of();
        }
        return Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(name -> !name.isEmpty())
                .map(name -> name.toLowerCase(Locale.ROOT)).distinct().toList();
    }

    /** Whether the user exists, is enabled and holds the role. */
    default boolean holds(String username, Role role) {
        return enabledHoldersOf(role).contains(username);
    }
}
