package dev.llmops.studio.security.users;

import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import dev.llmops.studio.security.Role;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** User administration over REST, for scripts and provisioning; the same service and rules as the Users screen. */
@RestController
@RequestMapping("/api/v1/users")
@RequiresPermission(Permission.USERS_MANAGE)
class UserApiController {

    record CreateUserRequest(String username, String displayName, String password, List<String> roles) {
    }

    record RolesRequest(List<String> roles) {
    }

    record EnabledRequest(Boolean enabled) {
    }

    private final UserAccountService users;

    UserApiController(UserAccountService users) {
        this.users = users;
    }

    @GetMapping
    List<UserAccount> list() {
        return users.list();
    }

    @GetMapping("/{username}")
    UserAccount get(@PathVariable String username) {
        return users.get(username);
    }

    @PostMapping
    ResponseEntity<UserAccount> create(@RequestBody CreateUserRequest request) {
        UserAccount created = users.create(new UserAccountService.NewUser(request.username(),
                request.displayName(), request.password(), roles(request.roles())));
        return ResponseEntity.created(URI.create("/api/v1/users/" + created.username())).body(created);
    }

    @PutMapping("/{username}/roles")
    UserAccount setRoles(@PathVariable String username, @RequestBody RolesRequest request) {
        return users.setRoles(username, roles(request.roles()));
    }

    @PutMapping("/{username}/enabled")
    UserAccount setEnabled(@PathVariable String username, @RequestBody EnabledRequest request) {
        if (request.enabled() == null) {
            throw new dev.llmops.studio.platform.InvalidRequestException("enabled", "Send {\"enabled\": true|false}.");
        }
        return users.setEnabled(username, request.enabled());
    }

    private static Set<Role> roles(List<String> names) {
        return names == null ? Set.of() : names.stream().map(Role::parse).collect(Collectors.toSet());
    }
}
