package dev.llmops.studio.security.account;

import static dev.llmops.studio.db.Tables.API_TOKEN;
import static dev.llmops.studio.db.Tables.APP_USER;
import static dev.llmops.studio.db.Tables.USER_ROLE;

import dev.llmops.studio.security.Role;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;

@Repository
class ApiTokenRepository {

    /** The owner of a live token, with the roles that decide what the token may do right now. */
    record TokenOwner(long tokenId, String username, Set<Role> roles, OffsetDateTime lastUsedAt) {
    }

    private final DSLContext db;

    ApiTokenRepository(DSLContext db) {
        this.db = db;
    }

    long insert(String username, String name, String prefix, String hash, OffsetDateTime now) {
        Long userId = db.select(APP_USER.ID).from(APP_USER).where(APP_USER.USERNAME.eq(username))
                .fetchOne(APP_USER.ID);
        return db.insertInto(API_TOKEN)
                .set(API_TOKEN.USER_ID, userId)
                .set(API_TOKEN.NAME, name)
                .set(API_TOKEN.PREFIX, prefix)
                .set(API_TOKEN.TOKEN_HASH, hash)
                .set(API_TOKEN.CREATED_AT, now)
                .returning(API_TOKEN.ID)
                .fetchOne(API_TOKEN.ID);
    }

    List<ApiToken> findByOwner(String username) {
        return db.select(API_TOKEN.fields()).from(API_TOKEN).join(APP_USER).on(APP_USER.ID.eq(API_TOKEN.USER_ID))
                .where(APP_USER.USERNAME.eq(username))
                .orderBy(API_TOKEN.REVOKED_AT.isNull().desc(), API_TOKEN.CREATED_AT.desc())
                .fetch(r -> new ApiToken(r.get(API_TOKEN.ID), r.get(API_TOKEN.NAME), r.get(API_TOKEN.PREFIX),
                        r.get(API_TOKEN.CREATED_AT), r.get(API_TOKEN.LAST_USED_AT), r.get(API_TOKEN.REVOKED_AT)));
    }

    /** @return the token's name when the owner had it live and it is now revoked */
    Optional<String> revoke(String username, long tokenId, OffsetDateTime now) {
        Long userId = db.select(APP_USER.ID).from(APP_USER).where(APP_USER.USERNAME.eq(username))
                .fetchOne(APP_USER.ID);
        return db.update(API_TOKEN)
                .set(API_TOKEN.REVOKED_AT, now)
                .where(API_TOKEN.ID.eq(tokenId))
                .and(API_TOKEN.USER_ID.eq(userId))
                .and(API_TOKEN.REVOKED_AT.isNull())
                .returning(API_TOKEN.NAME)
                .fetchOptional(API_TOKEN.NAME);
    }

    Optional<TokenOwner> findLiveOwner(String hash) {
        var row = db.select(API_TOKEN.ID, APP_USER.ID, APP_USER.USERNAME, API_TOKEN.LAST_USED_AT)
                .from(API_TOKEN).join(APP_USER).on(APP_USER.ID.eq(API_TOKEN.USER_ID))
                .where(API_TOKEN.TOKEN_HASH.eq(hash))
                .and(API_TOKEN.REVOKED_AT.isNull())
                .and(APP_USER.ENABLED.isTrue())
                .fetchOne();
        if (row == null) {
            return Optional.empty();
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        db.select(USER_ROLE.ROLE).from(USER_ROLE).where(USER_ROLE.USER_ID.eq(row.get(APP_USER.ID)))
                .fetch(USER_ROLE.ROLE).forEach(role -> roles.add(Role.valueOf(role)));
        return Optional.of(new TokenOwner(row.get(API_TOKEN.ID), row.get(APP_USER.USERNAME), roles,
                row.get(API_TOKEN.LAST_USED_AT)));
    }

    void touch(long tokenId, OffsetDateTime now) {
        db.update(API_TOKEN).set(API_TOKEN.LAST_USED_AT, now).where(API_TOKEN.ID.eq(tokenId)).execute();
    }
}
