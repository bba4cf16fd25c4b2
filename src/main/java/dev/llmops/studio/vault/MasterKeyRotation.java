package dev.llmops.studio.vault;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-wraps every encrypted file under a folder to a new master key, one file at a time, each crash-safe
 * ({@link EncryptedFiles#rewrap}). Running it again after an interruption continues where it stopped: files
 * already under the new key are left alone.
 */
public final class MasterKeyRotation {

    private static final Logger log = LoggerFactory.getLogger(MasterKeyRotation.class);

    /**
     * What a rotation did.
     *
     * @param rewrapped    files now wrapped by the new key that were not before
     * @param alreadyNew   files that were already wrapped by the new key
     * @param notEncrypted other files found in the folder, left alone
     * @param failures     one line per file that could not be rewrapped (unknown key, modified header, I/O)
     */
    public record Result(int rewrapped, int alreadyNew, int notEncrypted, List<String> failures) {

        public boolean complete() {
            return failures.isEmpty();
        }
    }

    private MasterKeyRotation() {
    }

    /** Re-wraps every encrypted file under {@code folder} (recursively) from whichever key in {@code keys} to {@code to}. */
    public static Result rotate(Path folder, MasterKeyRing keys, MasterKey to) throws IOException {
        int rewrapped = 0;
        int alreadyNew = 0;
        int notEncrypted = 0;
        List<String> failures = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return new Result(0, 0, 0, List.of());
        }
        List<Path> candidates;
        try (Stream<Path> paths = Files.walk(folder)) {
            candidates = paths.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().endsWith(EncryptedFiles.PARTIAL_SUFFIX))
                    .sorted().toList();
        }
        for (Path file : candidates) {
            if (!EncryptedFiles.isEncryptedFile(file)) {
                notEncrypted++;
                log.warn("Not an encrypted file, left as it is: {}", file);
                continue;
            }
            try {
                String id = EncryptedFiles.masterKeyId(file);
                if (to.id().equals(id)) {
                    alreadyNew++;
                    continue;
                }
                MasterKey from = keys.byId(id).orElse(null);
                if (from == null) {
                    failures.add(file + ": wrapped by master key " + id + ", which is not configured ("
                            + keys.describe() + ")");
                    continue;
                }
                if (EncryptedFiles.rewrap(file, from, to)) {
                    rewrapped++;
                    log.info("Re-wrapped {} ({} -> {})", file, from.id(), to.id());
                } else {
                    alreadyNew++;
                }
            } catch (IOException e) {
                failures.add(file + ": " + e.getMessage());
            }
        }
        return new Result(rewrapped, alreadyNew, notEncrypted, List.copyOf(failures));
    }

    /** The summary and the operator's next steps, as the command prints them. */
    static void report(Result result, Path folder, MasterKey to, Path newKeyFile, MasterKeySettings settings,
                       PrintStream out) {
        out.printf("%nRotation to master key %s under %s: %d re-wrapped, %d already under the new key, %d other "
                + "files left alone, %d failed.%n", to.id(), folder.toAbsolutePath().normalize(), result.rewrapped(),
                result.alreadyNew(), result.notEncrypted(), result.failures().size());
        if (!result.complete()) {
            result.failures().forEach(failure -> out.println("  FAILED " + failure));
            out.println("Those files still need their old key. Fix the cause (configure their key in "
                    + "studio.security.previous-master-key-files) and run the command again: it skips files already "
                    + "done. Do not retire the old key yet.");
            return;
        }
        Path newFile = newKeyFile.toAbsolutePath().normalize();
        out.println("Every encrypted file now opens with the new key only. Next, with the servers stopped:");
        if (settings.masterKey().isEmpty()) {
            Path current = settings.masterKeyFile().toAbsolutePath().normalize();
            Path old = current.resolveSibling(current.getFileName() + ".old");
            out.println("  mv " + current + " " + old);
            out.println("  mv " + newFile + " " + current);
            out.println("  and for the change-over: studio.security.previous-master-key-files=" + old);
        } else {
            out.println("  set STUDIO_MASTER_KEY to the content of " + newFile);
            out.println("  and for the change-over STUDIO_PREVIOUS_MASTER_KEYS to the old key");
        }
        out.println("Start the servers; once they run on the new key (and files written meanwhile were re-wrapped by "
                + "running this command again), drop the old key from the configuration. Back up the new key now.");
    }
}
