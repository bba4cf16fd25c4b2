package dev.llmops.studio.security.account;

import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.BearerTokenAuthenticator;
import dev.llmops.studio.security.Authorities;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.SecretTokens;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Personal API tokens. The secret is shown once at creation; only its SHA-256 is stored. */
@Service
public class ApiTokenService implements BearerTokenAuthenticator {

    static final String TOKEN_PREFIX = "lls_";

    private final ApiTokenRepository tokens;
    private final CurrentUser currentUser;
    private final AuditLog audit;
    private final Clock clock;

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
        String trimmed = SecretTokens.checkedName(name, "where it will be used");
        String secret = SecretTokens.generate(TOKEN_PREFIX);
        String prefix = SecretTokens.visiblePrefix(secret);
        long id = tokens.insert(username, trimmed, prefix, SecretTokens.sha256(secret), now());
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

    @Override
    public boolean claims(String secret) {
        return secret.startsWith(TOKEN_PREFIX);
    }

    /** Authenticates a presented bearer secret; empty when unknown, revoked or its owner is disabled. */
    @Override
    @Transactional
    public Optional<Authentication> authenticate(String secret) {
        if (!SecretTokens.looksLike(secret, TOKEN_PREFIX)) {
            return Optional.empty();
        }
        return tokens.findLiveOwner(SecretTokens.sha256(secret)).map(owner -> {
            OffsetDateTime now = now();
            if (SecretTokens.dueForTouch(owner.lastUsedAt(), now)) {
                tokens.touch(owner.tokenId(), now);
            }
            return UsernamePasswordAuthenticationToken.authenticated(owner.username(), null,
                    Authorities.of(owner.roles()));
        });
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
