package dev.llmops.studio.security.web;

import dev.llmops.studio.security.CurrentUser;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import dev.llmops.studio.security.Role;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/me")
@RequiresPermission(Permission.APP_USE)
class MeController {

    record Me(String username, Set<Role> roles, Set<Permission> permissions) {
    }

    private final CurrentUser currentUser;

    MeController(CurrentUser currentUser) {
        this.currentUser = currentUser;
    }

    @GetMapping
    Me me() {
        Set<Role> roles = currentUser.roles();
        return new Me(currentUser.username().orElseThrow(), roles, Permission.grantedBy(roles));
    }
}
