package dev.llmops.studio.registry;

import java.util.List;

/**
 * Something that uses registered model versions (a deployed endpoint): a version in use cannot be deleted.
 * Features implement this as a bean; the registry asks all of them.
 */
public interface ModelVersionUsage {

    /** What uses the version, as short descriptions ("endpoint support-assistant"); empty when nothing does. */
    List<String> usesOf(String modelName, int version);
}
