package dev.llmops.studio.security.users;

import dev.llmops.studio.security.Authorities;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Service;

/** Loads users for form login; authorities are the user's roles plus what the permission matrix derives. */
@Service
class StudioUserDetailsService implements UserDetailsService {

    private final UserAccountRepository users;

    StudioUserDetailsService(UserAccountRepository users) {
        this.users = users;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        return users.credentials(UserAccountService.normalize(username))
                .map(c -> User.withUsername(c.username())
                        .password(c.passwordHash())
                        .disabled(!c.enabled())
                        .authorities(Authorities.of(c.roles()))
                        .build())
                .orElseThrow(() -> new UsernameNotFoundException("unknown user"));
    }
}
