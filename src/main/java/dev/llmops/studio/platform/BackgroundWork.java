package dev.llmops.studio.platform;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Long work started from a screen (reading a 2 GB upload, say) off the request thread, as the signed-in user, with
 * the outcome delivered back to the screen by server push. The returned handle cancels cooperatively: the work
 * polls {@link Handle#cancelled()}.
 */
public final class BackgroundWork {

    private BackgroundWork() {
    }

    public interface Work<T> {
        T run(Handle handle) throws Exception;
    }

    /** Cancellation flag shared by the screen and the work. */
    public static final class Handle {
        private final AtomicBoolean cancelled = new AtomicBoolean();

        public void cancel() {
            cancelled.set(true);
        }

        public boolean cancelled() {
            return cancelled.get();
        }
    }

    public static <T> Handle start(Component owner, String name, Work<T> work, Consumer<T> onDone,
            Consumer<Exception> onFailure) {
        UI ui = owner.getUI().orElseThrow(() -> new IllegalStateException("start work from an attached screen"));
        SecurityContext caller = SecurityContextHolder.getContext();
        Handle handle = new Handle();
        Thread thread = new Thread(() -> {
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(caller.getAuthentication());
            SecurityContextHolder.setContext(context);
            try {
                T result = work.run(handle);
                ui.access(() -> onDone.accept(result));
            } catch (Exception e) {
                ui.access(() -> onFailure.accept(e));
            } finally {
                SecurityContextHolder.clearContext();
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return handle;
    }
}
