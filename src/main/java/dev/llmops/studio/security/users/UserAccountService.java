package dev.llmops.studio.security.users;

import dev.llmops.studio.platform.ConflictException;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.security.AuditLog;
import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.security.UserDirectory;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** User administration: every change is checked against the matrix, validated and audited. */
@Service
public class UserAccountService implements UserDirectory {

    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{2,63}");
    /** Actors the system records under; a user with one of these names would make the audit trail ambiguous. */
    private static final Set<String> RESERVED = Set.of("system", "scheduler", "anonymous");

    private final UserAccountRepository users;
    private final PasswordEncoder passwordEncoder;
    private final CurrentUser currentUser;
    private final AuditLog audit;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    UserAccountService(UserAccountRepository users, PasswordEncoder passwordEncoder, CurrentUser currentUser,
            AuditLog audit, Clock clock, ApplicationEventPublisher events) {
        this.events = events;
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.currentUser = currentUser;
        this.audit = audit;
        this.clock = clock;
    }

    public record NewUser(String username, String displayName, String password, Collection<Role> roles) {
    }

    @Transactional(readOnly = true)
    public List<UserAccount> list() {
        currentUser.require(Permission.USERS_MANAGE);
        return users.findAll();
    }

    @Override
    @Transactional(readOnly = true)
    public List<String> enabledHoldersOf(Role role) {
        return users.findAll().stream().filter(u -> u.enabled() && u.roles().contains(role))
                .map(UserAccount::username).sorted().toList();
    }

    @Transactional(readOnly = true)
    public UserAccount get(String username) {
        currentUser.require(Permission.USERS_MANAGE);
        return users.find(normalize(username)).orElseThrow(() -> unknown(username));
    }

    @Transactional
    public UserAccount create(NewUser request) {
        currentUser.require(Permission.USERS_MANAGE);
        String username = normalize(request.username());
        checkUsername(username);
        String displayName = checkDisplayName(request.displayName(), username);
        PasswordPolicy.check(request.password(), username);
        Set<Role> roles = checkRoles(request.roles());
        if (users.exists(username)) {
            throw new ConflictException("username", "A user named '" + username + "' already exists.");
        }
        users.insert(username, displayName, passwordEncoder.encode(request.password()), roles, now());
        audit.record("user.created", username, "roles=" + names(roles));
        return users.find(username).orElseThrow();
    }

    @Transactional
    public UserAccount setRoles(String username, Collection<Role> requested) {
        currentUser.require(Permission.USERS_MANAGE);
        UserAccount user = users.find(normalize(username)).orElseThrow(() -> unknown(username));
        Set<Role> roles = checkRoles(requested);
        if (user.roles().contains(Role.ADMIN) && !roles.contains(Role.ADMIN) && user.enabled()) {
            guardLastAdmin("remove the ADMIN role from");
        }
        users.replaceRoles(user.id(), roles);
        audit.record("user.roles_changed", user.username(), names(user.roles()) + " -> " + names(roles));
        events.publishEvent(new UserAccessChanged(user.username()));
        return users.find(user.username()).orElseThrow();
    }

    @Transactional
    public UserAccount setEnabled(String username, boolean enabled) {
        currentUser.require(Permission.USERS_MANAGE);
        UserAccount user = users.find(normalize(username)).orElseThrow(() -> unknown(username));
        if (!enabled && user.username().equals(currentUser.usernameOrSystem())) {
            throw new InvalidRequestException("enabled", "You cannot disable your own account.");
        }
        if (!enabled && user.enabled() && user.roles().contains(Role.ADMIN)) {
            guardLastAdmin("disable");
        }
        users.setEnabled(user.id(), enabled);
        audit.record(enabled ? "user.enabled" : "user.disabled", user.username(), null);
        events.publishEvent(new UserAccessChanged(user.username()));
        return users.find(user.username()).orElseThrow();
    }

    @Transactional
    public void resetPassword(String username, String newPassword) {
        currentUser.require(Permission.USERS_MANAGE);
        UserAccount user = users.find(normalize(username)).orElseThrow(() -> unknown(username));
        PasswordPolicy.check(newPassword, user.username());
        users.setPasswordHash(user.id(), passwordEncoder.encode(newPassword), now());
        audit.record("user.password_reset", user.username(), null);
    }

    /** Any signed-in user changes their own password, proving they know the current one. */
    @Transactional
    public void changeOwnPassword(String currentPassword, String newPassword) {
        currentUser.require(Permission.APP_USE);
        String username = currentUser.username().orElseThrow();
        var credentials = users.credentials(username).orElseThrow(() -> unknown(username));
        if (currentPassword == null || !passwordEncoder.matches(currentPassword, credentials.passwordHash())) {
            throw new InvalidRequestException("currentPassword", "The current password is not correct.");
        }
        PasswordPolicy.check(newPassword, username);
        users.setPasswordHash(credentials.id(), passwordEncoder.encode(newPassword), now());
        audit.record("user.password_changed", username, null);
    }

    private void guardLastAdmin(String verb) {
        if (users.countEnabledWithRole(Role.ADMIN) <= 1) {
            throw new InvalidRequestException("roles",
                    "Cannot " + verb + " the last enabled administrator; make another user ADMIN first.");
        }
    }

    private static void checkUsername(String username) {
        if (username.isEmpty()) {
            throw new InvalidRequestException("username", "User name is required.");
        }
        if (RESERVED.contains(username)) {
            throw new InvalidRequestException("username", "“" + username + "” is reserved for the system's own "
                    + "actions in the audit log; choose another name.");
        }
        if (!USERNAME.matcher(username).matches()) {
            throw new InvalidRequestException("username", "User name must be 3 to 64 characters: lower-case "
                    + "letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
    }

    private static String checkDisplayName(String displayName, String username) {
        String name = displayName == null || displayName.isBlank() ? username : displayName.trim();
        if (name.length() > 200) {
            throw new InvalidRequestException("displayName", "Display name must be at most 200 characters.");
        }
        return name;
    }

    private static Set<Role> checkRoles(Collection<Role> roles) {
        if (roles == null || roles.isEmpty() || roles.stream().anyMatch(java.util.Objects::isNull)) {
            throw new InvalidRequestException("roles", "Choose at least one role.");
        }
        return EnumSet.copyOf(roles);
    }

    static String normalize(String username) {
        return username == null ? "" : username.trim().toLowerCase(java.util.Locale.ROOT);
    }

    private static NotFoundException unknown(String username) {
        return new NotFoundException("No user named '" + username + "'.");
    }

    private static String names(Collection<Role> roles) {
        return roles.stream().map(Role::name).sorted().collect(Collectors.joining(",", "[", "]"));
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
