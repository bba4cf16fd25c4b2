package dev.llmops.studio.worker;

import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.BearerTokenAuthenticator;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.SecretTokens;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tokens remote workers connect with. An admin creates one per machine (or fleet) on the workers screen; the
 * secret is shown once and only its SHA-256 is stored. A worker token grants the worker protocol and nothing
 * else, and revoking it stops its workers at their next call.
 */
@Service
public class WorkerTokenService implements BearerTokenAuthenticator {

    static final String TOKEN_PREFIX = "lwt_";

    private final WorkerTokenRepository tokens;
    private final WorkerRepository workers;
    private final CurrentUser currentUser;
    private final AuditLog audit;
    private final Clock clock;

    WorkerTokenService(WorkerTokenRepository tokens, WorkerRepository workers, CurrentUser currentUser,
            AuditLog audit, Clock clock) {
        this.tokens = tokens;
        this.workers = workers;
        this.currentUser = currentUser;
        this.audit = audit;
        this.clock = clock;
    }

    /** The secret (to show once) and the stored description of a new token. */
    public record CreatedWorkerToken(String secret, WorkerToken token) {
    }

    @Transactional
    public CreatedWorkerToken create(String name) {
        currentUser.require(Permission.WORKER_TOKENS_MANAGE);
        String trimmed = SecretTokens.checkedName(name, "the machine that will use it");
        String secret = SecretTokens.generate(TOKEN_PREFIX);
        String prefix = SecretTokens.visiblePrefix(secret);
        long id = tokens.insert(trimmed, prefix, SecretTokens.sha256(secret), currentUser.usernameOrSystem(),
                OffsetDateTime.now(clock));
        audit.record("worker_token.created", trimmed, "token " + prefix + "…");
        WorkerToken token = tokens.all().stream().filter(t -> t.id() == id).findFirst().orElseThrow();
        return new CreatedWorkerToken(secret, token);
    }

    @Transactional(readOnly = true)
    public List<WorkerToken> list() {
        currentUser.require(Permission.WORKER_TOKENS_MANAGE);
        return tokens.all();
    }

    @Transactional
    public void revoke(long tokenId) {
        currentUser.require(Permission.WORKER_TOKENS_MANAGE);
        String name = tokens.revoke(tokenId, OffsetDateTime.now(clock))
                .orElseThrow(() -> new NotFoundException("No active worker token with id " + tokenId + "."));
        workers.offlineByToken(tokenId);
        audit.record("worker_token.revoked", name, "token #" + tokenId);
    }

    @Override
    public boolean claims(String secret) {
        return secret.startsWith(TOKEN_PREFIX);
    }

    @Override
    @Transactional
    public Optional<Authentication> authenticate(String secret) {
        if (!SecretTokens.looksLike(secret, TOKEN_PREFIX)) {
            return Optional.empty();
        }
        return tokens.findLive(SecretTokens.sha256(secret)).map(token -> {
            OffsetDateTime now = OffsetDateTime.now(clock);
            if (SecretTokens.dueForTouch(token.lastUsedAt(), now)) {
                tokens.touch(token.id(), now);
            }
            return UsernamePasswordAuthenticationToken.authenticated(
                    new WorkerTokenPrincipal(token.id(), token.name()), null,
                    List.of(new SimpleGrantedAuthority(Permission.WORKER_PROTOCOL.authority())));
        });
    }
}
