package dev.llmops.studio.support;

import dev.llmops.studio.pipeline.NodeType;
import dev.llmops.studio.pipeline.NodeTypeCatalog;
import dev.llmops.studio.pipeline.Port;
import dev.llmops.studio.run.NodeExecutor;
import dev.llmops.studio.run.TaskContext;
import dev.llmops.studio.run.WorkerComponent;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Set;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;

/**
 * Test executors for every catalog step type, so pipelines can run before the real executors exist. By default
 * a step reads each input artifact (logging {@code read <port>: <content>}), then writes a real artifact
 * {@code output <port> of step <node> in run <run>} on each output. A test in this JVM can script a step by its
 * node id (fail the first attempts, run until cancelled, take a while); a step whose id starts with
 * {@code slow} takes {@link #SLOW} wherever it runs, remote workers included (scripts do not cross JVMs), and
 * reports a falling {@code train_loss} every 100 ms, saving a checkpoint every {@link #CHECKPOINT_EVERY} steps and
 * resuming from it when retried.
 */
@WorkerComponent
public class ScriptedExecutors implements BeanDefinitionRegistryPostProcessor {

    /** What a scripted step does on a given attempt. */
    public interface Script {
        void run(TaskContext context) throws Exception;
    }

    private static final Map<String, Script> SCRIPTS = new ConcurrentHashMap<>();
    private static final Map<String, Script> REPLACEMENTS = new ConcurrentHashMap<>();
    /** Every execution: "runId/nodeId#attempt", in order, across all test contexts of the JVM. */
    public static final List<String> EXECUTIONS = new CopyOnWriteArrayList<>();
    public static final Duration SLOW = Duration.ofSeconds(6);
    /** Slow steps save their step number as a checkpoint this often and resume from it on a retry. */
    public static final int CHECKPOINT_EVERY = 5;
    /**
     * Property listing the step types whose real executors run in a test context (comma-separated), e.g.
     * {@code @SpringBootTest(properties = "studio.test.real-executors=dataset-upload,fine-tune")}; remote worker
     * processes take it as a command-line argument.
     */
    public static final String REAL_EXECUTORS = "studio.test.real-executors";
    /**
     * The one setting the model and serving tests share (so they share one application context): every real
     * executor of the model engine, and the Deploy step.
     */
    public static final String REAL_MODEL_STEPS = REAL_EXECUTORS + "=dataset-upload,fine-tune,evaluate,quantize,deploy";
    /** The model steps and the quality loop's: Prompt test, Human review and Quality gate. */
    public static final String QUALITY_STEPS = REAL_MODEL_STEPS + ",prompt-test,human-review,gate";

    /** The content the default behaviour writes on an output port. */
    public static String outputContent(long runId, String nodeId, String port) {
        return "output " + port + " of step " + nodeId + " in run " + runId;
    }

    public static void script(String nodeId, Script script) {
        SCRIPTS.put(nodeId, script);
    }

    /**
     * Replaces what a step does, whether its type's executor is real or scripted: only the script runs, and it
     * writes the step's outputs itself (a report of chosen numbers, say, where a real step would compute one).
     */
    public static void replace(String nodeId, Script script) {
        REPLACEMENTS.put(nodeId, script);
    }

    public static void reset() {
        SCRIPTS.clear();
        REPLACEMENTS.clear();
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
        registry.registerBeanDefinition("scriptHookForRealExecutors", new RootBeanDefinition(ScriptHook.class));
        for (NodeType type : new NodeTypeCatalog().all()) {
            RootBeanDefinition definition = new RootBeanDefinition(Executor.class, () -> new Executor(type));
            registry.registerBeanDefinition("scriptedExecutor-" + type.id(), definition);
        }
    }

    /**
     * Lets tests script steps whose type has a real executor: the script runs first, then the real work, and the
     * execution is logged like the scripted ones. Real executors are slow or need real inputs (a fine-tune trains a
     * model), so only the types named in {@value #REAL_EXECUTORS} (default: the dataset upload step) do their real
     * work; the others behave as the scripted fallback, keeping run-engine tests independent of what steps do.
     */
    static final class ScriptHook implements BeanPostProcessor, EnvironmentAware {
        private Set<String> realTypes = Set.of("dataset-upload");

        @Override
        public void setEnvironment(Environment environment) {
            realTypes = Set.of(environment.getProperty(REAL_EXECUTORS, "dataset-upload").split("\\s*,\\s*"));
        }

        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (!(bean instanceof NodeExecutor real) || real.fallback()) {
                return bean;
            }
            boolean useReal = realTypes.contains(real.nodeType());
            NodeExecutor stand = useReal ? null
                    : new Executor(new NodeTypeCatalog().find(real.nodeType()).orElseThrow());
            return new NodeExecutor() {
                @Override
                public String nodeType() {
                    return real.nodeType();
                }

                @Override
                public void execute(TaskContext context) throws Exception {
                    if (!useReal) {
                        stand.execute(context);
                        return;
                    }
                    EXECUTIONS.add(context.runId() + "/" + context.nodeId() + "#" + context.attempt());
                    Script replacement = REPLACEMENTS.get(context.nodeId());
                    if (replacement != null) {
                        replacement.run(context);
                        return;
                    }
                    Script script = SCRIPTS.get(context.nodeId());
                    if (script != null) {
                        script.run(context);
                    }
                    real.execute(context);
                }

                @Override
                public int maxAttempts() {
                    return useReal ? real.maxAttempts() : stand.maxAttempts();
                }

                @Override
                public Duration timeout() {
                    return useReal ? real.timeout() : stand.timeout();
                }
            };
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
            Script replacement = REPLACEMENTS.get(context.nodeId());
            if (replacement != null) {
                replacement.run(context);
                return;
            }
            context.log("scripted " + type.id() + " attempt " + context.attempt() + ", inputs " + context.inputs());
            for (String port : context.inputs().keySet()) {
                String content = Files.readString(context.input(port));
                // a real dataset is long; its first line identifies it well enough
                int end = content.indexOf('\n');
                context.log("read " + port + ": " + (end < 0 ? content : content.substring(0, end) + " …"));
            }
            Script script = SCRIPTS.get(context.nodeId());
            if (script != null) {
                script.run(context);
            }
            if (context.nodeId().startsWith("slow")) {
                long steps = SLOW.toMillis() / 100;
                long first = 1;
                var checkpoint = context.resumeFrom();
                if (checkpoint.isPresent()) {
                    first = Long.parseLong(Files.readString(checkpoint.get()).strip()) + 1;
                    context.log("resumed from step " + (first - 1));
                }
                for (long step = first; step <= steps && !context.cancelRequested(); step++) {
                    Thread.sleep(100);
                    context.progress((double) step / steps);
                    context.metric("train_loss", step, 1.0 / step);
                    if (step % CHECKPOINT_EVERY == 0) {
                        Path saved = context.checkpointDir().resolve("step");
                        Files.writeString(saved, Long.toString(step));
                        context.saveCheckpoint(saved);
                    }
                }
            }
            for (Port port : type.outputs()) {
                context.output(port.id(), new ByteArrayInputStream(outputContent(context.runId(), context.nodeId(),
                        port.id()).getBytes(StandardCharsets.UTF_8)));
            }
            context.progress(1.0);
        }

        @Override
        public Duration timeout() {
            return Duration.ofMinutes(2);
        }

        /** Real executors (the Dataset upload step, …) take over their types; these fill the rest. */
        @Override
        public boolean fallback() {
            return true;
        }
    }
}
