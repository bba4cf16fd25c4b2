package dev.llmops.studio.worker;

import dev.llmops.studio.serving.ReplicaAssignment;
import dev.llmops.studio.serving.ReplicaEvent;
import dev.llmops.studio.serving.ReplicaHost;
import dev.llmops.studio.serving.ReplicaLink;
import dev.llmops.studio.serving.ReplicaState;
import dev.llmops.studio.serving.ReplicaWork;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the model replicas the server assigns to this worker, one thread each, and stops those it no longer
 * lists. Over HTTP each replica gets two helper threads: one long-polls for requests (which is also the replica's
 * health signal), one sends tokens, so the decode loop never waits on the network.
 */
final class ReplicaSupervisor {

    private static final Logger log = LoggerFactory.getLogger(ReplicaSupervisor.class);

    private final ReplicaTransport transport;
    private final boolean remote;
    private final Duration interval;
    private final Path workDir;
    private final Map<Long, Running> running = new ConcurrentHashMap<>();
    private Thread thread;
    private volatile boolean active;

    ReplicaSupervisor(ReplicaTransport transport, boolean remote, Duration interval, Path workDir) {
        this.transport = transport;
        this.remote = remote;
        this.interval = interval;
        this.workDir = workDir;
    }

    private record Running(ReplicaHost host, Thread thread) {
    }

    void start() {
        active = true;
        thread = new Thread(this::loop, "replica-supervisor");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        active = false;
        if (thread != null) {
            thread.interrupt();
        }
        running.values().forEach(r -> r.host().stop());
        for (Running r : running.values()) {
            try {
                r.thread().join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        running.values().forEach(r -> r.thread().interrupt());
        running.clear();
    }

    private void loop() {
        while (active) {
            try {
                reconcile(transport.replicaAssignments());
            } catch (RuntimeException e) {
                log.warn("Asking the server for replicas failed: {}", e.getMessage());
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void reconcile(List<ReplicaAssignment> assignments) {
        running.entrySet().removeIf(entry -> entry.getValue().host().finished());
        Set<Long> wanted = new HashSet<>();
        for (ReplicaAssignment assignment : assignments) {
            wanted.add(assignment.replicaId());
            running.computeIfAbsent(assignment.replicaId(), id -> {
                ReplicaLink link = remote ? new BufferedLink(assignment.replicaId()) : new DirectLink(assignment.replicaId());
                ReplicaHost host = new ReplicaHost(assignment, link, workDir.resolve("replicas"));
                Thread hostThread = new Thread(host, "replica-" + id);
                hostThread.setDaemon(true);
                hostThread.start();
                return new Running(host, hostThread);
            });
        }
        for (Map.Entry<Long, Running> entry : running.entrySet()) {
            if (!wanted.contains(entry.getKey())) {
                entry.getValue().host().stop();
            }
        }
    }

    /**
     * The batch with each request's consecutive pieces of text joined: when delivery falls behind the decode
     * loop (many streams at once), clients get several tokens per chunk instead of the server writing one
     * chunk per token, so the backlog shrinks instead of growing. Each request's events keep their order.
     */
    static List<ReplicaEvent> coalesced(List<ReplicaEvent> batch) {
        Map<String, ReplicaEvent> text = new java.util.LinkedHashMap<>();
        List<ReplicaEvent> result = new ArrayList<>(batch.size());
        for (ReplicaEvent event : batch) {
            boolean ends = event.finish() != null || event.error() != null;
            ReplicaEvent pending = text.get(event.requestId());
            if (!ends) {
                text.put(event.requestId(), pending == null ? event : new ReplicaEvent(event.requestId(),
                        pending.text() + event.text(), event.completionTokens(), null, 0, null, 0));
                continue;
            }
            if (pending != null) {
                result.add(text.remove(event.requestId()));
            }
            result.add(event);
        }
        result.addAll(text.values());
        return result;
    }

    /**
     * Requests and reports go straight through the transport; answers leave through a sending thread, so the
     * decode loop never waits while tokens are written to clients (in-process) or posted to the server (HTTP).
     */
    private class DirectLink implements ReplicaLink {
        final long replicaId;
        private final BlockingQueue<ReplicaEvent> outbox = new LinkedBlockingQueue<>();
        /** Held while events are handed over, so a final report never overtakes the answers before it. */
        private final Object delivering = new Object();
        volatile boolean open = true;
        private Thread sender;

        DirectLink(long replicaId) {
            this.replicaId = replicaId;
        }

        @Override
        public Path modelPackage(ReplicaAssignment assignment) throws IOException {
            return transport.replicaModel(assignment);
        }

        @Override
        public void report(ReplicaState state, String message) {
            if (state == ReplicaState.STOPPED || state == ReplicaState.FAILED) {
                // the answers go first: once the server hears the replica ended it no longer takes them
                synchronized (delivering) {
                    List<ReplicaEvent> rest = new ArrayList<>();
                    outbox.drainTo(rest);
                    if (!rest.isEmpty()) {
                        transport.replicaEvents(replicaId, rest);
                    }
                }
            }
            transport.replicaReport(replicaId, state, message);
            if (state == ReplicaState.READY && sender == null) {
                sender = daemon("replica-" + replicaId + "-send", this::sendLoop);
                started();
            }
        }

        /** More threads a link needs once the replica is ready. */
        void started() {
        }

        @Override
        public ReplicaWork work(int capacity, Duration wait) throws InterruptedException {
            return transport.replicaWork(replicaId, capacity, wait);
        }

        @Override
        public void send(List<ReplicaEvent> events) {
            outbox.addAll(events);
        }

        private void sendLoop() {
            List<ReplicaEvent> batch = new ArrayList<>();
            while (open || !outbox.isEmpty()) {
                try {
                    ReplicaEvent first = outbox.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    synchronized (delivering) {
                        batch.add(first);
                        outbox.drainTo(batch);
                        transport.replicaEvents(replicaId, coalesced(batch));
                        batch.clear();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("Replica {}: sending {} event(s) failed: {}", replicaId, batch.size(), e.getMessage());
                    // keep them for the next try: a lost finish would leave a client waiting
                    outbox.addAll(batch);
                    batch.clear();
                    pause();
                }
            }
        }

        @Override
        public void close() {
            open = false;
            if (sender != null) {
                try {
                    sender.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void pause() {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        Thread daemon(String name, Runnable body) {
            Thread t = new Thread(body, name);
            t.setDaemon(true);
            t.start();
            return t;
        }
    }

    /** Over HTTP, requests also arrive through a thread of their own, which long-polls the server. */
    private final class BufferedLink extends DirectLink {
        private final BlockingQueue<ReplicaWork> inbox = new LinkedBlockingQueue<>();
        /** Free batch slots of the replica less what the receiver fetched since it last said. */
        private final java.util.concurrent.atomic.AtomicInteger room = new java.util.concurrent.atomic.AtomicInteger();
        private Thread receiver;

        BufferedLink(long replicaId) {
            super(replicaId);
        }

        @Override
        void started() {
            receiver = daemon("replica-" + replicaId + "-receive", this::receive);
        }

        private void receive() {
            while (open) {
                try {
                    int capacity = Math.max(0, room.get());
                    ReplicaWork work = transport.replicaWork(replicaId, capacity,
                            capacity > 0 ? Duration.ofSeconds(1) : Duration.ofMillis(100));
                    room.addAndGet(-work.requests().size());
                    inbox.add(work);
                    if (work.stop()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("Replica {}: asking for work failed: {}", replicaId, e.getMessage());
                    pause();
                }
            }
        }

        @Override
        public ReplicaWork work(int capacity, Duration wait) throws InterruptedException {
            room.set(capacity - inboxRequests());
            List<ReplicaWork> received = new ArrayList<>();
            ReplicaWork first = wait.isZero() ? inbox.poll() : inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (first == null) {
                return new ReplicaWork(List.of(), List.of(), false);
            }
            received.add(first);
            inbox.drainTo(received);
            List<dev.llmops.studio.serving.ReplicaRequest> requests = new ArrayList<>();
            List<String> cancelled = new ArrayList<>();
            boolean stop = false;
            for (ReplicaWork work : received) {
                requests.addAll(work.requests());
                cancelled.addAll(work.cancelled());
                stop |= work.stop();
            }
            return new ReplicaWork(requests, cancelled, stop);
        }

        private int inboxRequests() {
            return inbox.stream().mapToInt(w -> w.requests().size()).sum();
        }

        @Override
        public void close() {
            if (receiver != null) {
                receiver.interrupt();
            }
            super.close();
        }
    }
}
