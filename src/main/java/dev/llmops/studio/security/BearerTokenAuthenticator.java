package dev.llmops.studio.security;

import java.util.Optional;
import org.springframework.security.core.Authentication;

/**
 * One kind of bearer secret accepted on the API ({@code Authorization: Bearer …}). Each kind has its own
 * prefix, so the API filter asks the one authenticator that claims a secret; features add kinds (worker tokens)
 * without the security feature knowing them.
 */
public interface BearerTokenAuthenticator {

    /** True when the secret has this authenticator's prefix; it then decides alone. */
    boolean claims(String secret);

    /** The caller, or empty when the secret is unknown, revoked or its owner may no longer use it. */
    Optional<Authentication> authenticate(String secret);
}
