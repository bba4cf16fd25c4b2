package dev.llmops.studio.serving;

import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Endpoints over REST (personal API tokens): deploy, roll out, promote, roll back, settings, stop, API keys, and
 * the activity log with autoscaling decisions. The service checks each action's permission.
 */
@RestController
@Tag(name = "Endpoints")
class EndpointApiController {

    private final EndpointService endpoints;

    EndpointApiController(EndpointService endpoints) {
        this.endpoints = endpoints;
    }

    record Deploy(String endpoint, String modelName, int modelVersion, Integer canaryPercent,
                  EndpointSettings settings) {
    }

    record NewKey(String name, Integer requestsPerMinute, Integer tokensPerMinute) {
    }

    record Traffic(int canaryPercent) {
    }

    @GetMapping("/api/v1/endpoints")
    @RequiresPermission(Permission.ENDPOINTS_VIEW)
    List<EndpointInfo> list() {
        return endpoints.list();
    }

    @GetMapping("/api/v1/endpoints/{name}")
    @RequiresPermission(Permission.ENDPOINTS_VIEW)
    EndpointInfo get(@PathVariable String name) {
        return endpoints.get(name);
    }

    @GetMapping("/api/v1/endpoints/{name}/events")
    @RequiresPermission(Permission.ENDPOINTS_VIEW)
    List<EndpointEvent> events(@PathVariable String name, @RequestParam(defaultValue = "50") int limit) {
        return endpoints.events(name, Math.max(1, Math.min(limit, 500)));
    }

    @GetMapping("/api/v1/endpoints/{name}/replicas")
    @RequiresPermission(Permission.ENDPOINTS_VIEW)
    List<ReplicaInfo> replicas(@PathVariable String name) {
        return endpoints.replicas(name);
    }

    /** Deploys a model version: a new endpoint, a zero-downtime replacement, or a canary. */
    @PostMapping("/api/v1/endpoints")
    @RequiresPermission(Permission.ENDPOINTS_DEPLOY)
    EndpointInfo deploy(@RequestBody Deploy deploy) {
        return endpoints.deploy(new DeployCommand(deploy.endpoint(), deploy.modelName(), deploy.modelVersion(),
                deploy.canaryPercent() == null ? 0 : deploy.canaryPercent(), deploy.settings()));
    }

    @PostMapping("/api/v1/endpoints/{name}/promote")
    @RequiresPermission(Permission.ENDPOINTS_DEPLOY)
    EndpointInfo promote(@PathVariable String name) {
        return endpoints.promote(name);
    }

    @PostMapping("/api/v1/endpoints/{name}/rollback")
    @RequiresPermission(Permission.ENDPOINTS_DEPLOY)
    EndpointInfo rollback(@PathVariable String name) {
        return endpoints.rollback(name);
    }

    @PutMapping("/api/v1/endpoints/{name}/traffic")
    @RequiresPermission(Permission.ENDPOINTS_DEPLOY)
    EndpointInfo traffic(@PathVariable String name, @RequestBody Traffic traffic) {
        return endpoints.setCanaryTraffic(name, traffic.canaryPercent());
    }

    @PutMapping("/api/v1/endpoints/{name}/settings")
    @RequiresPermission(Permission.ENDPOINTS_DEPLOY)
    EndpointInfo settings(@PathVariable String name, @RequestBody EndpointSettings settings) {
        return endpoints.updateSettings(name, settings);
    }

    @DeleteMapping("/api/v1/endpoints/{name}")
    @RequiresPermission(Permission.ENDPOINTS_DEPLOY)
    ResponseEntity<Void> stop(@PathVariable String name) {
        endpoints.stop(name);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/v1/endpoints/{name}/keys")
    @RequiresPermission(Permission.ENDPOINTS_VIEW)
    List<ApiKeyInfo> keys(@PathVariable String name) {
        return endpoints.keys(name);
    }

    /** The secret is in this answer only; it is stored as a hash. */
    @PostMapping("/api/v1/endpoints/{name}/keys")
    @RequiresPermission(Permission.ENDPOINTS_KEYS)
    CreatedApiKey createKey(@PathVariable String name, @RequestBody NewKey key) {
        return endpoints.createKey(name, key.name(), key.requestsPerMinute(), key.tokensPerMinute());
    }

    @DeleteMapping("/api/v1/endpoints/{name}/keys/{keyId}")
    @RequiresPermission(Permission.ENDPOINTS_KEYS)
    ResponseEntity<Void> revokeKey(@PathVariable String name, @PathVariable long keyId) {
        endpoints.revokeKey(name, keyId);
        return ResponseEntity.noContent().build();
    }
}
