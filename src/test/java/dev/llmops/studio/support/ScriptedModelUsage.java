package dev.llmops.studio.support;

import dev.llmops.studio.registry.ModelVersionUsage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Lets a test mark a model version as in use (as a deployed endpoint will), until serving exists to do it for real.
 */
@Component
public class ScriptedModelUsage implements ModelVersionUsage {

    private static final Map<String, String> USES = new ConcurrentHashMap<>();

    public static void use(String modelName, int version, String by) {
        USES.put(modelName + "#" + version, by);
    }

    public static void release(String modelName, int version) {
        USES.remove(modelName + "#" + version);
    }

    @Override
    public List<String> usesOf(String modelName, int version) {
        String use = USES.get(modelName + "#" + version);
        return use == null ? List.of() : List.of(use);
    }
}
