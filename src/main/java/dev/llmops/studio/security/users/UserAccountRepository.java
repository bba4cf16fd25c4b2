package dev.llmops.studio.security.users;

import static dev.llmops.studio.db.Tables.APP_USER;
import static dev.llmops.studio.db.Tables.USER_ROLE;

import dev.llmops.studio.security.Role;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;

@Repository
class UserAccountRepository {

    /** What authentication needs: the hash stays inside this package and Spring Security. */
    record Credentials(long id, String username, String passwordHash, boolean enabled, Set<Role> roles) {
    }

    private final DSLContext db;

    UserAccountRepository(DSLContext db) {
        this.db = db;
    }

    boolean anyUserExists() {
        return db.fetchExists(APP_USER);
    }

    boolean exists(String username) {
        return db.fetchExists(APP_USER, APP_USER.USERNAME.eq(username));
    }

    long insert(String username, String displayName, String passwordHash, Collection<Role> roles,
            OffsetDateTime now) {
        long id = db.insertInto(APP_USER)
                .set(APP_USER.USERNAME, username)
                .set(APP_USER.DISPLAY_NAME, displayName)
                .set(APP_USER.PASSWORD_HASH, passwordHash)
                .set(APP_USER.ENABLED, true)
                .set(APP_USER.CREATED_AT, now)
                .set(APP_USER.PASSWORD_CHANGED_AT, now)
                .returning(APP_USER.ID)
                .fetchOne(APP_USER.ID);
        replaceRoles(id, roles);
        return id;
    }

    void replaceRoles(long userId, Collection<Role> roles) {
        db.deleteFrom(USER_ROLE).where(USER_ROLE.USER_ID.eq(userId)).execute();
        for (Role role : roles) {
            db.insertInto(USER_ROLE).set(USER_ROLE.USER_ID, userId).set(USER_ROLE.ROLE, role.name()).execute();
        }
    }

    void setEnabled(long userId, boolean enabled) {
        db.update(APP_USER).set(APP_USER.ENABLED, enabled).where(APP_USER.ID.eq(userId)).execute();
    }

    void setPasswordHash(long userId, String hash, OffsetDateTime now) {
        db.update(APP_USER)
                .set(APP_USER.PASSWORD_HASH, hash)
                .set(APP_USER.PASSWORD_CHANGED_AT, now)
                .where(APP_USER.ID.eq(userId))
                .execute();
    }

    Optional<Credentials> credentials(String username) {
        return db.selectFrom(APP_USER).where(APP_USER.USERNAME.eq(username)).fetchOptional()
                .map(u -> new Credentials(u.getId(), u.getUsername(), u.getPasswordHash(), u.getEnabled(),
                        rolesOf(List.of(u.getId())).getOrDefault(u.getId(), EnumSet.noneOf(Role.class))));
    }

    Optional<UserAccount> find(String username) {
        return db.selectFrom(APP_USER).where(APP_USER.USERNAME.eq(username)).fetchOptional()
                .map(u -> new UserAccount(u.getId(), u.getUsername(), u.getDisplayName(), u.getEnabled(),
                        rolesOf(List.of(u.getId())).getOrDefault(u.getId(), EnumSet.noneOf(Role.class)),
                        u.getCreatedAt()));
    }

    List<UserAccount> findAll() {
        var users = db.selectFrom(APP_USER).orderBy(APP_USER.USERNAME).fetch();
        Map<Long, Set<Role>> roles = rolesOf(users.getValues(APP_USER.ID));
        return users.map(u -> new UserAccount(u.getId(), u.getUsername(), u.getDisplayName(), u.getEnabled(),
                roles.getOrDefault(u.getId(), EnumSet.noneOf(Role.class)), u.getCreatedAt()));
    }

    int countEnabledWithRole(Role role) {
        return db.fetchCount(db.select(APP_USER.ID).from(APP_USER).join(USER_ROLE)
                .on(USER_ROLE.USER_ID.eq(APP_USER.ID))
                .where(APP_USER.ENABLED.isTrue()).and(USER_ROLE.ROLE.eq(role.name())));
    }

    private Map<Long, Set<Role>> rolesOf(Collection<Long> userIds) {
        return db.selectFrom(USER_ROLE).where(USER_ROLE.USER_ID.in(userIds)).fetch().stream()
                .collect(Collectors.groupingBy(r -> r.getUserId(),
                        Collectors.mapping(r -> Role.valueOf(r.getRole()),
                                Collectors.toCollection(() -> EnumSet.noneOf(Role.class)))));
    }
}
