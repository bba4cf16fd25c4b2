package dev.llmops.studio.security.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.studio.security.RequiresPermission;
import dev.llmops.studio.security.Role;
import dev.llmops.studio.support.H2Test;
import dev.llmops.studio.support.Http;
import dev.llmops.studio.support.Users;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every REST mapping under /api, called over HTTP with a token of every role and with none, against the
 * permission matrix. Mappings come from Spring MVC itself, so a new endpoint is covered automatically.
 */
@H2Test
class ApiAccessMatrixTest {

    @LocalServerPort
    int port;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;
    @Autowired
    Users users;

    @Test
    void everyEndpointAnswersEveryRoleAsTheMatrixSays() {
        Http http = new Http(port);
        Map<Role, String> tokens = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            String username = users.create("api-" + role.name().toLowerCase().replace('_', '-'), role);
            tokens.put(role, users.tokenFor(username, role));
        }

        List<String> mismatches = new ArrayList<>();
        int endpoints = 0;
        for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mappings.getHandlerMethods().entrySet()) {
            for (String pattern : entry.getKey().getPatternValues()) {
                if (!pattern.startsWith("/api/")) {
                    continue;
                }
                endpoints++;
                RequiresPermission required = ApiPermissionInterceptor.requiredPermission(entry.getValue());
                assertThat(required).as("%s must declare @RequiresPermission", entry.getValue()).isNotNull();
                String path = pattern.replaceAll("\\{[^}]+}", "someone").replace("/**", "/anything");
                for (RequestMethod method : methods(entry.getKey())) {
                    int anonymous = call(http, method, path, null);
                    if (anonymous != 401) {
                        mismatches.add("anonymous " + method + " " + path + " → " + anonymous + ", expected 401");
                    }
                    for (Role role : Role.values()) {
                        int status = call(http, method, path, tokens.get(role));
                        boolean allowed = required.value().roles().contains(role);
                        boolean refused = status == 403 || status == 401;
                        if (allowed == refused) {
                            mismatches.add(role + " " + method + " " + path + " → " + status + ", expected "
                                    + (allowed ? "access" : "403"));
                        }
                    }
                }
            }
        }
        assertThat(endpoints).as("API endpoints found").isGreaterThanOrEqualTo(6);
        assertThat(mismatches).as("role × endpoint mismatches").isEmpty();
    }

    private static List<RequestMethod> methods(RequestMappingInfo info) {
        var declared = info.getMethodsCondition().getMethods();
        return declared.isEmpty() ? List.of(RequestMethod.GET, RequestMethod.POST) : List.copyOf(declared);
    }

    private static int call(Http http, RequestMethod method, String path, String token) {
        return method == RequestMethod.GET ? http.get(path, token).status()
                : http.send(method.name(), path, token, "{}").status();
    }
}
