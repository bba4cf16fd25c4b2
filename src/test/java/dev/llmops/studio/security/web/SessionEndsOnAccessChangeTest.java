package dev.llmops.studio.security.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import dev.llmops.studio.security.Role;
import dev.llmops.studio.security.users.UserAccountService;
import dev.llmops.studio.support.BrowserSupport;
import dev.llmops.studio.support.BrowserSupport.UserSession;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A signed-in browser session ends at its next request once an admin disables the user or changes roles. */
@H2Test
class SessionEndsOnAccessChangeTest {

    @LocalServerPort
    int port;
    @Autowired
    Users users;
    @Autowired
    UserAccountService accounts;

    @Test
    void disablingOrChangingRolesSendsOpenSessionsBackToSignIn() {
        String disabled = users.create("open-session", Role.ADMIN);
        String demoted = users.create("demoted", Role.ADMIN);
        try (BrowserSupport browser = new BrowserSupport(port);
                UserSession first = browser.newSession();
                UserSession second = browser.newSession()) {
            first.signInExpectingSuccess(disabled, Users.PASSWORD);
            second.signInExpectingSuccess(demoted, Users.PASSWORD);
            assertThat(second.page.locator("#main-nav")).containsText("Users");

            SignedIn.run("admin", List.of(Role.ADMIN), () -> {
                accounts.setEnabled(disabled, false);
                accounts.setRoles(demoted, Set.of(Role.VIEWER));
            });

            first.page.locator("#main-nav").getByText("Account").click();
            assertThat(first.page).hasURL(Pattern.compile(".*/login$"));

            second.page.locator("#main-nav").getByText("Users").click();
            assertThat(second.page).hasURL(Pattern.compile(".*/login$"));
            second.signInExpectingSuccess(demoted, Users.PASSWORD);
            assertThat(second.page.locator("#main-nav")).not().containsText("Users");
        }
    }
}
