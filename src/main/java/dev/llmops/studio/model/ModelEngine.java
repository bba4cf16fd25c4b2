package dev.llmops.studio.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/** Process-wide settings of the DJL PyTorch engine that the model steps run on. */
public final class ModelEngine {

    private ModelEngine() {
    }

    /**
     * Called first thing in main, before the engine loads: never reach for the network (natives come from the
     * jar), and one inter-op thread, since steps parallelise inside ops. Values given on the command line win.
     */
    public static void applyDefaults() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    }

    /**
     * Readies the calling thread for model work: the engine's intra-op threads set to the step's share of the
     * worker (a process-wide setting: two steps at once on one worker share the last count, which libgomp
     * tolerates better than oversubscription from per-step pools), and autograd recording off, see
     * {@link #stopRecordingGradients()}.
     */
    static void prepareThread(int threads) {
        Engine.getEngine("PyTorch"); // loads the natives JniUtils calls into
        int wanted = Math.max(1, threads);
        if (JniUtils.getNumThreads() != wanted) {
            JniUtils.setNumThreads(wanted);
        }
        stopRecordingGradients();
    }

    /**
     * PyTorch's grad mode is per thread and on by default in every new thread: a worker's slot thread would
     * record autograd graphs for plain inference (memory, time) and refuse in-place optimiser updates. Only a
     * gradient collector turns it on, for the forward and backward it wraps.
     */
    static void stopRecordingGradients() {
        JniUtils.setGradMode(false);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
