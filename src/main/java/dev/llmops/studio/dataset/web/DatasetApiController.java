package dev.llmops.studio.dataset.web;

import dev.llmops.studio.dataset.ColumnMapping;
import dev.llmops.studio.dataset.DatasetService;
import dev.llmops.studio.dataset.DatasetSummary;
import dev.llmops.studio.dataset.DatasetVersionInfo;
import dev.llmops.studio.dataset.ErasureResult;
import dev.llmops.studio.dataset.OnRowError;
import dev.llmops.studio.dataset.PiiPolicy;
import dev.llmops.studio.dataset.VersionDiff;
import dev.llmops.studio.dataset.VersionSettings;
import dev.llmops.studio.security.Permission;
import dev.llmops.studio.security.RequiresPermission;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Datasets over REST: upload a file as a new version (streamed; the body is the file), list, read, diff, erase. */
@RestController
@Tag(name = "Datasets")
class DatasetApiController {

    private final DatasetService datasets;

    DatasetApiController(DatasetService datasets) {
        this.datasets = datasets;
    }

    @GetMapping("/api/v1/datasets")
    @RequiresPermission(Permission.DATASETS_VIEW)
    List<DatasetSummary> list() {
        return datasets.list();
    }

    @GetMapping("/api/v1/datasets/{name}/versions")
    @RequiresPermission(Permission.DATASETS_VIEW)
    List<DatasetVersionInfo> versions(@PathVariable String name) {
        return datasets.versions(name);
    }

    /** {@code version} is a number or {@code latest}. */
    @GetMapping("/api/v1/datasets/{name}/versions/{version}")
    @RequiresPermission(Permission.DATASETS_VIEW)
    DatasetVersionInfo version(@PathVariable String name, @PathVariable String version) {
        return datasets.version(name, version);
    }

    @GetMapping(value = "/api/v1/datasets/{name}/versions/{version}/content", produces = "application/x-ndjson")
    @RequiresPermission(Permission.DATASETS_VIEW)
    ResponseEntity<InputStreamResource> content(@PathVariable String name, @PathVariable int version)
            throws IOException {
        InputStream content = datasets.open(name, version);
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-ndjson"))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "-v" + version + ".jsonl\"")
                .body(new InputStreamResource(content));
    }

    @GetMapping("/api/v1/datasets/{name}/diff")
    @RequiresPermission(Permission.DATASETS_VIEW)
    VersionDiff diff(@PathVariable String name, @RequestParam int from, @RequestParam int to) throws IOException {
        return datasets.diff(name, from, to);
    }

    /**
     * The request body is the file (CSV, JSONL or text, up to any size: it is streamed to disk). Mapping columns
     * default to the suggestion for the file's header.
     */
    @PostMapping(value = "/api/v1/datasets/{name}/versions")
    @RequiresPermission(Permission.DATASETS_EDIT)
    @Operation(summary = "Upload a file as the dataset's next version")
    DatasetVersionInfo upload(@PathVariable String name, @RequestParam String fileName,
            @RequestParam(required = false) String prompt, @RequestParam(required = false) String response,
            @RequestParam(required = false) String text, @RequestParam(required = false) String label,
            @RequestParam(required = false) String id, @RequestParam(required = false) List<String> attributes,
            @RequestParam(defaultValue = "0.1") double validation, @RequestParam(defaultValue = "0") double test,
            @RequestParam(defaultValue = "42") long seed, @RequestParam(defaultValue = "true") boolean dedupe,
            @RequestParam(defaultValue = "REDACT") PiiPolicy pii,
            @RequestParam(defaultValue = "SKIP_BAD_ROWS") OnRowError onError,
            @RequestParam(required = false) String keepReason, HttpServletRequest request) throws IOException {
        Path file = Files.createTempFile("upload-", "-" + fileName.replaceAll("[^A-Za-z0-9._-]", "_"));
        try {
            Files.copy(request.getInputStream(), file, StandardCopyOption.REPLACE_EXISTING);
            ColumnMapping mapping = prompt == null && response == null && text == null && label == null
                    && id == null && attributes == null
                    ? datasets.analyze(file, fileName).suggestedMapping()
                    : new ColumnMapping(prompt, response, text, label, id, attributes);
            return datasets.createVersion(name, file, fileName,
                    new VersionSettings(mapping, validation, test, seed, dedupe, pii, onError), keepReason, () -> false);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    record Erasure(String value) {
    }

    @PostMapping("/api/v1/datasets/erasure")
    @RequiresPermission(Permission.DATASETS_ERASE)
    ErasureResult erase(@RequestBody Erasure erasure) throws IOException {
        return datasets.erase(erasure.value());
    }
}
