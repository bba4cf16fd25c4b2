package dev.llmops.studio.security.web;

import dev.llmops.studio.platform.ProblemResponses;
import dev.llmops.studio.security.BearerTokenAuthenticator;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code Authorization: Bearer …} on the API, for every kind of token a feature registers (personal API tokens,
 * worker tokens). A bad token is refused outright rather than treated as anonymous.
 */
class BearerTokenAuthenticationFilter extends OncePerRequestFilter {

    private final List<BearerTokenAuthenticator> authenticators;

    BearerTokenAuthenticationFilter(List<BearerTokenAuthenticator> authenticators) {
        this.authenticators = List.copyOf(authenticators);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            chain.doFilter(request, response);
            return;
        }
        String secret = header.substring(7).trim();
        Optional<Authentication> authentication = authenticators.stream().filter(a -> a.claims(secret))
                .findFirst().flatMap(a -> a.authenticate(secret));
        if (authentication.isEmpty()) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
            ProblemResponses.write(response, request.getRequestURI(), HttpStatus.UNAUTHORIZED, "Unauthorized",
                    "The token is unknown or revoked, or belongs to a disabled user.");
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(authentication.get());
        SecurityContextHolder.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
