package dev.llmops.studio.serving;

import dev.llmops.studio.security.SecretTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Checks the bearer keys of the OpenAI-compatible API. A key found is remembered for a moment, so a busy client
 * does not cost a database query per request; a revocation takes effect within that moment.
 */
@Component
class ApiKeys {

    static final Duration REMEMBERED = Duration.ofSeconds(2);

    /** Who is calling: the key, its endpoint and the limits that apply. */
    record Caller(long keyId, long endpointId, String endpoint, int maxTokens, Integer requestsPerMinute,
                  Integer tokensPerMinute, boolean stopped, OffsetDateTime lastUsedAt) {
    }

    private record Remembered(Caller caller, long untilNanos) {
    }

    private final EndpointRepository repository;
    private final Clock clock;
    private final Map<String, Remembered> recent = new ConcurrentHashMap<>();

    ApiKeys(EndpointRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    Optional<Caller> authenticate(String secret) {
        if (!SecretTokens.looksLike(secret, EndpointService.KEY_PREFIX)) {
            return Optional.empty();
        }
        String hash = SecretTokens.sha256(secret);
        long now = System.nanoTime();
        Remembered remembered = recent.get(hash);
        if (remembered != null && remembered.untilNanos() > now) {
            return Optional.of(remembered.caller());
        }
        Optional<Caller> caller = repository.activeKeyByHash(hash).flatMap(key -> repository.byId(key.endpointId())
                .map(endpoint -> caller(key, endpoint)));
        caller.ifPresentOrElse(c -> {
            recent.put(hash, new Remembered(c, now + REMEMBERED.toNanos()));
            OffsetDateTime at = OffsetDateTime.now(clock);
            if (SecretTokens.dueForTouch(c.lastUsedAt(), at)) {
                repository.touchKey(c.keyId(), at);
            }
        }, () -> recent.remove(hash));
        return caller;
    }

    private static Caller caller(ApiKeyInfo key, StoredEndpoint endpoint) {
        return new Caller(key.id(), endpoint.id(), endpoint.name(), endpoint.settings().maxTokens(),
                key.requestsPerMinute(), key.tokensPerMinute(), endpoint.stoppedAt() != null, key.lastUsedAt());
    }
}
