package dev.llmops.studio.serving;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Per-key limits of requests and tokens per minute (token buckets from Bucket4j, refilled gradually). A request
 * takes one request token up front; its prompt and completion tokens are charged when it ends (they are unknown
 * before), so a key over its token budget is refused until the bucket has refilled.
 */
@Component
class RateLimits {

    private record Limits(Integer requestsPerMinute, Integer tokensPerMinute) {
    }

    private record Buckets(Limits limits, Bucket requests, Bucket tokens) {
    }

    private final Map<Long, Buckets> byKey = new ConcurrentHashMap<>();

    /** Admits one request of the caller or throws a 429 saying how long to wait. */
    void admit(ApiKeys.Caller caller) {
        Buckets buckets = buckets(caller);
        if (buckets.tokens() != null && buckets.tokens().getAvailableTokens() <= 0) {
            long waitNanos = buckets.tokens().estimateAbilityToConsume(1).getNanosToWaitForRefill();
            throw limited("tokens", caller.tokensPerMinute() + " tokens per minute", waitNanos);
        }
        if (buckets.requests() != null) {
            ConsumptionProbe probe = buckets.requests().tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                throw limited("requests", caller.requestsPerMinute() + " requests per minute",
                        probe.getNanosToWaitForRefill());
            }
        }
    }

    /** Charges the tokens a finished request used. */
    void charge(ApiKeys.Caller caller, int tokens) {
        Buckets buckets = buckets(caller);
        if (buckets.tokens() != null && tokens > 0) {
            buckets.tokens().consumeIgnoringRateLimits(tokens);
        }
    }

    private Buckets buckets(ApiKeys.Caller caller) {
        Limits limits = new Limits(caller.requestsPerMinute(), caller.tokensPerMinute());
        return byKey.compute(caller.keyId(), (id, current) -> current != null && Objects.equals(current.limits(),
                limits) ? current : new Buckets(limits, bucket(limits.requestsPerMinute()),
                bucket(limits.tokensPerMinute())));
    }

    private static Bucket bucket(Integer perMinute) {
        return perMinute == null ? null : Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1))
                        .build())
                .build();
    }

    private static ServingException limited(String what, String limit, long waitNanos) {
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
        return new ServingException(429, what, "rate_limit_exceeded", "Rate limit reached for this key: " + limit
                + ". Try again in " + seconds + " s.", seconds);
    }
}
