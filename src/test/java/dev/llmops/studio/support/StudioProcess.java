package dev.llmops.studio.support;

import dev.llmops.studio.StudioApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The studio as a separate operating-system process, started like {@code java -jar llmops-studio.jar …} but on
 * the test classpath (so the scripted executors are there). For what only a real process shows: SIGKILL, no
 * shutdown hooks, nothing shared with the test JVM.
 */
public final class StudioProcess {

    public static final Path LOGS = Path.of("target", "processes");

    private StudioProcess() {
    }

    /** Starts {@code StudioApplication} with the arguments; stdout and stderr go to {@code target/processes/<name>.log}. */
    public static Process start(String name, String maxHeap, List<String> arguments) throws IOException {
        Files.createDirectories(LOGS);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx" + maxHeap, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                StudioApplication.class.getName()));
        command.addAll(arguments);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(name).toFile()).start();
    }

    public static Path log(String name) {
        return LOGS.resolve(name + ".log");
    }
}
