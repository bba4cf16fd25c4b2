package dev.llmops.studio.run;

import java.util.Set;

/**
 * What a worker asks for work with. CPU cores are compared with the step's need but not reserved (CPU time is
 * shared, as in Kubernetes); GPUs and memory are what is still free after the worker's running steps. A worker
 * takes only the step types it has executors for, so a fleet can mix, say, training boxes and light workers.
 */
public record WorkerOffer(int cpuCores, int freeGpus, long freeMemoryMb, Set<String> labels, Set<String> nodeTypes) {

    public WorkerOffer {
        labels = labels == null ? Set.of() : Set.copyOf(labels);
        nodeTypes = nodeTypes == null ? Set.of() : Set.copyOf(nodeTypes);
    }
}
