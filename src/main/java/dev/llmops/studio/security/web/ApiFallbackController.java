package dev.llmops.studio.security.web;

import dev.llmops.studio.platform.NotFoundException;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Unknown paths under /api answer 404 problem JSON; without this they would fall through to Vaadin, which
 * serves its HTML page for any path it does not know.
 */
@Hidden
@RestController
@RequiresPermission(Permission.APP_USE)
class ApiFallbackController {

    @RequestMapping("/api/**")
    void unknown(HttpServletRequest request) {
        throw new NotFoundException("No API endpoint " + request.getMethod() + " " + request.getRequestURI()
                + ". See /swagger-ui.html for the API.");
    }
}
