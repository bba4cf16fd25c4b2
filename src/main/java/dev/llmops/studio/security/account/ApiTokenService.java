package dev.llmops.studio.security.account;

import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.Authorities;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Personal API tokens. The secret is shown once at creation; only its SHA-256 is stored. A fast hash is
 * right here: the secret has 256 random bits, so unlike a password it cannot be guessed from a dictionary.
 */
@Service
public class ApiTokenService {

    static final String TOKEN_PREFIX = "lls_";
    private static final int VISIBLE_PREFIX = 12;
    /** last_used_at is a hint for owners, not a log: write it at most once a minute per token. */
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private final ApiTokenRepository tokens;
    private final CurrentUser currentUser;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    ApiTokenService(ApiTokenRepository tokens, CurrentUser currentUser, AuditLog audit, Clock clock) {
        this.tokens = tokens;
        this.currentUser = currentUser;
        this.audit = audit;
        this.clock = clock;
    }

    /** The secret (to show once) and the stored description of a new token. */
    public record CreatedToken(String secret, ApiToken token) {
    }

    @Transactional
    public CreatedToken create(String name) {
        currentUser.require(Permission.APP_USE);
        String username = currentUser.username().orElseThrow();
        String trimmed = name == null ? "" : name.trim();
        if (trimmed.isEmpty() || trimmed.length() > 100) {
            throw new InvalidRequestException("name", "Give the token a name of 1 to 100 characters, "
                    + "e.g. where it will be used.");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String prefix = secret.substring(0, VISIBLE_PREFIX);
        long id = tokens.insert(username, trimmed, prefix, sha256(secret), now());
        audit.record("token.created", username, "token " + prefix + "… '" + trimmed + "'");
        ApiToken token = tokens.findByOwner(username).stream().filter(t -> t.id() == id).findFirst().orElseThrow();
        return new CreatedToken(secret, token);
    }

    @Transactional(readOnly = true)
    public List<ApiToken> mine() {
        currentUser.require(Permission.APP_USE);
        return tokens.findByOwner(currentUser.username().orElseThrow());
    }

    @Transactional
    public void revoke(long tokenId) {
        currentUser.require(Permission.APP_USE);
        String username = currentUser.username().orElseThrow();
        String name = tokens.revoke(username, tokenId, now())
                .orElseThrow(() -> new NotFoundException("You have no active token with id " + tokenId + "."));
        audit.record("token.revoked", username, "token #" + tokenId + " '" + name + "'");
    }

    /** Authenticates a presented bearer secret; empty when unknown, revoked or its owner is disabled. */
    @Transactional
    public Optional<Authentication> authenticate(String secret) {
        if (secret == null || !secret.startsWith(TOKEN_PREFIX) || secret.length() > 100) {
            return Optional.empty();
        }
        return tokens.findLiveOwner(sha256(secret)).map(owner -> {
            OffsetDateTime now = now();
            if (owner.lastUsedAt() == null || owner.lastUsedAt().plus(TOUCH_INTERVAL).isBefore(now)) {
                tokens.touch(owner.tokenId(), now);
            }
            return UsernamePasswordAuthenticationToken.authenticated(owner.username(), null,
                    Authorities.of(owner.roles()));
        });
    }

    static String sha256(String secret) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
