package dev.llmops.studio.support;

import dev.llmops.studio.security.Role;
import dev.llmops.studio.security.account.ApiTokenService;
import dev.llmops.studio.security.users.UserAccountService;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/** Creates users and tokens through the real services, with names unique within a shared test context. */
@Component
public class Users {

    public static final String PASSWORD = "correct-horse-battery";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final UserAccountService accounts;
    private final ApiTokenService tokens;

    public Users(UserAccountService accounts, ApiTokenService tokens) {
        this.accounts = accounts;
        this.tokens = tokens;
    }

    public static String uniqueName(String stem) {
        return stem + "-" + SEQUENCE.incrementAndGet() + "-" + System.nanoTime() % 100_000;
    }

    /** A new enabled user with {@link #PASSWORD}. */
    public String create(String stem, Role... roles) {
        String username = uniqueName(stem);
        SignedIn.run("admin", List.of(Role.ADMIN), () -> accounts.create(
                new UserAccountService.NewUser(username, null, PASSWORD, Set.of(roles))));
        return username;
    }

    /** A fresh API token secret belonging to the user. */
    public String tokenFor(String username, Role... roles) {
        return SignedIn.as(username, List.of(roles), () -> tokens.create("test").secret());
    }
}
