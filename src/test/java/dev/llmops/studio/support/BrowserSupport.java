package dev.llmops.studio.support;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Headless Chromium from the machine (Debian's /usr/bin/chromium), driven by Playwright for Java. Nothing is
 * downloaded: the browser path is fixed and background networking is off.
 */
public final class BrowserSupport implements AutoCloseable {

    public static final Path SCREENSHOTS = Paths.get("target", "screenshots");
    private static final Path CHROMIUM = Paths.get(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));

    private final Playwright playwright;
    private final Browser browser;
    private final String baseUrl;

    public BrowserSupport(int port) {
        this.baseUrl = "http://localhost:" + port;
        this.playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        this.browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM)
                .setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic")));
    }

    /** A fresh, isolated browser profile (cookies, session) with a desktop-sized window. */
    public UserSession newSession() {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1366, 860));
        context.setDefaultTimeout(20_000);
        return new UserSession(context.newPage());
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }

    /** One user's tab, with the console errors it produced (CSP violations show up there). */
    public final class UserSession implements AutoCloseable {
        public final Page page;
        public final List<String> consoleErrors = new ArrayList<>();

        UserSession(Page page) {
            this.page = page;
            page.onPageError(error -> consoleErrors.add("page error: " + error));
            page.onConsoleMessage(message -> {
                // the browser asks for /favicon.ico on its own; the app has none yet
                if ("error".equals(message.type()) && !message.location().contains("favicon.ico")) {
                    consoleErrors.add(message.text());
                }
            });
        }

        public void open(String path) {
            page.navigate(baseUrl + path);
            waitForView();
        }

        public void signIn(String username, String password) {
            open("/login");
            page.getByLabel("User name").fill(username);
            page.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill(password);
            page.locator("vaadin-login-form vaadin-button[slot=submit], vaadin-login-form vaadin-button")
                    .filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText("Log in")).click();
        }

        public void signInExpectingSuccess(String username, String password) {
            signIn(username, password);
            page.waitForURL(Pattern.compile("^" + Pattern.quote(baseUrl) + "/(\\?continue)?$"));
            page.locator("vaadin-app-layout").waitFor();
            waitForView();
        }

        public void signOut() {
            page.locator("#user-menu vaadin-menu-bar-button").first().click();
            page.locator("vaadin-menu-bar-item").filter(
                    new com.microsoft.playwright.Locator.FilterOptions().setHasText("Sign out")).click();
            page.waitForURL(Pattern.compile(".*/login.*"));
        }

        /**
         * Waits until a Vaadin view has rendered. Later checks use Playwright's retrying assertions, which wait
         * for server round-trips to land.
         */
        public void waitForView() {
            page.locator("vaadin-app-layout, vaadin-login-form, #not-found").first().waitFor();
        }

        public Path screenshot(String name) {
            try {
                Files.createDirectories(SCREENSHOTS);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Path file = SCREENSHOTS.resolve(name + ".png");
            page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true)
                    .setAnimations(com.microsoft.playwright.options.ScreenshotAnimations.DISABLED));
            return file;
        }

        @Override
        public void close() {
            page.context().close();
        }
    }
}
