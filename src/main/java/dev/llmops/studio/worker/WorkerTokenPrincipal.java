package dev.llmops.studio.worker;

import java.security.Principal;

/** Who calls the worker protocol: a worker token (not a person), named in logs and the audit trail. */
record WorkerTokenPrincipal(long tokenId, String tokenName) implements Principal {

    @Override
    public String getName() {
        return "worker-token:" + tokenName;
    }
}
