package dev.llmops.studio.security.users;

import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.Role;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * There is no built-in password: on the first start of an empty database the {@code admin} account gets the
 * password from {@code studio.security.initial-admin-password} or, when unset, a random one printed once to
 * the log. Only its hash is stored.
 */
@Component
class BootstrapAdmin implements ApplicationRunner {

    static final String ADMIN_USERNAME = "admin";
    private static final Logger log = LoggerFactory.getLogger(BootstrapAdmin.class);

    private final UserAccountRepository users;
    private final PasswordEncoder passwordEncoder;
    private final AuditLog audit;
    private final Clock clock;
    private final String configuredPassword;

    BootstrapAdmin(UserAccountRepository users, PasswordEncoder passwordEncoder, AuditLog audit, Clock clock,
            @Value("${studio.security.initial-admin-password:}") String configuredPassword) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.audit = audit;
        this.clock = clock;
        this.configuredPassword = configuredPassword;
    }

    @Override
    @Transactional
    public void run(ApplicationArguments args) {
        if (users.anyUserExists()) {
            return;
        }
        boolean generated = configuredPassword.isBlank();
        String password = generated ? PasswordPolicy.generate() : configuredPassword;
        PasswordPolicy.check(password, ADMIN_USERNAME);
        try {
            users.insert(ADMIN_USERNAME, "Administrator", passwordEncoder.encode(password), Set.of(Role.ADMIN),
                    OffsetDateTime.now(clock));
        } catch (DuplicateKeyException anotherServerWasFaster) {
            return;
        }
        audit.recordAs("system", "user.created", ADMIN_USERNAME,
                generated ? "first start: random initial password" : "first start: configured initial password");
        if (generated) {
            log.warn("""

                    ============================================================
                     First start: created user 'admin' with password
                         {}
                     It is shown only this once. Sign in and create your own
                     users; change it under Account.
                    ============================================================""", password);
        } else {
            log.info("First start: created user 'admin' with the password from studio.security.initial-admin-password");
        }
    }
}
