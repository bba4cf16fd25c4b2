package dev.llmops.studio.security.login;

import dev.llmops.studio.security.AuditLog;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;

@Configuration(proxyBeanMethods = false)
class LoginConfiguration {

    /** The only authentication provider bean, so Spring Security builds its global manager around it alone. */
    @Bean
    ThrottlingAuthenticationProvider throttlingAuthenticationProvider(UserDetailsService users,
            PasswordEncoder encoder, LoginThrottle throttle, AuditLog audit) {
        return new ThrottlingAuthenticationProvider(users, encoder, throttle, audit);
    }
}
