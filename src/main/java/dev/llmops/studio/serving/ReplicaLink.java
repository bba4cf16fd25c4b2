package dev.llmops.studio.serving;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A replica's line to the server, seen from the worker: in-process for the embedded worker, HTTP for remote ones.
 * Asking for work doubles as the replica's health signal, so a replica that stops asking is taken out of routing.
 */
public interface ReplicaLink {

    /** A local copy of the replica's model package (decrypted by the server for this replica only). */
    Path modelPackage(ReplicaAssignment assignment) throws IOException;

    /** LOADING, READY or FAILED (with what went wrong). */
    void report(ReplicaState state, String message);

    /**
     * Up to {@code capacity} new requests (the replica's free batch slots) and cancellations, waiting up to
     * {@code wait} when there are none.
     */
    ReplicaWork work(int capacity, Duration wait) throws InterruptedException;

    /** Hands over text and ends of requests; never blocks on the network. */
    void send(List<ReplicaEvent> events);

    /** Releases what the link holds (threads, connections) once the replica has stopped. */
    default void close() {
    }
}
