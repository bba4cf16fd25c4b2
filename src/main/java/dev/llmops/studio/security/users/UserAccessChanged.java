package dev.llmops.studio.security.users;

/**
 * A user's roles or enabled state changed: sessions signed in with the old authorities must end. Published
 * inside the change's transaction; listeners act after it commits.
 */
public record UserAccessChanged(String username) {
}
