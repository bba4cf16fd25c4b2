package dev.llmops.studio.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The ready-made pipelines shipped in {@code templates/*.json} (top-level {@code templates/} in the source
 * tree, packaged into the jar). Read once at start-up: a template that cannot be read is a packaging mistake,
 * so it stops the application instead of silently disappearing from the list.
 */
@Component
public class PipelineTemplates {

    static final String LOCATION = "classpath:templates/*.json";

    private final List<PipelineTemplate> templates;

    public PipelineTemplates() {
        this(new PathMatchingResourcePatternResolver(PipelineTemplates.class.getClassLoader()), LOCATION);
    }

    PipelineTemplates(ResourcePatternResolver resolver, String locationPattern) {
        List<PipelineTemplate> loaded = new ArrayList<>();
        try {
            for (Resource resource : resolver.getResources(locationPattern)) {
                loaded.add(load(resource));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list the pipeline templates at " + locationPattern, e);
        }
        loaded.sort(Comparator.comparing(PipelineTemplate::name).thenComparing(PipelineTemplate::id));
        this.templates = List.copyOf(loaded);
    }

    /** Sorted by name. */
    public List<PipelineTemplate> all() {
        return templates;
    }

    /** The template with this id (its file name without {@code .json}). */
    public PipelineTemplate get(String id) {
        return all().stream().filter(t -> t.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No template '" + id + "'"));
    }

    private static PipelineTemplate load(Resource resource) {
        String fileName = resource.getFilename();
        String id = fileName.substring(0, fileName.length() - ".json".length());
        try (InputStream in = resource.getInputStream()) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            PipelineGraph graph = PipelineJson.read(json);
            // read() ignores name and description, so they come from a second, lenient look at the same text
            JsonNode root = new ObjectMapper().readTree(json);
            String name = root.path("name").asText(id);
            String description = root.path("description").asText("");
            return new PipelineTemplate(id, name, description, graph);
        } catch (IOException | InvalidPipelineFileException e) {
            throw new IllegalStateException("Pipeline template " + fileName + " cannot be read: " + e.getMessage(), e);
        }
    }
}
