package dev.llmops.studio.designer;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.shared.Registration;
import dev.llmops.studio.run.RunChanged;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Pushes run changes to the screens watching them. Changes on this server arrive as events (coalesced to at most
 * four refreshes a second per screen); a slow tick also refreshes, so changes made by other servers of a
 * cluster show up too.
 */
@Component
class RunUpdates {

    private static final long COALESCE_MS = 250;
    private static final long TICK_MS = 2000;

    private final Map<Long, Set<Watcher>> watchers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "run-updates");
        thread.setDaemon(true);
        return thread;
    });

    /** Calls {@code refresh} inside {@code ui.access} whenever the run changes, until the registration is removed. */
    Registration watch(long runId, UI ui, Runnable refresh) {
        Watcher watcher = new Watcher(ui, refresh);
        watchers.computeIfAbsent(runId, id -> ConcurrentHashMap.newKeySet()).add(watcher);
        var tick = scheduler.scheduleAtFixedRate(watcher::schedule, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        return () -> {
            tick.cancel(false);
            Set<Watcher> set = watchers.get(runId);
            if (set != null) {
                set.remove(watcher);
            }
        };
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(RunChanged change) {
        Set<Watcher> set = watchers.get(change.runId());
        if (set != null) {
            set.forEach(Watcher::schedule);
        }
    }

    private final class Watcher {
        private final UI ui;
        private final Runnable refresh;
        private final AtomicBoolean pending = new AtomicBoolean();

        Watcher(UI ui, Runnable refresh) {
            this.ui = ui;
            this.refresh = refresh;
        }

        void schedule() {
            if (pending.compareAndSet(false, true)) {
                scheduler.schedule(() -> {
                    pending.set(false);
                    if (ui.isAttached()) {
                        ui.access(refresh::run);
                    }
                }, COALESCE_MS, TimeUnit.MILLISECONDS);
            }
        }
    }
}
