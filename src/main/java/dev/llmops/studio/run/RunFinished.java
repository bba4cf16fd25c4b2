package dev.llmops.studio.run;

import java.util.List;

/**
 * A run reached its end (succeeded, failed or cancelled); published after the change commits, after the
 * {@link StepSucceeded} events of its last steps.
 *
 * @param checkpoints the training checkpoints its tasks left in the artifact store ({@code sha256:…}); nothing
 *                    resumes from them any more
 */
public record RunFinished(long runId, RunStatus status, List<String> checkpoints) {

    public RunFinished {
        checkpoints = List.copyOf(checkpoints);
    }
}
