package dev.llmops.studio.run;

import dev.llmops.studio.artifact.ArtifactRef;
import dev.llmops.studio.artifact.ArtifactStore;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Training checkpoints hold a model's weights and exist only so a retried attempt can resume: once the run has
 * ended nothing resumes from them, and they are deleted rather than left in plaintext on disk.
 */
@Component
class RunCheckpointCleanup {

    private static final Logger log = LoggerFactory.getLogger(RunCheckpointCleanup.class);

    private final ArtifactStore artifacts;

    RunCheckpointCleanup(ArtifactStore artifacts) {
        this.artifacts = artifacts;
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(RunFinished finished) {
        for (String checkpoint : finished.checkpoints()) {
            try {
                artifacts.delete(ArtifactRef.parse(checkpoint));
            } catch (IOException e) {
                log.warn("Could not delete checkpoint {} of run {}: {}", checkpoint, finished.runId(), e.getMessage());
            }
        }
    }
}
