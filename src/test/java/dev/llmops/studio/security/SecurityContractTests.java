package dev.llmops.studio.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.studio.platform.ConflictException;
import dev.llmops.studio.platform.InvalidRequestException;
import dev.llmops.studio.security.account.ApiToken;
import dev.llmops.studio.security.account.ApiTokenService;
import dev.llmops.studio.security.users.UserAccountService;
import dev.llmops.studio.security.users.UserAccountService.NewUser;
import dev.llmops.studio.support.Http;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The security contract, run unchanged against each database (see the subclasses): real HTTP, real
 * sign-in, real tables.
 */
abstract class SecurityContractTests {

    @LocalServerPort
    int port;
    @Autowired
    DSLContext db;
    @Autowired
    Users users;
    @Autowired
    UserAccountService accounts;
    @Autowired
    ApiTokenService tokens;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @Test
    void migrationsCreateTheSchemaIncludingQuartz() {
        assertThat(db.fetchValue("select count(*) from flyway_schema_history where success")).isNotNull();
        assertThat(db.fetchCount(db.selectFrom("flyway_schema_history")))
                .isGreaterThanOrEqualTo(2);
        // Quartz's clustered store writes its check-in rows here once the scheduler runs
        assertThat(db.fetchCount(db.selectFrom("qrtz_scheduler_state"))).isGreaterThanOrEqualTo(1);
    }

    @Test
    void firstStartCreatesAnAdminWithAHashedRandomPassword() {
        Record admin = db.fetchOne("select password_hash from app_user where username = 'admin'");
        assertThat(admin).isNotNull();
        assertThat(admin.get(0, String.class)).startsWith("{bcrypt}$2");
    }

    @Test
    void onlyHashesOfPasswordsAndTokensAreStored() {
        String username = users.create("hashcheck", Role.VIEWER);
        String token = users.tokenFor(username, Role.VIEWER);
        String resetPassword = "another-long-secret-42";
        SignedIn.run("admin", List.of(Role.ADMIN), () -> accounts.resetPassword(username, resetPassword));

        for (Table<?> table : db.meta().getTables()) {
            if (!table.getSchema().getName().equalsIgnoreCase("public")) {
                continue;
            }
            for (Record row : db.selectFrom(table).fetch()) {
                for (Field<?> field : row.fields()) {
                    Object value = row.get(field);
                    if (value instanceof String text) {
                        assertThat(text).as(table.getName() + "." + field.getName())
                                .doesNotContain(Users.PASSWORD).doesNotContain(resetPassword)
                                .doesNotContain(token).doesNotContain(token.substring(12));
                    }
                }
            }
        }
    }

    @Test
    void userCreationRejectsBadInputWithClearMessages() {
        String taken = users.create("taken", Role.VIEWER);
        SignedIn.run("admin", List.of(Role.ADMIN), () -> {
            assertThatThrownBy(() -> accounts.create(new NewUser(taken, null, Users.PASSWORD, Set.of(Role.VIEWER))))
                    .isInstanceOf(ConflictException.class).hasMessageContaining("already exists");
            assertThatThrownBy(() -> accounts.create(new NewUser("shorty", null, "elevenchars", Set.of(Role.VIEWER))))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("at least 12")
                    .extracting(e -> ((InvalidRequestException) e).field()).isEqualTo("password");
            assertThatThrownBy(() -> accounts.create(new NewUser("Bad Name!", null, Users.PASSWORD, Set.of(Role.VIEWER))))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("User name must be");
            assertThatThrownBy(() -> accounts.create(new NewUser("noroles", null, Users.PASSWORD, Set.of())))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("at least one role");
        });
    }

    @Test
    void theLastEnabledAdministratorCannotBeRemoved() {
        SignedIn.run("someone-else", List.of(Role.ADMIN), () -> {
            List<String> otherAdmins = accounts.list().stream()
                    .filter(u -> u.enabled() && u.roles().contains(Role.ADMIN) && !u.username().equals("admin"))
                    .map(u -> u.username()).toList();
            otherAdmins.forEach(name -> accounts.setEnabled(name, false));
            assertThatThrownBy(() -> accounts.setEnabled("admin", false))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("last enabled administrator");
            assertThatThrownBy(() -> accounts.setRoles("admin", Set.of(Role.VIEWER)))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("last enabled administrator");
        });
    }

    @Test
    void formLoginSucceedsWithTheRightPasswordOnly() {
        String username = users.create("login", Role.REVIEWER);
        Http.Response bad = login(username, "wrong-password-123");
        assertThat(bad.status()).isEqualTo(302);
        assertThat(bad.header("Location")).contains("/login?error");
        Http.Response good = login(username, Users.PASSWORD);
        assertThat(good.status()).isEqualTo(302);
        assertThat(good.header("Location")).doesNotContain("error");
    }

    @Test
    void fiveFailuresLockTheNameWithTheSameAnswerWhetherOrNotItExists() {
        String victim = users.create("victim", Role.VIEWER);
        String bystander = users.create("bystander", Role.VIEWER);
        String ghost = Users.uniqueName("ghost");
        for (int i = 0; i < 5; i++) {
            assertThat(login(victim, "wrong-password-" + i).header("Location")).contains("/login?error");
            assertThat(login(ghost, "wrong-password-" + i).header("Location")).contains("/login?error");
        }
        Http.Response lockedRight = login(victim, Users.PASSWORD);
        Http.Response lockedGhost = login(ghost, Users.PASSWORD);
        assertThat(lockedRight.header("Location")).contains("/login?error");
        assertThat(lockedGhost.header("Location")).isEqualTo(lockedRight.header("Location"));
        assertThat(login(bystander, Users.PASSWORD).header("Location")).doesNotContain("error");

        assertThat(auditActions(victim)).contains("auth.login_failed", "auth.locked");
        assertThat(auditActions(ghost)).contains("auth.locked");
    }

    @Test
    void apiTokenAuthenticatesUntilRevoked() {
        String username = users.create("tokenowner", Role.ML_ENGINEER);
        String token = users.tokenFor(username, Role.ML_ENGINEER);

        Http.Response me = http.get("/api/v1/me", token);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("username").asText()).isEqualTo(username);
        assertThat(me.json().get("roles").toString()).contains("ML_ENGINEER");
        assertThat(me.json().get("permissions").toString()).contains("METRICS_READ").doesNotContain("USERS_MANAGE");

        ApiToken stored = SignedIn.as(username, List.of(Role.ML_ENGINEER), () -> tokens.mine().get(0));
        assertThat(stored.lastUsedAt()).isNotNull();
        assertThat(token).startsWith(stored.prefix());

        SignedIn.run(username, List.of(Role.ML_ENGINEER), () -> tokens.revoke(stored.id()));
        Http.Response revoked = http.get("/api/v1/me", token);
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.header("Content-Type")).contains("application/problem+json");
        assertThat(auditActions(username)).contains("token.created", "token.revoked");
    }

    @Test
    void disablingAUserStopsTheirTokensAndSignIn() {
        String username = users.create("leaver", Role.DOMAIN_EXPERT);
        String token = users.tokenFor(username, Role.DOMAIN_EXPERT);
        assertThat(http.get("/api/v1/me", token).status()).isEqualTo(200);
        SignedIn.run("admin", List.of(Role.ADMIN), () -> accounts.setEnabled(username, false));
        assertThat(http.get("/api/v1/me", token).status()).isEqualTo(401);
        assertThat(login(username, Users.PASSWORD).header("Location")).contains("/login?error");
        assertThat(auditActions(username)).contains("user.created", "user.disabled");
    }

    @Test
    void apiAnswersBadInputWithProblemJsonAndNoStackTrace() {
        String admin = users.create("apiadmin", Role.ADMIN);
        String token = users.tokenFor(admin, Role.ADMIN);

        Http.Response malformed = http.send("POST", "/api/v1/users", token, "{\"username\": \"x\", ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.header("Content-Type")).contains("application/problem+json");
        assertThat(malformed.json().get("detail").asText()).contains("not valid JSON").contains("line 1");

        String name = Users.uniqueName("apiuser");
        Http.Response shortPassword = http.send("POST", "/api/v1/users", token,
                Http.json(Map.of("username", name, "password", "short", "roles", List.of("VIEWER"))));
        assertThat(shortPassword.status()).isEqualTo(400);
        assertThat(shortPassword.json().get("field").asText()).isEqualTo("password");

        Http.Response unknownRole = http.send("POST", "/api/v1/users", token,
                Http.json(Map.of("username", name, "password", Users.PASSWORD, "roles", List.of("SUPERUSER"))));
        assertThat(unknownRole.status()).isEqualTo(400);
        assertThat(unknownRole.json().get("detail").asText()).contains("Unknown role 'SUPERUSER'").contains("VIEWER");

        Http.Response created = http.send("POST", "/api/v1/users", token,
                Http.json(Map.of("username", name, "password", Users.PASSWORD, "roles", List.of("REVIEWER"))));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("roles").toString()).contains("REVIEWER");
        assertThat(created.body()).doesNotContain("password");

        Http.Response duplicate = http.send("POST", "/api/v1/users", token,
                Http.json(Map.of("username", name, "password", Users.PASSWORD, "roles", List.of("REVIEWER"))));
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.json().get("title").asText()).isEqualTo("Conflict");

        Http.Response missing = http.get("/api/v1/users/nobody-" + name, token);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Content-Type")).contains("application/problem+json");

        Http.Response noRoute = http.get("/api/v1/no-such-thing", token);
        assertThat(noRoute.status()).isEqualTo(404);

        for (Http.Response response : List.of(malformed, shortPassword, unknownRole, duplicate, missing, noRoute)) {
            assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void prometheusNeedsAMetricsToken() {
        String engineer = users.create("scraper", Role.ML_ENGINEER);
        String viewer = users.create("peeker", Role.VIEWER);
        assertThat(http.get("/actuator/prometheus", null).status()).isEqualTo(401);
        assertThat(http.get("/actuator/prometheus", users.tokenFor(viewer, Role.VIEWER)).status()).isEqualTo(403);
        Http.Response metrics = http.get("/actuator/prometheus", users.tokenFor(engineer, Role.ML_ENGINEER));
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
        assertThat(http.get("/actuator/health", null).json().get("status").asText()).isEqualTo("UP");
    }

    @Test
    void responsesCarrySecurityHeaders() {
        Http.Response page = http.get("/login", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(page.header("Referrer-Policy")).isEqualTo("strict-origin-when-cross-origin");
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'")
                .contains("frame-ancestors 'none'");
        assertThat(http.get("/api/v1/me", null).header("X-Frame-Options")).isEqualTo("DENY");
    }

    @Test
    void openApiDescribesTheApiWithBearerTokens() {
        Http.Response docs = http.get("/v3/api-docs", null);
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.json().get("paths").has("/api/v1/me")).isTrue();
        assertThat(docs.json().get("paths").has("/api/v1/users")).isTrue();
        assertThat(docs.json().at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
        assertThat(http.get("/swagger-ui/index.html", null).status()).isEqualTo(200);
    }

    private Http.Response login(String username, String password) {
        return http.postForm("/login", Map.of("username", username, "password", password));
    }

    private List<String> auditActions(String target) {
        return db.fetchValues("select action from audit_event where target = ? order by id", target).stream()
                .map(String::valueOf).toList();
    }
}
