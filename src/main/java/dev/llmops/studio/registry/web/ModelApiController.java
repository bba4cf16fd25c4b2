package dev.llmops.studio.registry.web;

import dev.llmops.studio.registry.ModelRegistryService;
import dev.llmops.studio.registry.ModelVersionInfo;
import dev.llmops.studio.registry.RegisteredModel;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.util.List;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The model registry over REST: models and versions, the model card as Markdown, aliases, notes, audited weight
 * downloads and deletion. The service checks each action's own permission (promoting to production, downloading).
 */
@RestController
@Tag(name = "Models")
class ModelApiController {

    private final ModelRegistryService registry;

    ModelApiController(ModelRegistryService registry) {
        this.registry = registry;
    }

    @GetMapping("/api/v1/models")
    @RequiresPermission(Permission.MODELS_VIEW)
    List<RegisteredModel> list(@RequestParam(required = false) String search) {
        return registry.list(search);
    }

    @GetMapping("/api/v1/models/{name}/versions")
    @RequiresPermission(Permission.MODELS_VIEW)
    List<ModelVersionInfo> versions(@PathVariable String name) {
        return registry.versions(name);
    }

    @GetMapping("/api/v1/models/{name}/versions/{version}")
    @RequiresPermission(Permission.MODELS_VIEW)
    ModelVersionInfo version(@PathVariable String name, @PathVariable int version) {
        return registry.version(name, version);
    }

    @GetMapping(value = "/api/v1/models/{name}/versions/{version}/card", produces = "text/markdown")
    @RequiresPermission(Permission.MODELS_VIEW)
    String card(@PathVariable String name, @PathVariable int version) {
        return registry.card(name, version);
    }

    /** The decrypted package (a zip of a Hugging Face folder); audited. */
    @GetMapping(value = "/api/v1/models/{name}/versions/{version}/download", produces = "application/zip")
    @RequiresPermission(Permission.MODELS_DOWNLOAD)
    ResponseEntity<InputStreamResource> download(@PathVariable String name, @PathVariable int version)
            throws IOException {
        ModelVersionInfo info = registry.version(name, version);
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/zip"))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\""
                        + name.replaceAll("[^A-Za-z0-9._-]+", "-") + "-v" + version + ".zip\"")
                .contentLength(info.sizeBytes())
                .body(new InputStreamResource(registry.download(name, version)));
    }

    /** Points {@code candidate} or {@code production} at this version. */
    @PutMapping("/api/v1/models/{name}/aliases/{alias}")
    @RequiresPermission(Permission.MODELS_VIEW)
    ModelVersionInfo setAlias(@PathVariable String name, @PathVariable String alias,
            @RequestBody AliasTarget target) {
        return registry.setAlias(name, target.version(), alias);
    }

    record AliasTarget(int version) {
    }

    /** Body {@code {"notes": "…"}}; empty or null clears them. */
    @PutMapping("/api/v1/models/{name}/versions/{version}/notes")
    @RequiresPermission(Permission.MODELS_EDIT)
    ModelVersionInfo notes(@PathVariable String name, @PathVariable int version, @RequestBody Notes notes) {
        return registry.setNotes(name, version, notes.notes());
    }

    record Notes(String notes) {
    }

    @DeleteMapping("/api/v1/models/{name}/versions/{version}")
    @RequiresPermission(Permission.MODELS_EDIT)
    ResponseEntity<Void> delete(@PathVariable String name, @PathVariable int version) throws IOException {
        registry.delete(name, version);
        return ResponseEntity.noContent().build();
    }
}
