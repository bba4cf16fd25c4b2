package dev.llmops.studio.serving;

import dev.llmops.studio.registry.ModelVersionUsage;
import java.util.List;
import org.springframework.stereotype.Component;

/** A model version deployed on an endpoint (not retired) cannot be deleted from the registry. */
@Component
class EndpointModelUsage implements ModelVersionUsage {

    private final EndpointRepository repository;

    EndpointModelUsage(EndpointRepository repository) {
        this.repository = repository;
    }

    @Override
    public List<String> usesOf(String modelName, int version) {
        return repository.endpointsUsing(modelName, version).stream().map(name -> "endpoint " + name).toList();
    }
}
