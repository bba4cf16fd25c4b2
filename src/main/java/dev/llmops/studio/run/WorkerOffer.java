package dev.llmops.studio.run;

import java.util.Set;

/**
 * What a worker asks for work with. CPU cores are compared with the step's need but not reserved (CPU time is
 * shared, as in Kubernetes); GPUs and memory are what is still free after the worker's running steps.
 */
public record WorkerOffer(int cpuCores, int freeGpus, long freeMemoryMb, Set<String> labels) {

    public WorkerOffer {
        labels = labels == null ? Set.of() : Set.copyOf(labels);
    }
}
