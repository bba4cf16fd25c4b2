package dev.llmops.studio.serving;

/** A new API key: the secret is in this object only, shown once, stored as a hash. */
public record CreatedApiKey(String secret, ApiKeyInfo key) {
}
