package dev.llmops.studio.serving;

import java.util.List;

/**
 * What the server hands a replica when it asks for work: new requests, ids of requests whose client went away,
 * and {@code stop} once the replica should finish what it holds and shut down.
 */
public record ReplicaWork(List<ReplicaRequest> requests, List<String> cancelled, boolean stop) {

    static final ReplicaWork NONE = new ReplicaWork(List.of(), List.of(), false);
    static final ReplicaWork STOP = new ReplicaWork(List.of(), List.of(), true);
}
