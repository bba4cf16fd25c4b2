package dev.llmops.studio.pipeline.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.studio.pipeline.PipelineJson;
import dev.llmops.studio.pipeline.PipelineService;
import dev.llmops.studio.pipeline.PipelineSummary;
import dev.llmops.studio.pipeline.PipelineVersionInfo;
import dev.llmops.studio.pipeline.ValidationIssue;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Pipelines as code: list, fetch, import, save (conditional on the version you started from), validate and
 * delete, in the same JSON format as the designer's export.
 */
@RestController
@RequestMapping("/api/v1/pipelines")
class PipelineApiController {

    private final PipelineService pipelines;

    PipelineApiController(PipelineService pipelines) {
        this.pipelines = pipelines;
    }

    @GetMapping
    @RequiresPermission(Permission.PIPELINES_VIEW)
    List<PipelineSummary> list(@RequestParam(required = false) String search) {
        return pipelines.list(search);
    }

    @GetMapping(value = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @RequiresPermission(Permission.PIPELINES_VIEW)
    String graph(@PathVariable long id) {
        return pipelines.exportJson(id);
    }

    @GetMapping("/{id}/versions")
    @RequiresPermission(Permission.PIPELINES_VIEW)
    List<PipelineVersionInfo> versions(@PathVariable long id) {
        return pipelines.history(id);
    }

    @PostMapping("/validate")
    @RequiresPermission(Permission.PIPELINES_VIEW)
    List<ValidationIssue> validate(@RequestBody JsonNode graph) {
        return pipelines.validate(PipelineJson.read(graph.toString()));
    }

    @PostMapping
    @RequiresPermission(Permission.PIPELINES_EDIT)
    ResponseEntity<PipelineSummary> create(@RequestParam String name, @RequestBody JsonNode graph) {
        PipelineSummary created = pipelines.importJson(name, graph.toString());
        return ResponseEntity.created(URI.create("/api/v1/pipelines/" + created.id())).body(created);
    }

    /** 409 with the newer version's author when someone saved since {@code baseVersion}. */
    @PutMapping("/{id}")
    @RequiresPermission(Permission.PIPELINES_EDIT)
    PipelineSummary save(@PathVariable long id, @RequestParam int baseVersion,
            @RequestParam(required = false) String message, @RequestBody JsonNode graph) {
        return pipelines.save(id, baseVersion, PipelineJson.read(graph.toString()), message);
    }

    @DeleteMapping("/{id}")
    @RequiresPermission(Permission.PIPELINES_EDIT)
    ResponseEntity<Void> delete(@PathVariable long id) {
        pipelines.delete(id);
        return ResponseEntity.noContent().build();
    }
}
