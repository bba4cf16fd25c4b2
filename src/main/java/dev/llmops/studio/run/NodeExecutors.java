package dev.llmops.studio.run;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The executors registered by features, by node type. */
@WorkerComponent
public class NodeExecutors {

    private final Map<String, NodeExecutor> byType;

    NodeExecutors(List<NodeExecutor> executors) {
        this.byType = executors.stream().collect(Collectors.toUnmodifiableMap(NodeExecutor::nodeType,
                Function.identity(), (a, b) -> {
                    if (a.fallback() != b.fallback()) {
                        return a.fallback() ? b : a;
                    }
                    throw new IllegalStateException("Two executors for node type " + a.nodeType() + ": "
                            + a.getClass().getName() + " and " + b.getClass().getName());
                }));
    }

    public Optional<NodeExecutor> find(String nodeType) {
        return Optional.ofNullable(byType.get(nodeType));
    }

    /** The node types this process can run, sorted. */
    public SortedSet<String> types() {
        return new TreeSet<>(byType.keySet());
    }

    public boolean runnable(String nodeType) {
        return byType.containsKey(nodeType);
    }
}
