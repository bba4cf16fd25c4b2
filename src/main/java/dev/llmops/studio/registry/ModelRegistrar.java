package dev.llmops.studio.registry;

import dev.llmops.studio.pipeline.NodeType;
import dev.llmops.studio.pipeline.NodeTypeCatalog;
import dev.llmops.studio.pipeline.Port;
import dev.llmops.studio.pipeline.PortType;
import dev.llmops.studio.run.RunFinished;
import dev.llmops.studio.run.StepSucceeded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/** Every MODEL a step outputs (fine-tune, quantize, …) becomes a registered version once the step has succeeded. */
@Component
class ModelRegistrar {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistrar.class);

    private final NodeTypeCatalog catalog;
    private final ModelRegistryService registry;

    ModelRegistrar(NodeTypeCatalog catalog, ModelRegistryService registry) {
        this.catalog = catalog;
        this.registry = registry;
    }

    private static final int ATTEMPTS = 5;

    @TransactionalEventListener(fallbackExecution = true)
    void on(StepSucceeded step) {
        NodeType type = catalog.find(step.nodeType()).orElse(null);
        if (type == null) {
            return;
        }
        for (Port port : type.outputs()) {
            String artifact = step.outputs().get(port.id());
            if (port.type() == PortType.MODEL && artifact != null) {
                register(step, artifact);
            }
        }
    }

    /**
     * Once its run has ended, a registered model's plaintext package leaves the artifact store: the vault keeps
     * the encrypted copy, and no step of the run will read it again.
     */
    @TransactionalEventListener(fallbackExecution = true)
    void on(RunFinished finished) {
        try {
            int removed = registry.removePlaintextPackages(finished.runId());
            if (removed > 0) {
                log.info("Removed {} plaintext model package(s) of run {}; the vault keeps them encrypted", removed,
                        finished.runId());
            }
        } catch (RuntimeException | java.io.IOException e) {
            log.error("Could not remove the plaintext model packages of run {}", finished.runId(), e);
        }
    }

    private void register(StepSucceeded step, String artifact) {
        for (int attempt = 1; ; attempt++) {
            try {
                registry.registerStepOutput(step, artifact).ifPresent(version -> log.info(
                        "Registered {} from step {} of run {}", version.label(), step.nodeId(), step.runId()));
                return;
            } catch (DuplicateKeyException e) {
                // two steps created the same new model at once; the other one's row exists now
                if (attempt == ATTEMPTS) {
                    log.error("Could not register the model of step {} of run {}", step.nodeId(), step.runId(), e);
                    return;
                }
                sleep(50L * attempt);
            } catch (RuntimeException e) {
                // the run has succeeded; a failed registration must not undo that, but it must be visible
                log.error("Could not register the model of step {} of run {}", step.nodeId(), step.runId(), e);
                return;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
