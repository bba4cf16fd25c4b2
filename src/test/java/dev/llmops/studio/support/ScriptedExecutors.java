package dev.llmops.studio.support;

import dev.llmops.studio.pipeline.NodeType;
import dev.llmops.studio.pipeline.NodeTypeCatalog;
import dev.llmops.studio.pipeline.Port;
import dev.llmops.studio.run.NodeExecutor;
import dev.llmops.studio.run.TaskContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.stereotype.Component;

/**
 * Test executors for every catalog step type, so pipelines can run before the real executors exist. By default
 * a step succeeds at once and writes {@code test://run/<run>/<node>/<port>} on each output; a test can script a
 * step by its node id (fail the first attempts, run until cancelled, take a while).
 */
@Component
public class ScriptedExecutors implements BeanDefinitionRegistryPostProcessor {

    /** What a scripted step does on a given attempt. */
    public interface Script {
        void run(TaskContext context) throws Exception;
    }

    private static final Map<String, Script> SCRIPTS = new ConcurrentHashMap<>();
    /** Every execution: "runId/nodeId#attempt", in order, across all test contexts of the JVM. */
    public static final List<String> EXECUTIONS = new CopyOnWriteArrayList<>();

    public static void script(String nodeId, Script script) {
        SCRIPTS.put(nodeId, script);
    }

    public static void reset() {
        SCRIPTS.clear();
    }

    /** Fails the first {@code failures} attempts, then succeeds. */
    public static Script failing(int failures) {
        return context -> {
            if (context.attempt() <= failures) {
                throw new IllegalStateException("scripted failure on attempt " + context.attempt());
            }
        };
    }

    /** Reports progress until asked to cancel (cooperative cancellation). */
    public static Script untilCancelled() {
        return context -> {
            double progress = 0;
            while (!context.cancelRequested()) {
                context.progress(progress = Math.min(0.99, progress + 0.01));
                Thread.sleep(50);
            }
            context.log("stopping: cancellation requested");
        };
    }

    public static Script sleeping(Duration duration) {
        return context -> Thread.sleep(duration.toMillis());
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        for (NodeType type : new NodeTypeCatalog().all()) {
            RootBeanDefinition definition = new RootBeanDefinition(Executor.class, () -> new Executor(type));
            registry.registerBeanDefinition("scriptedExecutor-" + type.id(), definition);
        }
    }

    static final class Executor implements NodeExecutor {
        private final NodeType type;

        Executor(NodeType type) {
            this.type = type;
        }

        @Override
        public String nodeType() {
            return type.id();
        }

        @Override
        public void execute(TaskContext context) throws Exception {
            EXECUTIONS.add(context.runId() + "/" + context.nodeId() + "#" + context.attempt());
            context.log("scripted " + type.id() + " attempt " + context.attempt() + ", inputs " + context.inputs());
            Script script = SCRIPTS.get(context.nodeId());
            if (script != null) {
                script.run(context);
            }
            for (Port port : type.outputs()) {
                context.output(port.id(), "test://run/" + context.runId() + "/" + context.nodeId() + "/" + port.id());
            }
            context.progress(1.0);
        }

        @Override
        public Duration timeout() {
            return Duration.ofMinutes(2);
        }
    }
}
