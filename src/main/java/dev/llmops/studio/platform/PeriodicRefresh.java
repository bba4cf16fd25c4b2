package dev.llmops.studio.platform;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Refreshes a screen on a fixed period while it is attached, pushing the result to the browser; used where the
 * data changes elsewhere (other servers, workers) and no event reaches this server.
 */
public final class PeriodicRefresh {

    private static final ScheduledExecutorService TICKS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "screen-refresh");
        thread.setDaemon(true);
        return thread;
    });

    private PeriodicRefresh() {
    }

    public static void whileAttached(Component screen, Duration period, Runnable refresh) {
        ScheduledFuture<?>[] tick = new ScheduledFuture<?>[1];
        screen.addAttachListener(event -> {
            UI ui = event.getUI();
            tick[0] = TICKS.scheduleAtFixedRate(() -> ui.access(refresh::run), period.toMillis(), period.toMillis(),
                    TimeUnit.MILLISECONDS);
        });
        screen.addDetachListener(event -> {
            if (tick[0] != null) {
                tick[0].cancel(false);
            }
        });
    }
}
