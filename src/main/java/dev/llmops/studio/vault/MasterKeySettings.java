package dev.llmops.studio.vault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the master keys come from: {@code studio.security.master-key} (base64, normally from
 * {@code STUDIO_MASTER_KEY}, for production, where a secret store injects it) or else the key file
 * {@code studio.security.master-key-file}; earlier keys for rotation from
 * {@code studio.security.previous-master-key-files} and {@code studio.security.previous-master-keys}.
 *
 * @param masterKey         base64 key; when set the key file is neither read nor created
 * @param masterKeyFile     the key file used when {@code masterKey} is empty
 * @param previousKeyFiles  key files of earlier keys, still accepted for reading
 * @param previousKeys      base64 earlier keys, still accepted for reading
 */
public record MasterKeySettings(String masterKey, Path masterKeyFile, List<Path> previousKeyFiles,
                                List<String> previousKeys) {

    private static final Logger log = LoggerFactory.getLogger(MasterKeySettings.class);

    public MasterKeySettings {
        masterKey = masterKey == null ? "" : masterKey.strip();
        previousKeyFiles = List.copyOf(previousKeyFiles);
        previousKeys = previousKeys.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    public static MasterKeySettings ofFile(Path masterKeyFile) {
        return new MasterKeySettings("", masterKeyFile, List.of(), List.of());
    }

    /**
     * Loads the configured keys. With {@code generateIfMissing} (the server's first start) a missing key file is
     * created with a fresh key and its location logged; without it (the rotation command, which must never
     * invent the key it is rotating away from) a missing file is an error.
     */
    public MasterKeyRing load(boolean generateIfMissing) {
        try {
            MasterKey current = currentKey(generateIfMissing);
            List<MasterKey> previous = new ArrayList<>();
            for (Path file : previousKeyFiles) {
                previous.add(MasterKeyFile.read(file));
            }
            for (String encoded : previousKeys) {
                previous.add(decode(encoded, "studio.security.previous-master-keys"));
            }
            MasterKeyRing ring = new MasterKeyRing(current, previous);
            log.info("Encryption at rest: {}", ring.describe());
            return ring;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the master keys: " + e.getMessage(), e);
        }
    }

    private MasterKey currentKey(boolean generateIfMissing) throws IOException {
        if (!masterKey.isEmpty()) {
            return decode(masterKey, "studio.security.master-key (STUDIO_MASTER_KEY)");
        }
        if (Files.exists(masterKeyFile) || !generateIfMissing) {
            return MasterKeyFile.read(masterKeyFile);
        }
        try {
            MasterKey created = MasterKeyFile.create(masterKeyFile);
            logCreated(created);
            return created;
        } catch (FileAlreadyExistsException e) {
            // another server sharing the folder created it a moment ago: use that one
            return MasterKeyFile.read(masterKeyFile);
        }
    }

    private void logCreated(MasterKey created) {
        Path where = masterKeyFile.toAbsolutePath().normalize();
        String restriction = MasterKeyFile.supportsPosix(where.getParent()) ? "readable by its owner only"
                : "ON A FILE SYSTEM WITHOUT POSIX PERMISSIONS: restrict access to it yourself";
        log.warn("""

                ============================================================
                 First start: generated the master key ({}) in
                     {}
                 ({}). It encrypts model files at rest.
                 BACK IT UP NOW, apart from the data (e.g. in a password manager):
                 without it the encrypted models cannot be read by anyone.
                 In production, set STUDIO_MASTER_KEY instead (see README).
                ============================================================""", created.id(), where, restriction);
    }

    private static MasterKey decode(String encoded, String setting) {
        try {
            return MasterKey.fromBase64(encoded);
        } catch (IllegalArgumentException e) {
            throw new MasterKeyException(setting + " does not hold a master key: " + e.getMessage() + ".", e);
        }
    }
}
