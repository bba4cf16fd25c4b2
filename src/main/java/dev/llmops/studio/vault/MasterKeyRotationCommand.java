package dev.llmops.studio.vault;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * {@code java -jar llmops-studio.jar rotate-master-key --new-key-file=… [--vault-dir=…] [--create-key-only]}:
 * re-wraps every file in the model vault to the key in {@code --new-key-file} (generated there, owner-only, if
 * the file does not exist). The current and previous keys come from the server's own configuration
 * (application.properties, environment, {@code --studio.security.…} arguments), read by a Spring context with
 * nothing in it: no web server, no database, no scheduler.
 */
public final class MasterKeyRotationCommand {

    static final String COMMAND = "rotate-master-key";
    static final int OK = 0;
    static final int SOME_FILES_FAILED = 1;
    static final int USAGE = 2;
    private static final String USAGE_TEXT = """
            Usage: java -jar llmops-studio.jar rotate-master-key --new-key-file=PATH [--vault-dir=PATH] \
            [--create-key-only]
              --new-key-file     the key to rotate to; generated (readable by its owner only) if the file is missing
              --vault-dir        folder of encrypted files (default: studio.vault.dir, ./data/vault)
              --create-key-only  only generate the new key file, to configure it as a previous key on running
                                 servers before rotating (rotation without downtime)
            The current key is read as the server reads it: STUDIO_MASTER_KEY or studio.security.master-key-file.""";

    private MasterKeyRotationCommand() {
    }

    public static boolean requested(String[] args) {
        return args.length > 0 && (COMMAND.equals(args[0]) || ("--" + COMMAND).equals(args[0]));
    }

    /** Runs the command ({@code args[0]} is the command's name); returns the process exit status. */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String[] options = Arrays.copyOfRange(args, 1, args.length);
        for (String option : options) {
            if (!option.startsWith("--")) {
                err.println("Unexpected argument: " + option);
                err.println(USAGE_TEXT);
                return USAGE;
            }
        }
        SpringApplication application = new SpringApplication(NothingButConfiguration.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        try (ConfigurableApplicationContext context = application.run(options)) {
            return rotate(context.getEnvironment(), out, err);
        }
    }

    private static int rotate(Environment environment, PrintStream out, PrintStream err) {
        String newKeyOption = environment.getProperty("new-key-file", "").strip();
        if (newKeyOption.isEmpty()) {
            err.println("--new-key-file is required.");
            err.println(USAGE_TEXT);
            return USAGE;
        }
        Path newKeyFile = Path.of(newKeyOption);
        Path folder = Path.of(environment.getProperty("vault-dir",
                environment.getProperty("studio.vault.dir", "./data/vault")));
        MasterKeySettings settings = VaultConfiguration.settings(
                environment.getProperty("studio.security.master-key", ""),
                Path.of(environment.getProperty("studio.security.master-key-file", "./data/master.key")),
                environment.getProperty("studio.security.previous-master-key-files", ""),
                environment.getProperty("studio.security.previous-master-keys", ""));
        try {
            MasterKeyRing keys = settings.load(false);
            MasterKey to = newKey(newKeyFile, out);
            if (environment.containsProperty("create-key-only")) {
                out.println("Created only the key " + to.id() + "; nothing was re-wrapped.");
                return OK;
            }
            if (to.equals(keys.current())) {
                out.println("Note: " + newKeyFile + " holds the current master key " + to.id() + "; files under a "
                        + "previous key are re-wrapped to it.");
            }
            MasterKeyRotation.Result result = MasterKeyRotation.rotate(folder, keys, to);
            MasterKeyRotation.report(result, folder, to, newKeyFile, settings, out);
            return result.complete() ? OK : SOME_FILES_FAILED;
        } catch (MasterKeyException e) {
            err.println(e.getMessage());
            return USAGE;
        } catch (IOException e) {
            err.println("Rotation stopped: " + e.getMessage() + ". Files done so far stay valid; run the command "
                    + "again to continue.");
            return SOME_FILES_FAILED;
        }
    }

    private static MasterKey newKey(Path file, PrintStream out) throws IOException {
        if (Files.exists(file)) {
            return MasterKeyFile.read(file);
        }
        MasterKey created = MasterKeyFile.create(file);
        out.println("Generated the new master key " + created.id() + " in " + file.toAbsolutePath().normalize()
                + " (owner-only). Back it up before going on.");
        return created;
    }

    /** Deliberately empty and not a @Configuration: the context exists only to read the configuration. */
    static class NothingButConfiguration {
    }
}
