package dev.llmops.studio.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.router.RouteData;
import com.vaadin.flow.server.VaadinServletContext;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.server.startup.ApplicationRouteRegistry;
import dev.llmops.studio.support.BrowserSupport;
import dev.llmops.studio.support.BrowserSupport.UserSession;
import dev.llmops.studio.pipeline.PipelineGraph;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineTemplates;
import dev.llmops.studio.feedback.ReviewService;
import dev.llmops.studio.run.RunService;
import dev.llmops.studio.run.RunTrigger;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.SignedIn;
import dev.llmops.studio.support.Users;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.context.WebApplicationContext;

/**
 * Every route Vaadin has registered, opened in a real browser by every role and by an anonymous visitor, and
 * compared with what the permission matrix says. Routes come from the router registry, so a new screen is
 * covered (or fails for lack of an access rule) without editing this test.
 */
@H2Test
class RouteAccessMatrixTest {

    @LocalServerPort
    int port;
    @Autowired
    WebApplicationContext web;
    @Autowired
    Users users;
    @Autowired
    PipelineService pipelines;
    @Autowired
    PipelineTemplates templates;
    @Autowired
    RunService runs;
    @Autowired
    ReviewService reviews;

    /** A real value for every route parameter, so parameterised screens are opened on something that exists. */
    private final Map<String, String> parameters = new HashMap<>();

    @Test
    void everyRouteAnswersEveryRoleAsTheMatrixSays() {
        List<RouteData> routes = new ArrayList<>(ApplicationRouteRegistry
                .getInstance(new VaadinServletContext(web.getServletContext())).getRegisteredRoutes());
        routes.sort(Comparator.comparing(RouteData::getTemplate));
        assertThat(routes).extracting(RouteData::getTemplate).contains("", "login", "about", "account",
                "admin/users", "admin/audit", "pipelines", "pipelines/:pipelineId", "runs", "runs/:runId", "datasets", "datasets/upload",
                "dataset/:name", "workers");
        for (RouteData route : routes) {
            Class<?> view = route.getNavigationTarget();
            assertThat(view.isAnnotationPresent(AnonymousAllowed.class)
                    || view.isAnnotationPresent(RequiresPermission.class))
                    .as("route '%s' (%s) must declare @RequiresPermission or @AnonymousAllowed",
                            route.getTemplate(), view.getSimpleName())
                    .isTrue();
        }

        String engineer = users.create("matrix-owner", Role.ML_ENGINEER);
        PipelineGraph sixSteps = templates.get("fine-tune-and-deploy").graph();
        long pipelineId = SignedIn.as(engineer, List.of(Role.ML_ENGINEER),
                () -> pipelines.create(Users.uniqueName("matrix"), null, sixSteps, null).id());
        parameters.put("pipelineId", String.valueOf(pipelineId));
        parameters.put("name", "support-replies"); // the demo dataset every fresh database has
        parameters.put("runId", String.valueOf(SignedIn.as(engineer, List.of(Role.ML_ENGINEER),
                () -> runs.start(pipelineId, RunTrigger.MANUAL).id())));
        parameters.put("queue", SignedIn.as(engineer, List.of(Role.ML_ENGINEER),
                () -> reviews.createQueue(Users.uniqueName("matrix-queue"), null, 1).name()));

        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        try (BrowserSupport browser = new BrowserSupport(port)) {
            try (UserSession anonymous = browser.newSession()) {
                for (RouteData route : routes) {
                    boolean open = route.getNavigationTarget().isAnnotationPresent(AnonymousAllowed.class);
                    anonymous.open("/" + path(route));
                    boolean onLogin = anonymous.page.url().endsWith("/login");
                    boolean refused = anonymous.page.locator("#not-found").count() > 0;
                    boolean sawRoute = open ? !refused : onLogin;
                    if (!sawRoute) {
                        mismatches.add("anonymous → /" + path(route) + ": expected " + (open ? "the page" : "the sign-in page") + ", got "
                                + anonymous.page.url());
                    }
                    checked++;
                }
            }
            for (Role role : Role.values()) {
                String username = users.create("matrix-" + role.name().toLowerCase().replace('_', '-'), role);
                try (UserSession session = browser.newSession()) {
                    session.signInExpectingSuccess(username, Users.PASSWORD);
                    for (RouteData route : routes) {
                        boolean expected = allowed(route.getNavigationTarget(), role);
                        session.open("/" + path(route));
                        boolean refused = session.page.locator("#not-found").count() > 0;
                        if (expected == refused) {
                            mismatches.add(role + " → /" + path(route) + ": expected "
                                    + (expected ? "access" : "refusal") + ", got " + (refused ? "refusal" : "access"));
                        }
                        checked++;
                    }
                }
            }
        }
        assertThat(mismatches).as("role × route mismatches").isEmpty();
        assertThat(checked).isEqualTo(routes.size() * (Role.values().length + 1));
    }

    private static boolean allowed(Class<?> view, Role role) {
        if (view.isAnnotationPresent(AnonymousAllowed.class)) {
            return true;
        }
        return view.getAnnotation(RequiresPermission.class).value().roles().contains(role);
    }

    /** Fills route parameters with real values; a parameter without one fails the test until it gets one. */
    private String path(RouteData route) {
        Matcher parameter = Pattern.compile(":([A-Za-z0-9_]+)(\\([^)]*\\))?\\??").matcher(route.getTemplate());
        StringBuilder path = new StringBuilder();
        while (parameter.find()) {
            String value = parameters.get(parameter.group(1));
            assertThat(value).as("a sample value for route parameter '%s' of '%s'", parameter.group(1),
                    route.getTemplate()).isNotNull();
            parameter.appendReplacement(path, value);
        }
        parameter.appendTail(path);
        return path.toString();
    }
}
