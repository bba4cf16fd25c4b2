package dev.llmops.studio.security.login;

import dev.llmops.studio.security.AuditLog;
import java.util.Locale;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Password sign-in with lockout: a locked name is refused before its password is even checked, with the same
 * generic message as a wrong password, so neither reveals whether the user exists. Every outcome is audited.
 */
public class ThrottlingAuthenticationProvider extends DaoAuthenticationProvider {

    private final LoginThrottle throttle;
    private final AuditLog audit;

    ThrottlingAuthenticationProvider(UserDetailsService users, PasswordEncoder encoder, LoginThrottle throttle,
            AuditLog audit) {
        super(users);
        setPasswordEncoder(encoder);
        this.throttle = throttle;
        this.audit = audit;
    }

    @Override
    public Authentication authenticate(Authentication request) throws AuthenticationException {
        String username = request.getName() == null ? "" : request.getName().trim().toLowerCase(Locale.ROOT);
        if (username.isEmpty() || username.length() > 64) {
            throw new BadCredentialsException("Bad credentials");
        }
        if (throttle.isLocked(username)) {
            audit.recordAs(username, "auth.login_failed", username, "refused: sign-in paused after failures");
            throw new BadCredentialsException("Bad credentials");
        }
        try {
            Authentication result = super.authenticate(request);
            throttle.recordSuccess(username);
            audit.recordAs(username, "auth.login_succeeded", username, null);
            return result;
        } catch (AuthenticationException failure) {
            boolean locked = throttle.recordFailure(username);
            audit.recordAs(username, "auth.login_failed", username,
                    failure instanceof DisabledException ? "account disabled" : "bad credentials");
            if (locked) {
                audit.recordAs("system", "auth.locked", username, "sign-in paused for "
                        + throttle.lockDuration().toMinutes() + " min after " + throttle.maxFailures()
                        + " failures");
            }
            throw new BadCredentialsException("Bad credentials");
        }
    }
}
